"""English school-year maths: year groups by age on 31 August, stages, terms, early-years start."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pep_tui.domain import EarlyYearsStart, Term, TermRef, pep_required, year_group
from pep_tui.domain.school_year import (
    academic_year_label,
    age_on,
    parse_academic_year,
    year_group_label,
)


@pytest.mark.parametrize(
    ("dob", "on", "expected"),
    [
        (date(2015, 8, 31), date(2025, 9, 1), 6),  # 10 on 31 Aug 2025 → Year 6
        (date(2015, 9, 1), date(2025, 9, 1), 5),  # one day younger → a year below
        (date(2015, 9, 1), date(2026, 8, 31), 5),  # still Year 5 on the last day of the year
        (date(2015, 9, 1), date(2026, 9, 1), 6),  # moves up on 1 September
        (date(2021, 8, 31), date(2025, 10, 1), 0),  # 4 on 31 Aug → Reception
        (date(2021, 9, 1), date(2025, 10, 1), -1),  # nursery (age 3 on 31 Aug)
        (date(2009, 8, 31), date(2026, 1, 1), 12),  # 16 on 31 Aug → Year 12
        (date(2012, 2, 29), date(2025, 11, 1), 9),  # leap-day birthday
    ],
)
def test_year_group_is_set_by_age_on_31_august(dob: date, on: date, expected: int) -> None:
    assert year_group(dob, on) == expected


@pytest.mark.parametrize(
    ("group", "stage"),
    [(-2, "early_years"), (0, "early_years"), (1, "ks1"), (2, "ks1"), (3, "ks2"), (6, "ks2"), (7, "ks3"),
     (9, "ks3"), (10, "ks4"), (11, "ks4"), (12, "post16"), (13, "post16")],
)
def test_each_stage_boundary(registry, group: int, stage: str) -> None:
    assert registry.stage_for_year_group(group).id == stage


def test_no_stage_beyond_year_13(registry) -> None:
    assert registry.stage_for_year_group(14) is None
    assert registry.stage_for_year_group(-4) is None


def test_a_child_who_turns_2_during_the_year_is_in_early_years(registry) -> None:
    dob = date(2024, 1, 15)  # 1 on 31 August 2025, 2 in January 2026
    assert year_group(dob, date(2026, 2, 1)) == -3
    assert registry.stage_for_year_group(-3).id == "early_years"
    assert pep_required(dob, date(2026, 2, 1))
    assert not pep_required(dob, date(2025, 12, 1))


def test_birthday_on_31_august_and_1_september_fall_in_different_stages(registry) -> None:
    on = date(2025, 9, 10)
    assert registry.stage_for_year_group(year_group(date(2014, 8, 31), on)).id == "ks3"  # Year 7
    assert registry.stage_for_year_group(year_group(date(2014, 9, 1), on)).id == "ks2"  # Year 6


def test_terms_of_an_academic_year() -> None:
    autumn = TermRef.containing(date(2025, 10, 1))
    assert autumn == TermRef(2025, Term.AUTUMN)
    assert autumn.next() == TermRef(2025, Term.SPRING)
    assert autumn.next().next() == TermRef(2025, Term.SUMMER)
    assert autumn.next().next().next() == TermRef(2026, Term.AUTUMN)
    assert TermRef(2026, Term.AUTUMN).previous() == TermRef(2025, Term.SUMMER)
    assert TermRef(2025, Term.SPRING).start == date(2026, 1, 1)
    assert TermRef(2025, Term.SUMMER).end == date(2026, 8, 31)
    assert TermRef(2025, Term.SPRING).label == "Spring 2025-26"
    assert sorted([TermRef(2026, Term.AUTUMN), TermRef(2025, Term.SUMMER), TermRef(2025, Term.AUTUMN)]) == [
        TermRef(2025, Term.AUTUMN), TermRef(2025, Term.SUMMER), TermRef(2026, Term.AUTUMN)]


def test_academic_year_labels_round_trip() -> None:
    assert academic_year_label(2025) == "2025-26"
    assert academic_year_label(1999) == "1999-00"
    assert parse_academic_year("2025-26") == 2025
    with pytest.raises(ValueError, match="should look like 2025-26"):
        parse_academic_year("2025-27")


def test_year_group_labels() -> None:
    assert year_group_label(0) == "Reception"
    assert year_group_label(7) == "Year 7"
    assert year_group_label(-1) == "Nursery (age 3)"
    assert year_group_label(-3) == "Early years (turns 2)"


def test_early_years_start_age_is_a_setting() -> None:
    dob = date(2023, 1, 15)
    two_and_a_half = date(2025, 7, 15)
    assert pep_required(dob, two_and_a_half, EarlyYearsStart.AGE_2)
    assert not pep_required(dob, two_and_a_half, EarlyYearsStart.AGE_3)
    assert not pep_required(dob, date(2026, 2, 1), EarlyYearsStart.TERM_AFTER_AGE_3)  # 3rd birthday term
    assert pep_required(dob, date(2026, 4, 20), EarlyYearsStart.TERM_AFTER_AGE_3)  # the term after
    assert not pep_required(dob, date(2041, 1, 15))  # 18: no PEP


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
       st.dates(min_value=date(1995, 1, 1), max_value=date(2050, 12, 31)))
def test_year_group_rises_by_one_each_september(dob: date, on: date) -> None:
    later = date(on.year + 1, on.month, min(on.day, 28))
    assert year_group(dob, later) == year_group(dob, on) + 1


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_age_on_birthday(dob: date) -> None:
    if (dob.month, dob.day) != (2, 29):
        assert age_on(dob, date(dob.year + 10, dob.month, dob.day)) == 10
