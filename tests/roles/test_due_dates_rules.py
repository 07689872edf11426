"""Due dates from the policy: weekends, bank holidays, term boundaries, school moves and reg 33 reviews."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pep_tui.domain import PEP, Child, PEPStatus, SchoolMove, SignOff, Term
from pep_tui.services.due_dates import (
    add_months,
    next_care_plan_review,
    next_due,
    obligations,
    working_days_before,
)
from pep_tui.settings import Policy

HOLIDAYS = [date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6),
            date(2026, 5, 4), date(2026, 5, 25)]


# The council's term dates for 2025-26, set to the calendar blocks that name the terms, so these rules are
# checked on term boundaries that fall on bank holidays (1 January, Good Friday week).
TERM_DATES = {"2025-26": {"autumn": ["2025-09-01", "2025-12-31"], "spring": ["2026-01-01", "2026-03-31"],
                          "summer": ["2026-04-01", "2026-08-31"]}}


def _policy(**changes) -> Policy:
    return Policy(bank_holidays=HOLIDAYS, **{"term_dates": TERM_DATES, **changes})


def _child(**changes) -> Child:
    base = {"id": "child_t", "first_name": "Test", "last_name": "Child", "date_of_birth": date(2015, 3, 1),
            "date_entered_care": date(2023, 1, 9)}
    return Child(**{**base, **changes})


def _pep(year: int, term: Term, status: PEPStatus = PEPStatus.APPROVED, approved_on: date | None = None) -> PEP:
    at = datetime(2026, 1, 10, 10, tzinfo=UTC)
    sign_offs = [SignOff(step="approve", by="vs", role="virtual_school",
                         at=datetime.combine(approved_on, datetime.min.time(), UTC))] if approved_on else []
    return PEP(id=f"pep_{year}_{term.value}", child_id="child_t", academic_year=year, term=term, stage="ks2",
               year_group=5, status=status, created_by="x", created_at=at, updated_by="x", updated_at=at,
               sign_offs=sign_offs)


def _kinds(found) -> dict[str, date]:
    return {d.kind: d.due for d in found}


def test_initial_pep_counts_working_days_over_christmas_bank_holidays() -> None:
    # Entered care on Friday 19 December 2025: 10 working days skip two weekends, Christmas, Boxing Day
    # and New Year's Day.
    child = _child(date_entered_care=date(2025, 12, 19))
    found = obligations(child, [], _policy(), date(2025, 12, 22))
    assert _kinds(found)["initial"] == date(2026, 1, 7)
    assert next_due(child, [], _policy(), date(2025, 12, 22)).kind == "initial"


def test_termly_due_date_starts_counting_on_the_term_start_even_a_bank_holiday() -> None:
    policy = _policy(termly_pep_due_working_days=3)
    child = _child()
    # Spring starts Thursday 1 January (a bank holiday): Fri 2, Mon 5, Tue 6.
    due = next_due(child, [_pep(2025, Term.AUTUMN)], policy, date(2026, 1, 2))
    assert (due.kind, due.due, due.term.term) == ("termly", date(2026, 1, 6), Term.SPRING)
    # Summer starts Wednesday 1 April 2026; Good Friday and Easter Monday are skipped: Thu 2, Tue 7, Wed 8.
    due = next_due(child, [_pep(2025, Term.SPRING)], policy, date(2026, 4, 1))
    assert (due.due, due.term.term) == (date(2026, 4, 8), Term.SUMMER)


def test_term_boundary_moves_from_next_terms_pep_to_this_terms() -> None:
    policy = _policy(termly_pep_due_working_days=3)
    child = _child()
    autumn_done = [_pep(2025, Term.AUTUMN)]
    on_31_dec = next_due(child, autumn_done, policy, date(2025, 12, 31))
    on_1_jan = next_due(child, autumn_done, policy, date(2026, 1, 1))
    assert on_31_dec.reason == "next term's PEP" and on_31_dec.due == date(2026, 1, 6)
    assert on_1_jan.reason == "this term's PEP" and on_1_jan.due == date(2026, 1, 6)
    assert not on_1_jan.overdue(date(2026, 1, 6)) and on_1_jan.overdue(date(2026, 1, 7))
    # With autumn not done, on 31 December the autumn PEP is long overdue.
    late = next_due(child, [_pep(2025, Term.AUTUMN, PEPStatus.SUBMITTED)], policy, date(2025, 12, 31))
    assert late.term.term is Term.AUTUMN and late.overdue(date(2025, 12, 31))


def test_submitted_counts_as_done_only_when_the_policy_says_so() -> None:
    child = _child()
    submitted = [_pep(2025, Term.SPRING, PEPStatus.SUBMITTED)]
    assert next_due(child, submitted, _policy(), date(2026, 2, 9)).reason == "this term's PEP"
    assert next_due(child, submitted, _policy(pep_done_at="submitted"), date(2026, 2, 9)).reason == "next term's PEP"


def test_school_move_over_a_bank_holiday_weekend() -> None:
    # Moved on Friday 22 May 2026; Monday 25 May is a bank holiday: 10 working days → Monday 8 June.
    child = _child(school_moves=[SchoolMove(on=date(2026, 5, 22), from_urn="999102", to_urn="999103")])
    done = [_pep(2025, Term.SUMMER, approved_on=date(2026, 5, 1))]
    found = obligations(child, done, _policy(), date(2026, 5, 26))
    assert _kinds(found)["school_move"] == date(2026, 6, 8)
    # A PEP approved after the move meets it.
    after = [_pep(2025, Term.SUMMER, approved_on=date(2026, 6, 3))]
    assert "school_move" not in _kinds(obligations(child, after, _policy(), date(2026, 6, 4)))


def test_first_care_plan_review_and_the_pep_before_it() -> None:
    # Entered Monday 5 January 2026: first review within 20 working days (Monday 2 February); the first PEP
    # is ready for that review, at working day 20, not 5 working days before it (day 15).
    child = _child(date_entered_care=date(2026, 1, 5))
    policy = _policy()
    assert next_care_plan_review(child, policy, date(2026, 1, 6)) == date(2026, 2, 2)
    found = obligations(child, [], policy, date(2026, 1, 6))
    assert _kinds(found)["care_plan_review"] == date(2026, 2, 2)
    # Once started, the initial PEP is due at the same day 20.
    started = obligations(child, [_pep(2025, Term.SPRING, PEPStatus.IN_PROGRESS)], policy, date(2026, 1, 6))
    assert {d.due for d in started if d.kind in ("initial", "care_plan_review")} == {date(2026, 2, 2)}
    # A council that wants the first PEP earlier says so: 5 working days before is Monday 26 January.
    earlier = _policy(pep_before_first_review_working_days=5)
    assert _kinds(obligations(child, [], earlier, date(2026, 1, 6)))["care_plan_review"] == date(2026, 1, 26)


def test_second_review_on_a_saturday_and_the_working_day_before() -> None:
    # Held 2 February; the second is due within 3 months: Saturday 2 May 2026. Five working days before
    # skips the May Day bank holiday weekend: Monday 27 April.
    child = _child(date_entered_care=date(2026, 1, 5), care_plan_reviews=[date(2026, 2, 2)])
    policy = _policy()
    assert next_care_plan_review(child, policy, date(2026, 3, 1)) == date(2026, 5, 2)
    assert working_days_before(policy.calendar(), date(2026, 5, 2), 5) == date(2026, 4, 27)
    # Early in the summer term the spring PEP is still current for the review…
    assert "care_plan_review" not in _kinds(obligations(child, [_pep(2025, Term.SPRING)], policy, date(2026, 3, 1)))
    # …and without it, the PEP is owed before the review.
    owed = _kinds(obligations(child, [_pep(2025, Term.SPRING, PEPStatus.IN_PROGRESS)], policy, date(2026, 3, 1)))
    assert owed["care_plan_review"] == date(2026, 4, 27)


def test_later_reviews_every_six_months_and_a_booked_review_comes_first() -> None:
    held = [date(2026, 2, 2), date(2026, 4, 30)]
    child = _child(date_entered_care=date(2026, 1, 5), care_plan_reviews=held)
    assert next_care_plan_review(child, _policy(), date(2026, 5, 1)) == date(2026, 10, 30)
    booked = _child(date_entered_care=date(2026, 1, 5), care_plan_reviews=[*held, date(2026, 9, 15)])
    assert next_care_plan_review(booked, _policy(), date(2026, 5, 1)) == date(2026, 9, 15)


def test_month_arithmetic_clamps_to_the_month_end() -> None:
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_no_pep_due_outside_the_age_range_or_after_leaving_care() -> None:
    assert next_due(_child(date_of_birth=date(2025, 1, 1)), [], _policy(), date(2026, 2, 9)) is None
    assert next_due(_child(date_of_birth=date(2007, 1, 1)), [], _policy(), date(2026, 2, 9)) is None
    assert next_due(_child(left_care_on=date(2026, 1, 5)), [], _policy(), date(2026, 2, 9)) is None
