"""Spelling for the checklist: pyspellchecker's English dictionary, plus the vault's words.

pyspellchecker costs about 0.15 s to load its dictionary, so it is imported
and loaded only when a note is checked, once per process. Hyphenated words
are checked part by part (``on-call``).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

# Words of the job-search trade the general dictionary lacks.
TRADE_WORDS = frozenset("""
hackathon hackathons meetup meetups linkedin onboarding offsite onsite frontend backend
fullstack startup startups github gitlab devops webinar webinars bootcamp bootcamps async
runtime runtimes refactor refactoring microservice microservices kubernetes recruiter
recruiters internship internships cofounder cofounders fintech edtech healthtech saas api apis
ui ux app apps analytics btw fyi codebase codebases cv dataset datasets dev devs repo repos
roadmap roadmaps mentee mentees smartphone tech toolchain upskill wifi workflow workflows
golang kotlin gmail macbook nosql sql ceo cto vp qa ios
""".split())


@lru_cache(maxsize=1)
def _checker() -> Any:
    from spellchecker import SpellChecker  # noqa: PLC0415 - 0.15 s: only when checking

    return SpellChecker(distance=1)


def misspelt(words: set[str], known: Callable[[set[str]], set[str]] | None = None
             ) -> dict[str, str | None]:
    """The lower-cased *words* that are misspelt, each with a suggestion (or None).

    *known* is asked last, about the few words the dictionary lacks: it returns
    those the vault uses (a name, a product, a team's jargon), which are fine.
    """
    checker = _checker()
    wrong: dict[str, str | None] = {}
    for word in words:
        parts = [p for p in word.split("-") if p] if "-" in word else [word]
        bad = [p for p in parts if len(p) > 1 and p not in TRADE_WORDS]
        if bad and checker.unknown(bad):
            wrong[word] = None
    if wrong and known is not None:
        for word in known(set(wrong)):
            wrong.pop(word, None)
    for word in wrong:
        if "-" not in word:
            suggestion = checker.correction(word)
            wrong[word] = suggestion if suggestion and suggestion != word else None
    return wrong
