"""The national attendance codes from 19 August 2024: new codes not before, retired codes not after."""

from __future__ import annotations

from datetime import date

import pytest

from pep_tui.domain.attendance import (
    attendance_percent,
    is_persistent_absence,
    is_persistent_absence_percent,
)
from pep_tui.domain.reference import attendance_codes


@pytest.mark.parametrize("code", ["C1", "C2", "J1", "K", "Q", "Y1", "Y7"])
def test_codes_introduced_in_2024_are_refused_for_earlier_dates(code: str) -> None:
    entry = attendance_codes()[code]
    assert entry.why_not_on(date(2024, 8, 18)) == "came into use on 19/08/2024"
    assert entry.valid_on(date(2024, 8, 19))


@pytest.mark.parametrize("code", ["H", "Y", "J"])
def test_retired_codes_are_accepted_only_before_19_august_2024(code: str) -> None:
    entry = attendance_codes()[code]
    assert entry.valid_on(date(2024, 8, 18))
    assert entry.why_not_on(date(2024, 8, 19)) == "was retired on 19/08/2024"


def test_long_standing_codes_are_valid_throughout() -> None:
    for code in ("/", "\\", "L", "I", "E", "G", "N", "O", "U", "X", "#"):
        assert attendance_codes()[code].valid_on(date(2020, 1, 6))
        assert attendance_codes()[code].valid_on(date(2026, 1, 6))


def test_persistent_absence_is_missing_ten_percent_or_more() -> None:
    assert is_persistent_absence(100, 90)  # exactly 10% missed
    assert not is_persistent_absence(100, 91)
    assert not is_persistent_absence(0, 0)
    assert is_persistent_absence(100, 94, threshold=95.0)  # the threshold is a setting
    assert attendance_percent(160, 143) == 89.4
    assert is_persistent_absence_percent(90.0) and not is_persistent_absence_percent(90.1)
    assert not is_persistent_absence_percent(None)
