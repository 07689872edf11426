"""The per-child summary kept in the store's index: what lists and dashboards show without loading a child."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import Any

import orjson

from pep_tui.domain import PEP, Child, TermRef, year_group
from pep_tui.domain.attendance import attendance_percent as percent_of_sessions
from pep_tui.domain.care import effective, is_closed, next_change
from pep_tui.domain.pep import ATTENDANCE_SECTION as CORE_ATTENDANCE_SECTION
from pep_tui.domain.school_year import year_group_label
from pep_tui.plugins.api import SUMMARY_PLUGINS_KEY
from pep_tui.plugins.registry import Registry
from pep_tui.services.due_dates import next_care_plan_review, next_due
from pep_tui.services.workflow import awaiting_qa
from pep_tui.settings import Policy

#: The core section the summary reads attendance from (see :data:`pep_tui.domain.pep.CORE_SECTIONS`); the
#: post-16 route comes from whichever section declares the ``post16_route`` purpose.
ATTENDANCE_SECTION = CORE_ATTENDANCE_SECTION


def attendance_percent(data: dict[str, Any]) -> float | None:
    """Attendance % from a ``shared.attendance`` section's data (present / possible), if recorded."""
    possible = data.get("sessions_possible")
    present = data.get("sessions_present")
    if not possible or present is None:
        return None
    return percent_of_sessions(possible, present)


#: Bumped when the core's summary gains or changes a key: every child is then re-summarised once.
SUMMARY_VERSION = 2


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def meeting_fact(peps: list[PEP]) -> dict[str, Any] | None:
    """The latest live PEP's meeting as the reminders need it without opening the child: the PEP, the
    date and start time, whether it is cancelled, how many invitees have an email, and a fingerprint
    of everything an invitation carries (so a change is noticed). ``None`` when no meeting is set."""
    import hashlib

    from pep_tui.domain.pep import MEETING_SECTION

    for pep in reversed(peps):
        if pep.superseded_by is not None:
            continue
        data = pep.section(MEETING_SECTION)
        if not data.get("meeting_date"):
            continue
        invitees = [a for a in data.get("attendees") or [] if isinstance(a, dict) and a.get("email")]
        fingerprint = orjson.dumps(
            [data.get(k) for k in ("meeting_date", "start_time", "end_time", "place", "link", "cancelled")]
            + [[a.get("email"), a.get("name"), a.get("invited", True)] for a in invitees])
        return {"pep_id": pep.id, "on": data["meeting_date"], "at": data.get("start_time") or None,
                "cancelled": bool(data.get("cancelled")), "invitees": len(invitees),
                "sig": hashlib.sha256(fingerprint).hexdigest()[:16]}
    return None


def make_summariser(registry: Registry, policy: Policy, today: Callable[[], date]):
    """A summariser for the store: ``summarise(child, peps) -> dict`` (JSON-able)."""

    route_spec = registry.section_for("post16_route")
    route_section = route_spec.id if route_spec is not None else None

    def summarise(child: Child, peps: list[PEP]) -> dict[str, Any]:
        now = today()
        child = effective(child, now)  # allocations whose day has come decide the scopes
        group = year_group(child.date_of_birth, now)
        stage = registry.stage_for_year_group(group)
        term = TermRef.containing(now)
        current = next((p for p in reversed(peps) if p.term_ref == term and not p.superseded_by), None)
        latest = peps[-1] if peps else None
        rated = next((p for p in reversed(peps) if p.qa_ratings), None)
        with_attendance = next((p for p in reversed(peps) if p.section(ATTENDANCE_SECTION)), None)
        due = next_due(child, peps, policy, now)
        # The route as last recorded: this term's PEP may not have reached that section yet.
        route = next((r for p in reversed(peps) if not p.superseded_by and route_section
                      and (r := p.section(route_section).get("route"))), None)
        return {
            "child_id": child.id,
            "name": child.display_name,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "upn": child.upn,
            "la_child_id": child.la_child_id,
            "year_group": group,
            "year_label": year_group_label(group),
            "stage": stage.id if stage else None,
            "school_urn": child.school_urn,
            "school_name": child.school_name,
            "on_roll": child.on_roll,
            "social_worker": child.social_worker,
            "designated_teacher": child.designated_teacher,
            "carer": child.carer,
            "joint_carers": list(child.joint_carers),
            "iro": child.iro,
            "young_person_login": child.young_person_login,
            "family_access": list(child.family_access),
            "family_sees_placement": child.family_sees_placement,
            "sen_status": child.sen_status.value,
            "current_pep_id": current.id if current else None,
            "current_status": current.status.value if current else "not_started",
            "latest_pep_id": latest.id if latest else None,
            "last_qa": rated.qa_ratings[-1].overall if rated else None,
            "attendance": attendance_percent(with_attendance.section(ATTENDANCE_SECTION)) if with_attendance else None,
            "next_due": due.due.isoformat() if due else None,
            "awaiting_qa": awaiting_qa(peps, policy.signoff_chain),
            "due_reason": due.reason if due else None,
            "post16_route": route,
            "status": "closed" if is_closed(child, now) else "open",
            "refresh_on": changes_on.isoformat() if (changes_on := next_change(child, now)) else None,
            "due_kind": due.kind if due else None,
            "next_review": _iso(next_care_plan_review(child, policy, now)),
            "meeting": meeting_fact(peps),
            "revision": child.revision,
            "training": child.training,
        }

    return summarise


def plugin_fields(registry: Registry, child: Child, peps: list[PEP]) -> dict[str, Any]:
    """Every plugin summary field's value for a child (``summary["plugins"]``).

    A field whose ``compute`` raises, or returns something the index cannot store as JSON, is left
    out (readers then load the child) and reported: in ``registry.summary_errors`` and, once per
    field in this process, on standard error (the field and the kind of error only: no personal data).
    It never stops the save the summary is made for.
    """
    values: dict[str, Any] = {}
    for name, spec in registry.summary_fields.items():
        try:
            value = spec.compute(child, peps)
            orjson.dumps(value)  # exactly what the index journal will do with it
        except Exception as exc:  # a plugin's bug must never fail a save
            first = name not in registry.summary_errors
            registry.summary_errors[name] = f"{type(exc).__name__}: {exc}"
            if first:
                print(f"pep-tui: summary field {name} could not be computed ({type(exc).__name__}); "
                      f"lists read the affected children's records instead", file=sys.stderr)
            continue
        values[name] = value
    return values


def with_plugin_fields(
    summarise: Callable[[Child, list[PEP]], dict[str, Any]], registry: Registry,
) -> Callable[[Child, list[PEP]], dict[str, Any]]:
    """Wrap a store summariser so each summary also carries the plugins' summary fields under
    ``"plugins"`` (left out entirely when no plugin registers one)."""
    if not registry.summary_fields:
        return summarise

    def summarise_with_plugins(child: Child, peps: list[PEP]) -> dict[str, Any]:
        summary = dict(summarise(child, peps))
        summary[SUMMARY_PLUGINS_KEY] = plugin_fields(registry, child, peps)
        return summary

    return summarise_with_plugins


def summary_stamp(registry: Registry, today: Callable[[], date]) -> Callable[[], str]:
    """What summaries depend on besides the child: the school term and, when plugins add summary
    fields, their names and versions. When it changes the store re-summarises every child once."""
    fields = registry.summary_fields_signature()

    def stamp() -> str:
        term = f"{TermRef.containing(today()).label} s{SUMMARY_VERSION}"
        return f"{term} [{fields}]" if fields else term

    return stamp
