"""Working-day deadlines across Christmas, New Year and Easter, 2027-2030, checked against England's bank
holidays computed here from the rules (Computus for Easter, the fixed days and their substitute days),
independently of the ``holidays`` package the product uses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pep_tui.domain import Child
from pep_tui.services.due_dates import calendar_warnings, obligations
from pep_tui.settings import Policy

YEARS = (2027, 2028, 2029, 2030)


def computus(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    day = date(year, month, 1)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int, last: int) -> date:
    day = date(year, month, last)
    return day - timedelta(days=day.weekday())


def england(year: int) -> set[date]:
    """England's bank holidays off work in ``year`` (weekend days moved to their substitute days)."""
    easter = computus(year)
    new_year = date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += timedelta(days=1)
    days = {new_year, easter - timedelta(days=2), easter + timedelta(days=1), _first_monday(year, 5),
            _last_monday(year, 5, 31), _last_monday(year, 8, 31)}
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    taken: set[date] = set()
    for day in (christmas, boxing):
        while day.weekday() >= 5 or day in taken:
            day += timedelta(days=1)
        taken.add(day)
    return days | taken


def add_working(start: date, n: int) -> date:
    """``n`` working days after ``start`` by the independent calendar."""
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in england(day.year):
            n -= 1
    return day


def test_the_independent_calendar_knows_the_cases_the_issue_names() -> None:
    assert computus(2027) == date(2027, 3, 28) and computus(2030) == date(2030, 4, 21)
    assert date(2028, 1, 3) in england(2028)  # New Year's Day 2028 is a Saturday
    assert {date(2027, 12, 27), date(2027, 12, 28)} <= england(2027)  # Christmas on a Saturday


@pytest.mark.parametrize("year", YEARS)
def test_the_default_calendar_has_exactly_englands_bank_holidays(year: int) -> None:
    cal = Policy().calendar()
    day, found = date(year, 1, 1), set()
    while day.year == year:
        if day.weekday() < 5 and not cal.is_working_day(day):
            found.add(day)
        day += timedelta(days=1)
    assert found == england(year)


def test_ten_working_days_from_17_december_2027_land_on_5_january_2028() -> None:
    assert Policy().calendar().add(date(2027, 12, 17), 10) == date(2028, 1, 5)


def _child(entered: date) -> Child:
    return Child(id="c1", first_name="Test", last_name="Child", date_of_birth=date(2016, 5, 1),
                 date_entered_care=entered)


def _starts(year: int) -> list[date]:
    easter = computus(year)
    christmas = [date(year, 12, d) for d in range(15, 32)]
    around_easter = [easter - timedelta(days=n) for n in range(1, 15)]
    return christmas + around_easter


@pytest.mark.parametrize("year", YEARS)
def test_initial_pep_and_first_review_dates_over_christmas_and_easter(year: int) -> None:
    policy = Policy(bank_holidays_trusted_until=2031)
    for entered in _starts(year):
        found = {d.kind: d.due for d in obligations(_child(entered), [], policy, entered)}
        assert found["initial"] == add_working(entered, 10), entered
        assert found["care_plan_review"] == add_working(entered, 20), entered


@pytest.mark.parametrize("year", YEARS)
def test_school_move_deadline_over_christmas_and_easter(year: int) -> None:
    cal = Policy().calendar()
    for moved in _starts(year):
        assert cal.add(moved, Policy().school_move_pep_working_days) == add_working(moved, 10), moved


def test_added_and_removed_days_change_the_calendar() -> None:
    # A one-off bank holiday on Friday 7 May 2027 and a council that works Boxing Day (substitute) 2028.
    policy = Policy(bank_holidays_add=[date(2027, 5, 7)], bank_holidays_remove=[date(2028, 12, 26)])
    cal = policy.calendar()
    assert not cal.is_working_day(date(2027, 5, 7))
    assert cal.is_working_day(date(2028, 12, 26))
    assert not cal.is_working_day(date(2028, 12, 25))  # the rest of the package's days stay
    assert cal.add(date(2027, 5, 6), 1) == date(2027, 5, 10)


def test_a_date_past_the_trusted_year_carries_a_warning() -> None:
    policy = Policy(bank_holidays_trusted_until=2027)
    entered = date(2027, 12, 17)
    found = {d.kind: d for d in obligations(_child(entered), [], policy, entered)}
    initial = found["initial"]
    assert initial.due == date(2028, 1, 5)  # still right by the regular rules
    assert any("2027" in n and "bank holiday" in n for n in initial.notes)
    trusted = Policy(bank_holidays_trusted_until=2028)
    found = {d.kind: d for d in obligations(_child(entered), [], trusted, entered)}
    assert not any("bank holiday" in n for n in found["initial"].notes)


def test_store_wide_warning_when_the_next_months_pass_the_trusted_year() -> None:
    policy = Policy(bank_holidays_trusted_until=2027)
    assert not any("Bank holidays" in w for w in calendar_warnings(policy, date(2027, 3, 1)))
    warnings = calendar_warnings(policy, date(2027, 8, 1))
    assert any("Bank holidays are checked up to 2027" in w for w in warnings)


def test_a_replacement_list_is_trusted_only_as_far_as_it_goes() -> None:
    policy = Policy(bank_holidays=[date(2026, 12, 25)])
    assert policy.calendar().trusted_until == 2026
    assert any("Bank holidays" in w for w in calendar_warnings(policy, date(2026, 9, 1)))


@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 40))
@settings(max_examples=300, deadline=None)
def test_any_deadline_from_2027_to_2030_matches_the_independent_calendar(start: date, days: int) -> None:
    assert Policy().calendar().add(start, days) == add_working(start, days)


def test_trust_never_reaches_past_the_years_the_package_computes() -> None:
    from pep_tui.domain.bank_holidays import package_years

    cal = Policy(bank_holidays_trusted_until=2500).calendar()
    assert cal.trusted_until == package_years()[1]
    assert not cal.trusted(date(package_years()[1] + 1, 1, 4))
