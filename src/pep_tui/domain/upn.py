"""Unique Pupil Number (UPN) validation with messages a user can act on.

The check letter arithmetic comes from ``python-stdnum`` (``stdnum.gb.upn``); the LA list is pep-tui's
own (``data/la_codes.txt``) because stdnum's leaves out the pseudo-LA codes. The CLA return's
"unknown UPN" codes ``UN1``-``UN5`` are accepted in place of a UPN.
"""

from __future__ import annotations

from stdnum.gb import upn as _stdnum_upn

from pep_tui.domain.reference import la_codes

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

#: Codes used in the CLA return when a child's UPN is not known, with their meanings.
UNKNOWN_UPN_CODES: dict[str, str] = {
    "UN1": "Child is not of school age and has not yet been allocated a UPN",
    "UN2": "Child is educated at home and has never attended school",
    "UN3": "Child has been placed out of the country",
    "UN4": "Child is newly looked after and the UPN is not yet known",
    "UN5": "Sources that would hold the UPN are unavailable (e.g. an unaccompanied asylum-seeking child)",
}


class UPNError(ValueError):
    """A UPN that is not valid; the message says what is wrong."""


def compact(value: str) -> str:
    """Strip spaces and upper-case."""
    return _stdnum_upn.compact(value)


def check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (characters 2-13 of a UPN)."""
    return _stdnum_upn.calc_check_digit(body)


def validate_upn(value: str) -> str:
    """Return the UPN (compacted) or one of ``UN1``-``UN5``; raise :class:`UPNError` saying what is wrong."""
    number = compact(value)
    if number in UNKNOWN_UPN_CODES:
        return number
    if len(number) != 13:
        raise UPNError(f"UPN {number!r} has {len(number)} characters; a UPN has 13 (or use UN1-UN5)")
    first, la, est, year, serial = number[0], number[1:4], number[4:8], number[8:10], number[10:13]
    if first not in CHECK_LETTERS:
        raise UPNError(f"UPN {number!r}: character 1 must be a check letter A-Z without I, O or S, not {first!r}")
    middle = number[1:12]
    if not middle.isdigit():
        bad = next(i for i, c in enumerate(middle, start=2) if not c.isdigit())
        raise UPNError(f"UPN {number!r}: character {bad} must be a digit (characters 2-12 are digits)")
    if not (serial[-1].isdigit() or serial[-1] in CHECK_LETTERS):
        raise UPNError(f"UPN {number!r}: character 13 must be a digit, or a letter (not I, O or S) for a temporary UPN")
    if int(la) not in la_codes():
        raise UPNError(f"UPN {number!r}: {la} (characters 2-4) is not a known LA number")
    del est, year
    expected = check_letter(number[1:])
    if expected != first:
        raise UPNError(f"UPN {number!r}: check letter should be {expected}, not {first}")
    return number


def is_temporary(upn: str) -> bool:
    """A temporary UPN ends in a letter."""
    return len(upn) == 13 and upn[-1].isalpha()


def make_upn(la: int, establishment: int, year: int, serial: int) -> str:
    """Build a valid permanent UPN from its parts (used by the sample cohort and tests)."""
    body = f"{la:03d}{establishment:04d}{year % 100:02d}{serial:03d}"
    return check_letter(body) + body
