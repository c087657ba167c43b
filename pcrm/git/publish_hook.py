"""The ``post-commit`` hook that publishes the feed to CalDAV after each commit.

``pcrm hooks install --publish URL`` writes it beside the pre-commit hook (same
folder, same way of finding Python). It starts ``pcrm publish --caldav URL
--record`` in the background and exits at once, so a commit never waits for
the network; the outcome is recorded in the vault's state folder, where
``pcrm status`` finds a failure and says so. A post-commit hook the user had
is moved aside to ``post-commit.pcrm-orig`` and still runs first.
"""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

from pcrm.git import hooks
from pcrm.git import repo as git

HOOK_NAME = "post-commit"
MARKER = "# pcrm-publish-hook: installed by 'pcrm hooks install --publish'"

_TEMPLATE = """\
#!/bin/sh
{marker}; 'pcrm hooks uninstall' removes it.
# Publishes the calendar feed to {url_comment} after each commit, in the
# background: the commit never waits, and 'pcrm status' reports a failure.
python={python}
vault={vault}
url={url}

original="$(dirname "$0")/{hook}{suffix}"
if [ -x "$original" ]; then
    "$original" "$@"
fi

[ -f "$vault/.pcrm.yaml" ] || exit 0
if [ -x "$python" ]; then
    set -- "$python" -m pcrm
elif command -v pcrm >/dev/null 2>&1; then
    set -- pcrm
else
    exit 0
fi
# A subshell that starts it and returns: git does not wait for it.
( "$@" --vault "$vault" publish --caldav "$url" --record </dev/null >/dev/null 2>&1 & )
exit 0
"""


def hook_path(root: Path) -> Path:
    """Where the post-commit hook of the vault's repository lives."""
    return git.git_path(root, "hooks") / HOOK_NAME


def script(root: Path, url: str, python: str | None = None) -> str:
    prefix = git.repo_prefix(root).rstrip("/")
    return _TEMPLATE.format(marker=MARKER, python=shlex.quote(python or sys.executable),
                            vault=shlex.quote("./" + prefix if prefix else "."),
                            url=shlex.quote(url), url_comment=" ".join(url.split()),
                            hook=HOOK_NAME, suffix=hooks.ORIGINAL_SUFFIX)


def install(root: Path, url: str, python: str | None = None) -> Path:
    """Install (or update) the publishing post-commit hook; return its path."""
    return hooks.place(hook_path(root), script(root, url, python), MARKER)


def uninstall(root: Path) -> Path | None:
    """Remove the publishing hook (putting back the one it replaced); None if absent."""
    return hooks.remove(hook_path(root), MARKER)
