"""The per-child facts the compliance dashboard needs, kept in the store's index under ``"report"``.

The dashboard reads these facts from the index summaries, so it never opens 10,000 child files. They
are one of the store's *fact keys*: kept in the facts index, apart from what the children list reads,
and read with ``store.summaries(with_facts=True)`` (see :mod:`pep_tui.store.summaries`). The
facts are dates and statuses, never judgements that depend on today: "overdue" and "in date" are
worked out when the report is run. A summary written before these facts existed lacks the key; the
report service then computes the facts from the child's record instead (:func:`facts_for`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pep_tui.domain import PEP, Child, PEPStatus, TermRef
from pep_tui.domain.pep import ATTENDANCE_SECTION as CORE_ATTENDANCE_SECTION

#: Bumped when the shape of the facts changes (older summaries are then recomputed from records).
FACTS_VERSION = 1
#: The key under which the facts sit in an index summary.
FACTS_KEY = "report"
#: The shared sections the facts read (defined by the shared-sections plugin).
ATTENDANCE_SECTION = CORE_ATTENDANCE_SECTION
#: How many of the latest terms' PEPs the facts keep (this term, last term and the one before).
TERMS_KEPT = 3


def term_key(term: TermRef) -> str:
    """``TermRef(2025, spring)`` → ``"2025-spring"`` (the key of a term in the facts)."""
    return f"{term.academic_year}-{term.term.value}"


def _first_step(pep: PEP, step: str) -> str | None:
    found = next((s for s in pep.sign_offs if s.step == step), None)
    return found.at.date().isoformat() if found else None


def _last_step(pep: PEP, step: str) -> str | None:
    found = next((s for s in reversed(pep.sign_offs) if s.step == step), None)
    return found.at.date().isoformat() if found else None


def _approved_on(pep: PEP) -> str | None:
    if pep.status is not PEPStatus.APPROVED:
        return None
    return _last_step(pep, "approve") or pep.updated_at.date().isoformat()


def _int(value: Any) -> int | None:
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def attendance_facts(data: dict[str, Any]) -> dict[str, Any] | None:
    """The figures of a ``shared.attendance`` section, or ``None`` if no sessions are recorded."""
    possible = _int(data.get("sessions_possible"))
    present = _int(data.get("sessions_present"))
    if not possible or present is None:
        return None
    return {
        "possible": possible,
        "present": present,
        "authorised": _int(data.get("sessions_authorised_absence")),
        "unauthorised": _int(data.get("sessions_unauthorised_absence")),
        "suspensions": _int(data.get("suspensions")) or 0,
        "suspension_days": _float(data.get("suspension_days")) or 0.0,
        "permanent_exclusion": bool(data.get("permanent_exclusion")),
        "part_time_timetable": bool(data.get("part_time_timetable")),
    }


def facts_for(child: Child, peps: list[PEP], route_section: str | None = None) -> dict[str, Any]:
    """The report facts of one child and their PEPs (oldest term first). JSON-able."""
    live = [p for p in peps if p.superseded_by is None]
    terms: dict[str, dict[str, Any]] = {}
    for pep in live[-TERMS_KEPT:]:
        terms[term_key(pep.term_ref)] = {
            "status": pep.status.value,
            "qa": pep.qa_rating.overall if pep.qa_rating else None,
            "submitted": _first_step(pep, "submit"),
            "approved": _approved_on(pep),
        }
    initial = next((p for p in live if p.initial), live[0] if live else None)
    initial_facts = None
    if initial is not None:
        completed = _first_step(initial, "submit") or _approved_on(initial)
        initial_facts = {"created": initial.created_at.date().isoformat(), "completed": completed,
                         "approved": _approved_on(initial)}
    approved_days = [p.updated_at.date() for p in peps if p.status is PEPStatus.APPROVED]
    attendance = None
    for pep in reversed(live):
        found = attendance_facts(pep.section(ATTENDANCE_SECTION))
        if found is not None:
            attendance = {"term": term_key(pep.term_ref), **found}
            break
    route = live[-1].section(route_section).get("route") if live and route_section else None
    moves = [m.on for m in child.school_moves]
    return {
        "v": FACTS_VERSION,
        "la_child_id": child.la_child_id,
        "sex": child.sex,
        "entered_care": child.date_entered_care.isoformat() if child.date_entered_care else None,
        "left_care_on": child.left_care_on.isoformat() if child.left_care_on else None,
        "last_school_move": max(moves).isoformat() if moves else None,
        "has_peps": bool(peps),
        "last_approved_on": max(approved_days).isoformat() if approved_days else None,
        "terms": terms,
        "initial": initial_facts,
        "attendance": attendance,
        "post16_route": route if isinstance(route, str) else None,
    }


def route_section_id(registry: Any) -> str | None:
    """The id of the section declaring the ``post16_route`` purpose, or ``None`` without one."""
    spec = registry.section_for("post16_route")
    return spec.id if spec is not None else None


def with_report_fields(
    summarise: Callable[[Child, list[PEP]], dict[str, Any]],
    route_section: str | None = None,
) -> Callable[[Child, list[PEP]], dict[str, Any]]:
    """Wrap a store summariser so each summary also carries the child's report facts (``route_section``:
    the section declaring the ``post16_route`` purpose, if any)."""

    def summarise_with_facts(child: Child, peps: list[PEP]) -> dict[str, Any]:
        summary = dict(summarise(child, peps))
        summary[FACTS_KEY] = facts_for(child, peps, route_section)
        return summary

    return summarise_with_facts


def iso(value: str | None) -> date | None:
    """An ISO date string from the facts as a ``date`` (``None`` stays ``None``)."""
    return date.fromisoformat(value) if value else None
