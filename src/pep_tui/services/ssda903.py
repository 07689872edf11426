"""The SSDA903 layout as social-care systems export it: header columns, episodes and their codes.

A 903 "header" table has one row per child (``CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB``); the
"episodes" table has one row per period of placement (``CHILD, DECOM, RNE, LS, CIN, PLACE,
PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE, HOME_POST, PL_POST, URN``). Exports for a Virtual School
often join the two (one row per episode, header columns repeated) and add names and the school.
In the episodes table ``URN`` is the Ofsted number of the *placement*, not the school.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pep_tui.domain import LegalStatus

#: Column names (upper-cased, spaces as ``_``) accepted for each child field, first preferred.
CHILD_COLUMNS: dict[str, tuple[str, ...]] = {
    "la_child_id": ("CHILD", "CHILD_ID", "LA_CHILD_ID"),
    "first_name": ("FORENAME", "FORENAMES", "FIRST_NAME", "FIRSTNAME", "GIVEN_NAME"),
    "last_name": ("SURNAME", "LAST_NAME", "LASTNAME", "FAMILY_NAME"),
    "sex": ("SEX",),
    "date_of_birth": ("DOB", "DATE_OF_BIRTH"),
    "upn": ("UPN",),
    "school_urn": ("SCHOOL_URN",),
    "school_name": ("SCHOOL_NAME", "SCHOOL"),
}
#: Episode columns the importer reads.
EPISODE_COLUMNS = ("DECOM", "LS", "PLACE", "DEC")
#: Other 903 columns: recognised, not used by pep-tui.
OTHER_903_COLUMNS = frozenset({
    "ETHNIC", "MOTHER", "MC_DOB", "RNE", "CIN", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE",
    "HOME_POST", "PL_POST", "URN",
})

#: SSDA903 placement types (PLACE) and what they mean.
PLACEMENT_TYPES: dict[str, str] = {
    "A3": "Placed for adoption with parental consent with current foster carer",
    "A4": "Placed for adoption with parental consent not with current foster carer",
    "A5": "Placed for adoption with placement order with current foster carer",
    "A6": "Placed for adoption with placement order not with current foster carer",
    "H5": "Semi-independent living accommodation",
    "K1": "Secure children's home",
    "K2": "Children's home",
    "P1": "Placed with own parent(s) or person with parental responsibility",
    "P2": "Independent living",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS/health trust or other medical establishment",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution or prison",
    "S1": "All residential schools, except where dual-registered as a school and children's home",
    "T0": "Temporary placement (all types)",
    "T1": "Temporary periods in hospital",
    "T2": "Temporary periods of absence",
    "T3": "Temporary periods in young offender institution, prison or secure unit",
    "T4": "Temporary periods in other placement",
    "U1": "Foster placement with relative or friend: long-term fostering",
    "U2": "Foster placement with relative or friend who is also an approved adopter",
    "U3": "Foster placement with relative or friend: not long-term or adopter",
    "U4": "Foster placement with other foster carer: long-term fostering",
    "U5": "Foster placement with other foster carer who is also an approved adopter",
    "U6": "Foster placement with other foster carer: not long-term or adopter",
    "Z1": "Other placements",
}

LEGAL_STATUSES = frozenset(s.value for s in LegalStatus)


def placement_text(code: str) -> str:
    """``"U4"`` → ``"U4: Foster placement with other foster carer: long-term fostering"``."""
    return f"{code}: {PLACEMENT_TYPES[code]}"


def parse_sex(value: str) -> str:
    """``1``/``2`` as in the 903 (also ``M``/``F``, ``Male``/``Female``); ``ValueError`` otherwise."""
    mapped = {"1": "1", "2": "2", "M": "1", "MALE": "1", "F": "2", "FEMALE": "2"}.get(value.strip().upper())
    if mapped is None:
        raise ValueError(f"SEX {value!r} should be 1 (male) or 2 (female)")
    return mapped


@dataclass(frozen=True)
class Episode:
    """One 903 episode: when it started and ended, the legal status and the placement type."""

    line: int
    start: date
    legal_status: str | None
    placement: str | None
    end: date | None


def period_of_care(episodes: list[Episode]) -> tuple[date, Episode]:
    """The start of the current (latest) period of care and its latest episode.

    Episodes that follow on without a gap (one ends the day the next starts) are one period of care.
    """
    ordered = sorted(episodes, key=lambda e: e.start)
    latest = ordered[-1]
    start = latest.start
    for earlier in reversed(ordered[:-1]):
        if earlier.end is not None and earlier.end >= start:
            start = min(start, earlier.start)
        else:
            break
    return start, latest
