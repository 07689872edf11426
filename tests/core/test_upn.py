"""UPN validation: check letter, layout, LA codes, UN1-UN5, with messages that say what is wrong."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pep_tui.domain import UPNError, validate_upn
from pep_tui.domain.reference import la_codes
from pep_tui.domain.upn import CHECK_LETTERS, check_letter, is_temporary, make_upn


def test_the_worked_example_from_the_domain_notes() -> None:
    assert check_letter("207000016049") == "P"
    assert validate_upn("P207000016049") == "P207000016049"


def test_wrong_check_letter_names_the_right_one() -> None:
    with pytest.raises(UPNError, match="check letter should be P, not B"):
        validate_upn("B207000016049")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("P20700001604", "has 12 characters; a UPN has 13"),
        ("I207000016049", "character 1 must be a check letter"),
        ("P2070A0016049", "character 6 must be a digit"),
        ("P999000016049", "999 (characters 2-4) is not a known LA number"),
        ("P20700001604S", "character 13 must be a digit, or a letter"),
    ],
)
def test_each_rejection_says_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(UPNError) as info:
        validate_upn(value)
    assert message in str(info.value)


@pytest.mark.parametrize("code", ["UN1", "UN2", "UN3", "UN4", "UN5", "un4 "])
def test_unknown_upn_codes_are_accepted(code: str) -> None:
    assert validate_upn(code) == code.strip().upper()


def test_pseudo_la_codes_are_accepted_where_stdnum_would_refuse() -> None:
    upn = make_upn(1, 9001, 2020, 123)  # LA 001 is a pseudo-LA code
    assert validate_upn(upn) == upn
    assert {1, 5, 660, 681, 701, 708, 820, 938} <= la_codes()


def test_temporary_upn_ends_in_a_letter() -> None:
    body = "20700001604"
    for letter in "ACZ":
        upn = check_letter(body + letter) + body + letter
        assert validate_upn(upn) == upn
        assert is_temporary(upn)


def test_spaces_and_case_are_forgiven() -> None:
    assert validate_upn(" p207 0000 16049 ") == "P207000016049"


la_strategy = st.sampled_from(sorted(la_codes()))


@given(la_strategy, st.integers(0, 9999), st.integers(0, 99), st.integers(0, 999))
def test_every_generated_upn_validates(la: int, est: int, year: int, serial: int) -> None:
    upn = make_upn(la, est, year, serial)
    assert validate_upn(upn) == upn


@given(la_strategy, st.integers(0, 9999), st.integers(0, 99), st.integers(0, 999), st.sampled_from(CHECK_LETTERS))
def test_any_other_check_letter_is_refused(la: int, est: int, year: int, serial: int, letter: str) -> None:
    upn = make_upn(la, est, year, serial)
    if letter != upn[0]:
        with pytest.raises(UPNError, match=f"should be {upn[0]}, not {letter}"):
            validate_upn(letter + upn[1:])


@given(la_strategy, st.integers(0, 9999), st.integers(0, 99), st.integers(0, 999), st.integers(1, 12),
       st.sampled_from("0123456789"))
def test_a_single_changed_digit_is_caught(la: int, est: int, year: int, serial: int, pos: int, digit: str) -> None:
    upn = make_upn(la, est, year, serial)
    changed = upn[:pos] + digit + upn[pos + 1:]
    if changed != upn:
        with pytest.raises(UPNError):
            validate_upn(changed)
