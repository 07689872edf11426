"""Term dates as a setting: termly PEP clocks start on the term's first day, a year not configured uses the
default pattern (and says so), and deadlines can be counted in school days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pep_tui.domain import PEP, Child, PEPStatus, SchoolMove, Term, TermRef
from pep_tui.services.due_dates import calendar_warnings, obligations, termly_due
from pep_tui.settings import Policy, SettingsError, load_settings
from tests.dates.test_bank_holidays_2027_2030 import add_working, computus

TERMS_2027_28 = {
    "autumn": ["2027-09-02", "2027-12-17"],
    "spring": ["2028-01-05", "2028-03-31"],
    "summer": ["2028-04-18", "2028-07-21"],
    "closures": [["2027-10-25", "2027-10-29"], ["2028-02-14", "2028-02-18"], ["2028-05-29", "2028-06-02"]],
}


def _child(**changes) -> Child:
    base = {"id": "c1", "first_name": "Test", "last_name": "Child", "date_of_birth": date(2016, 5, 1),
            "date_entered_care": date(2024, 1, 9)}
    return Child(**{**base, **changes})


def _pep(year: int, term: Term) -> PEP:
    from datetime import UTC, datetime

    at = datetime(2027, 1, 10, 10, tzinfo=UTC)
    return PEP(id=f"p{year}{term.value}", child_id="c1", academic_year=year, term=term, stage="ks2", year_group=5,
               status=PEPStatus.APPROVED, created_by="x", created_at=at, updated_by="x", updated_at=at)


@pytest.mark.parametrize("year", [2027, 2028, 2029, 2030])
def test_default_summer_clock_starts_after_the_easter_holiday(year: int) -> None:
    policy = Policy()
    summer = TermRef(year - 1, Term.SUMMER)
    start = policy.term_start(summer)
    easter_monday = computus(year) + timedelta(days=1)
    assert start > easter_monday and start.weekday() == 0
    assert termly_due(summer, policy) == add_working(start, policy.termly_pep_due_working_days)


def test_configured_term_dates_set_the_termly_clock_and_silence_the_warning() -> None:
    policy = Policy(term_dates={"2027-28": TERMS_2027_28}, bank_holidays_trusted_until=2030)
    spring = TermRef(2027, Term.SPRING)
    assert policy.term_start(spring) == date(2028, 1, 5)
    # Autumn 2027-28 done; on 10 January 2028 the spring PEP is due 30 working days after 5 January.
    found = obligations(_child(), [_pep(2027, Term.AUTUMN)], policy, date(2028, 1, 10))
    termly = next(d for d in found if d.kind == "termly")
    assert termly.term == spring and termly.due == add_working(date(2028, 1, 5), 30)
    assert termly.notes == ()
    assert not any("Term dates" in w for w in calendar_warnings(policy, date(2027, 9, 10)))


def test_a_year_without_term_dates_uses_the_default_and_says_so() -> None:
    policy = Policy(bank_holidays_trusted_until=2030)
    found = obligations(_child(), [_pep(2027, Term.AUTUMN)], policy, date(2028, 1, 10))
    termly = next(d for d in found if d.kind == "termly")
    assert any("2027-28" in n and "default pattern" in n for n in termly.notes)
    assert any("Term dates for 2027-28" in w for w in calendar_warnings(policy, date(2027, 9, 10)))


def test_school_days_skip_half_term_and_the_christmas_holiday() -> None:
    terms = {"2027-28": TERMS_2027_28}
    working = Policy(term_dates=terms, bank_holidays_trusted_until=2030)
    school = Policy(term_dates=terms, bank_holidays_trusted_until=2030, deadline_days="school")
    # A school move on Monday 18 October 2027: 10 working days is 1 November; 10 school days skip half term.
    moved = _child(school_moves=[SchoolMove(on=date(2027, 10, 18), from_urn="100001", to_urn="100002")])
    kinds = {d.kind: d.due for d in obligations(moved, [], working, date(2027, 10, 19))}
    assert kinds["school_move"] == date(2027, 11, 1)
    kinds = {d.kind: d.due for d in obligations(moved, [], school, date(2027, 10, 19))}
    assert kinds["school_move"] == date(2027, 11, 8)
    # Across Christmas: Monday 13 December 2027 + 10 school days (term ends 17 Dec, spring starts 5 Jan).
    assert school.calendar().add(date(2027, 12, 13), 10) == date(2028, 1, 12)
    # The care-plan review (reg 33) still counts working days.
    entered = _child(date_entered_care=date(2027, 12, 13))
    found = {d.kind: d.due for d in obligations(entered, [], school, date(2027, 12, 13))}
    assert found["care_plan_review"] == add_working(date(2027, 12, 13), 20)
    assert found["initial"] == date(2028, 1, 12)


def test_term_dates_come_from_the_settings_file(tmp_path) -> None:
    (tmp_path / "settings.toml").write_text(
        '[policy]\ndeadline_days = "school"\n'
        '[policy.term_dates."2027-28"]\n'
        'autumn = ["2027-09-02", "2027-12-17"]\nspring = ["2028-01-05", "2028-03-31"]\n'
        'summer = ["2028-04-18", "2028-07-21"]\nclosures = [["2027-10-25", "2027-10-29"]]\n'
    )
    settings = load_settings(tmp_path)
    assert settings.policy.term_start(TermRef(2027, Term.SUMMER)) == date(2028, 4, 18)
    assert not settings.policy.calendar().is_working_day(date(2027, 10, 27))


@pytest.mark.parametrize("table, field", [
    ('[policy.term_dates."2027-2028"]\nautumn = ["2027-09-02", "2027-12-17"]\n'
     'spring = ["2028-01-05", "2028-03-31"]\nsummer = ["2028-04-18", "2028-07-21"]\n', "2025-26"),
    ('[policy.term_dates."2027-28"]\nautumn = ["2027-09-02", "2027-12-17"]\n'
     'spring = ["2028-01-05", "2027-12-01"]\nsummer = ["2028-04-18", "2028-07-21"]\n', "spring ends"),
])
def test_bad_term_dates_are_refused_with_the_field_named(tmp_path, table: str, field: str) -> None:
    (tmp_path / "settings.toml").write_text(table)
    with pytest.raises(SettingsError, match="term_dates") as caught:
        load_settings(tmp_path)
    assert field in str(caught.value)
