"""The initial PEP: started within 10 working days of entering care, ready within 20 (both settings)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pep_tui.domain import PEP, Child, PEPStatus, SignOff, Term
from pep_tui.services.due_dates import obligations
from pep_tui.settings import Policy

HOLIDAYS = [date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6)]
ENTERED = date(2026, 1, 5)  # a Monday in the spring term


def _child() -> Child:
    return Child(id="child_i", first_name="Test", last_name="Initial", date_of_birth=date(2015, 3, 1),
                 date_entered_care=ENTERED)


def _pep(status: PEPStatus, term: Term = Term.SPRING, approved_on: date | None = None) -> PEP:
    at = datetime(2026, 1, 8, 10, tzinfo=UTC)
    signed = [SignOff(step="approve", by="vs", role="virtual_school",
                      at=datetime.combine(approved_on, datetime.min.time(), UTC))] if approved_on else []
    return PEP(id=f"pep_{term.value}", child_id="child_i", academic_year=2025, term=term, stage="ks2", year_group=5,
               status=status, created_by="x", created_at=at, updated_by="x", updated_at=at, sign_offs=signed)


def _initial(peps, today: date, **policy):
    found = [d for d in obligations(_child(), peps, Policy(bank_holidays=HOLIDAYS, **policy), today) if d.kind == "initial"]
    return found[0] if found else None


def test_to_start_within_10_working_days_then_ready_within_20() -> None:
    none = _initial([], date(2026, 1, 6))
    assert (none.due, none.reason) == (date(2026, 1, 19), "initial PEP to start after entering care")
    started = _initial([_pep(PEPStatus.IN_PROGRESS)], date(2026, 1, 12))
    assert (started.due, started.reason) == (date(2026, 2, 2), "initial PEP ready for the first care-plan review")
    assert started.overdue(date(2026, 2, 3)) and not started.overdue(date(2026, 2, 2))
    assert _initial([_pep(PEPStatus.APPROVED, approved_on=date(2026, 1, 28))], date(2026, 1, 29)) is None


def test_both_timescales_are_settings() -> None:
    assert _initial([], date(2026, 1, 6), initial_pep_working_days=5).due == date(2026, 1, 12)
    started = [_pep(PEPStatus.SUBMITTED)]
    assert _initial(started, date(2026, 1, 12), initial_pep_ready_working_days=15).due == date(2026, 1, 26)
