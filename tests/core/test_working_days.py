"""Working days: weekends and bank holidays are skipped."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pep_tui.domain import WorkingCalendar
from pep_tui.settings import Policy


def test_ten_working_days_from_a_friday_skip_two_weekends() -> None:
    cal = WorkingCalendar()
    assert cal.add(date(2025, 1, 3), 10) == date(2025, 1, 17)


def test_bank_holidays_are_skipped() -> None:
    cal = Policy().calendar()
    # Thursday 17 April 2025 + 2 working days: Good Friday and Easter Monday are holidays.
    assert cal.add(date(2025, 4, 17), 2) == date(2025, 4, 23)
    assert not cal.is_working_day(date(2025, 12, 25))


def test_holiday_list_is_a_setting() -> None:
    cal = Policy(bank_holidays=[date(2025, 1, 6)]).calendar()
    assert cal.add(date(2025, 1, 3), 1) == date(2025, 1, 7)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 60))
def test_between_inverts_add(start: date, days: int) -> None:
    cal = Policy().calendar()
    end = cal.add(start, days)
    assert cal.between(start, end) == days
    assert days == 0 or cal.is_working_day(end)
