"""Finding a child from what a person types: the internal id, the council's child id or the UPN
(``resolve``), or part of a name as well (``find``). Used by every command that takes a CHILD."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pep_tui.services.access import PermissionDenied


class AmbiguousChild(PermissionDenied):
    """More than one child in scope matches; the message lists the internal ids to use instead."""


def _norm(text: str | None) -> str:
    return (text or "").strip().casefold()


def identifier_matches(summaries: Iterable[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Summaries whose internal id, LA child id or UPN is exactly ``text`` (case and spaces ignored)."""
    key = _norm(text).replace(" ", "")
    if not key:
        return []
    return [s for s in summaries
            if key in {_norm(s.get("child_id")), _norm(s.get("la_child_id")).replace(" ", ""),
                       _norm(s.get("upn"))}]


def resolve_summary(summaries: Iterable[dict[str, Any]], text: str) -> dict[str, Any]:
    """The one summary ``text`` names (see :func:`identifier_matches`); an internal id wins outright.

    Raises :class:`PermissionDenied` when none matches and :class:`AmbiguousChild` when several do.
    """
    found = identifier_matches(summaries, text)
    exact = [s for s in found if s.get("child_id") == text.strip()]
    if exact:
        return exact[0]
    if not found:
        raise PermissionDenied("no child in your scope has that id, LA child id or UPN "
                               "(try 'pep-tui children find TEXT')")
    if len(found) > 1:
        ids = ", ".join(sorted(s["child_id"] for s in found))
        raise AmbiguousChild(f"{len(found)} children match that LA child id or UPN ({ids}); give the internal id")
    return found[0]


def search(summaries: Iterable[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """Summaries matching ``text``: an identifier exactly, or every word of it within the name."""
    words = _norm(text).split()
    if not words:
        return []
    summaries = list(summaries)
    exact = {s["child_id"] for s in identifier_matches(summaries, text)}
    found = [s for s in summaries
             if s["child_id"] in exact
             or all(w in _norm(f"{s.get('first_name', '')} {s.get('last_name', '')} {s.get('name', '')}")
                    for w in words)]
    return sorted(found, key=lambda s: (_norm(s.get("last_name")), _norm(s.get("first_name")), s["child_id"]))
