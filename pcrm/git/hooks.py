"""Installing and removing pcrm's Git ``pre-commit`` and ``pre-merge-commit`` hooks.

The hook goes into the folder ``git rev-parse --git-path hooks`` names, which
honours ``core.hooksPath`` and linked worktrees. It records the Python that
installed it, so it works without an activated virtual environment and
without ``pcrm`` on ``PATH``, and runs ``python -m pcrm check --staged``.

A hook the user already had is moved aside to ``pre-commit.pcrm-orig`` and
still runs first (either one failing blocks the commit); ``uninstall`` moves it
back untouched, bytes and mode. Installing twice rewrites pcrm's script (a new
Python path, say) without chaining it to itself.

The same script is installed as ``pre-merge-commit``, which git runs for the
merges it concludes by itself (``git merge``, ``git pull`` without rebase):
a union merge of two contact files can give a duplicate key, and such a merge
commit is checked like any other.

Why no post-merge or post-checkout hook: pcrm keeps no state that a merge or
checkout could make stale (its cache is keyed by file contents), so such hooks
would only cost time on every pull.
"""
from __future__ import annotations

import os
import shlex
import stat
import sys
from pathlib import Path

from pcrm.git import repo as git
from pcrm.core.errors import GitError, WriteError
from pcrm.store.files import REPLACE, default_mode, write_atomic

HOOK_NAME = "pre-commit"
HOOK_NAMES = (HOOK_NAME, "pre-merge-commit")
ORIGINAL_SUFFIX = ".pcrm-orig"
MARKER = "# pcrm-hook: installed by 'pcrm hooks install'"

_TEMPLATE = """\
#!/bin/sh
{marker}; 'pcrm hooks uninstall' removes it.
# Checks the contact files being committed (the staged versions) with
# 'pcrm check --staged'. Skip it once with: git commit --no-verify
python={python}
vault={vault}
prefix={prefix}

# The hook that was here before pcrm's runs first, as git would have run it.
original="$(dirname "$0")/{hook}{suffix}"
if [ -x "$original" ]; then
    "$original" "$@" || exit $?
fi

# Git runs hooks from the top of the working tree, so a relative vault path
# also fits linked worktrees. A repository with no .pcrm.yaml for the vault
# anywhere (working tree, index or HEAD) is not a pcrm vault (a shared
# core.hooksPath): nothing to check. A commit that deletes it is checked.
config="$vault/.pcrm.yaml"
if [ ! -e "$config" ] && [ ! -L "$config" ] \
        && ! git cat-file -e ":$prefix.pcrm.yaml" 2>/dev/null \
        && ! git cat-file -e "HEAD:$prefix.pcrm.yaml" 2>/dev/null; then
    exit 0
fi
if [ -x "$python" ]; then
    exec "$python" -m pcrm --vault "$vault" check --staged
elif command -v pcrm >/dev/null 2>&1; then
    exec pcrm --vault "$vault" check --staged
fi
echo "pcrm hook: $python is gone and pcrm is not on PATH; run 'pcrm hooks install'" \\
     "again, or commit with --no-verify" >&2
exit 1
"""


def hook_path(root: Path, name: str = HOOK_NAME) -> Path:
    """Where the pre-commit (or another) hook of the vault's repository lives."""
    return git.git_path(root, "hooks") / name


def _has_marker(path: Path, marker: str) -> bool:
    try:
        return marker.encode() in path.read_bytes()
    except OSError:
        return False


def script(root: Path, python: str | None = None, name: str = HOOK_NAME) -> str:
    """The text of pcrm's hook *name* for the vault at *root*."""
    prefix = git.repo_prefix(root).rstrip("/")
    # sys.executable as is, not resolved: a virtualenv's python is a symlink
    # whose target would run without the virtualenv's packages.
    in_repo = prefix + "/" if prefix else ""
    return _TEMPLATE.format(marker=MARKER, python=shlex.quote(python or sys.executable),
                            vault=shlex.quote("./" + prefix if prefix else "."),
                            prefix=shlex.quote(in_repo) if in_repo else "",
                            hook=name, suffix=ORIGINAL_SUFFIX)


def install(root: Path, python: str | None = None) -> Path:
    """Install pcrm's pre-commit and pre-merge-commit hooks for the vault at *root*.

    Returns the pre-commit hook's path. Also makes ``.gitattributes``
    union-merge contact files (see :func:`pcrm.git.ensure_gitattributes`).
    """
    paths = [_install_one(root, name, python) for name in HOOK_NAMES]
    git.ensure_gitattributes(root)
    return paths[0]


def _install_one(root: Path, name: str, python: str | None) -> Path:
    hook = hook_path(root, name)
    place(hook, script(root, python, name), MARKER)
    return hook


def place(hook: Path, text: str, marker: str) -> Path:
    """Write the hook script *text* at *hook*, keeping a foreign hook as ``*.pcrm-orig``.

    A hook there whose bytes lack *marker* (not pcrm's) is moved aside by a
    rename, which keeps it byte for byte with its mode; pcrm's own is
    rewritten in place, never chained to itself.
    """
    original = hook.with_name(hook.name + ORIGINAL_SUFFIX)
    try:
        hook.parent.mkdir(parents=True, exist_ok=True)
        if (hook.exists() or hook.is_symlink()) and not _has_marker(hook, marker):
            if original.exists() or original.is_symlink():
                raise GitError(f"{hook} is not pcrm's, and {original.name} is already "
                               "taken; move one of them away, then install again")
            os.replace(hook, original)
        # Executable by whoever may read it; pcrm's own hook keeps its mode.
        mode = default_mode(hook) | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
        write_atomic(hook, text.encode("utf-8"), expected=REPLACE, mode=mode)
    except OSError as exc:
        raise GitError(f"cannot install the hook in {hook.parent}: "
                       f"{exc.strerror or exc}") from None
    except WriteError as exc:
        raise GitError(f"cannot install the hook in {hook.parent}: {exc.message}") from None
    return hook


def uninstall(root: Path) -> Path | None:
    """Remove pcrm's hooks and put back the ones they replaced.

    Returns the pre-commit hook's path when it was removed, ``None`` when
    pcrm's hook was not installed. A hook that is not pcrm's is left alone.
    """
    removed = [_uninstall_one(root, name) for name in HOOK_NAMES]
    return removed[0]


def _uninstall_one(root: Path, name: str) -> Path | None:
    return remove(hook_path(root, name), MARKER)


def remove(hook: Path, marker: str) -> Path | None:
    """Remove the hook at *hook* if it carries *marker*, putting back its ``*.pcrm-orig``.

    Returns *hook* when it was removed, ``None`` when it is absent or not pcrm's.
    """
    if not _has_marker(hook, marker):
        return None
    original = hook.with_name(hook.name + ORIGINAL_SUFFIX)
    try:
        if original.exists() or original.is_symlink():
            os.replace(original, hook)
        else:
            hook.unlink()
    except OSError as exc:
        raise GitError(f"cannot remove the hook {hook}: {exc.strerror or exc}") from None
    return hook
