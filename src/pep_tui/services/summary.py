"""The per-child summary kept in the store's index: what lists and dashboards show without loading a child."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pep_tui.domain import PEP, Child, TermRef, year_group
from pep_tui.domain.attendance import attendance_percent as percent_of_sessions
from pep_tui.domain.school_year import year_group_label
from pep_tui.plugins.registry import Registry
from pep_tui.services.due_dates import next_due
from pep_tui.services.workflow import awaiting_qa
from pep_tui.settings import Policy

#: Shared section ids the summary reads (defined by the shared-sections plugin).
ATTENDANCE_SECTION = "shared.attendance"
POST16_ROUTE_SECTION = "post16.route"


def attendance_percent(data: dict[str, Any]) -> float | None:
    """Attendance % from a ``shared.attendance`` section's data (present / possible), if recorded."""
    possible = data.get("sessions_possible")
    present = data.get("sessions_present")
    if not possible or present is None:
        return None
    return percent_of_sessions(possible, present)


def make_summariser(registry: Registry, policy: Policy, today: Callable[[], date]):
    """A summariser for the store: ``summarise(child, peps) -> dict`` (JSON-able)."""

    def summarise(child: Child, peps: list[PEP]) -> dict[str, Any]:
        now = today()
        group = year_group(child.date_of_birth, now)
        stage = registry.stage_for_year_group(group)
        term = TermRef.containing(now)
        current = next((p for p in reversed(peps) if p.term_ref == term and not p.superseded_by), None)
        latest = peps[-1] if peps else None
        rated = next((p for p in reversed(peps) if p.qa_ratings), None)
        with_attendance = next((p for p in reversed(peps) if p.section(ATTENDANCE_SECTION)), None)
        due = next_due(child, peps, policy, now)
        route = None
        if latest is not None:
            route = latest.section(POST16_ROUTE_SECTION).get("route")
        return {
            "child_id": child.id,
            "name": child.display_name,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "date_of_birth": child.date_of_birth.isoformat(),
            "upn": child.upn,
            "year_group": group,
            "year_label": year_group_label(group),
            "stage": stage.id if stage else None,
            "school_urn": child.school_urn,
            "school_name": child.school_name,
            "on_roll": child.on_roll,
            "social_worker": child.social_worker,
            "designated_teacher": child.designated_teacher,
            "carer": child.carer,
            "iro": child.iro,
            "young_person_login": child.young_person_login,
            "family_access": list(child.family_access),
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
            "revision": child.revision,
            "training": child.training,
        }

    return summarise
