"""English school-year arithmetic: academic years, terms, year groups and early-years eligibility.

A child's year group is set by their age on 31 August before the academic year starts: a child who is
4 on 31 August starts Reception (year group 0) on 1 September; 5 → Year 1; 16 → Year 12. Nursery years
are negative (age 3 → -1, age 2 → -2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import total_ordering


class Term(StrEnum):
    """The three terms of an English academic year."""

    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"

    @property
    def index(self) -> int:
        """0 for autumn, 1 for spring, 2 for summer."""
        return list(Term).index(self)


RECEPTION = 0


def academic_year_start(on: date) -> int:
    """The calendar year in which the academic year containing ``on`` began (1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def academic_year_label(start_year: int) -> str:
    """``2025`` → ``"2025-26"``."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def parse_academic_year(label: str) -> int:
    """``"2025-26"`` → ``2025``; raises ``ValueError`` naming the expected form."""
    try:
        first, second = label.split("-")
        start = int(first)
        if len(first) != 4 or len(second) != 2 or int(second) != (start + 1) % 100:
            raise ValueError
    except ValueError:
        raise ValueError(f"academic year {label!r} should look like 2025-26") from None
    return start


def age_on(dob: date, on: date) -> int:
    """Age in whole years on ``on`` (a 29 February birthday counts from 1 March in other years)."""
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years


def year_group(dob: date, on: date) -> int:
    """The year group of a child born on ``dob`` during the academic year containing ``on``.

    Reception is 0, Year 1 is 1 … Year 13 is 13; nursery years are -1 (age 3) and -2 (age 2); -3 is a
    child who turns 2 during the year (a PEP is due from the early-years start age, a setting).
    """
    start = academic_year_start(on)
    return age_on(dob, date(start, 8, 31)) - 4


def year_group_label(group: int) -> str:
    """A year group in users' words: ``Reception``, ``Year 7``, ``Nursery (age 3)``."""
    if group == RECEPTION:
        return "Reception"
    if group == RECEPTION - 3:
        return "Early years (turns 2)"
    if group < RECEPTION:
        return f"Nursery (age {group + 4})"
    return f"Year {group}"


def term_of(on: date) -> Term:
    """The term a date falls in (autumn: Sep-Dec, spring: Jan-Easter (taken as Mar), summer: Apr-Aug)."""
    if on.month >= 9:
        return Term.AUTUMN
    if on.month <= 3:
        return Term.SPRING
    return Term.SUMMER


@total_ordering
@dataclass(frozen=True)
class TermRef:
    """One term of one academic year, e.g. spring 2025-26. Orders chronologically."""

    academic_year: int
    term: Term

    @classmethod
    def containing(cls, on: date) -> TermRef:
        """The term containing ``on``."""
        return cls(academic_year_start(on), term_of(on))

    def __lt__(self, other: object) -> bool:  # ordering by (year, term index)
        if not isinstance(other, TermRef):
            return NotImplemented
        return (self.academic_year, self.term.index) < (other.academic_year, other.term.index)

    def next(self) -> TermRef:
        """The following term."""
        if self.term is Term.SUMMER:
            return TermRef(self.academic_year + 1, Term.AUTUMN)
        return TermRef(self.academic_year, list(Term)[self.term.index + 1])

    def previous(self) -> TermRef:
        """The term before."""
        if self.term is Term.AUTUMN:
            return TermRef(self.academic_year - 1, Term.SUMMER)
        return TermRef(self.academic_year, list(Term)[self.term.index - 1])

    @property
    def start(self) -> date:
        """First day of the term (1 Sep, 1 Jan, 1 Apr: the nominal boundaries used for due dates)."""
        y = self.academic_year
        return {Term.AUTUMN: date(y, 9, 1), Term.SPRING: date(y + 1, 1, 1), Term.SUMMER: date(y + 1, 4, 1)}[self.term]

    @property
    def end(self) -> date:
        """Last day of the term (31 Dec, 31 Mar, 31 Aug)."""
        y = self.academic_year
        return {Term.AUTUMN: date(y, 12, 31), Term.SPRING: date(y + 1, 3, 31), Term.SUMMER: date(y + 1, 8, 31)}[self.term]

    @property
    def label(self) -> str:
        """``"Spring 2025-26"``."""
        return f"{self.term.value.capitalize()} {academic_year_label(self.academic_year)}"

    def midpoint(self) -> date:
        """A date inside the term, for year-group questions about the term."""
        return self.start


class EarlyYearsStart(StrEnum):
    """When a council starts PEPs for under-fives (a setting)."""

    AGE_2 = "age_2"
    TERM_AFTER_AGE_3 = "term_after_age_3"
    AGE_3 = "age_3"


def pep_required(dob: date, on: date, early_years_start: EarlyYearsStart = EarlyYearsStart.AGE_2) -> bool:
    """Whether a looked-after child born on ``dob`` needs a PEP on ``on`` (from the set start age to 18)."""
    age = age_on(dob, on)
    if age >= 18:
        return False
    if early_years_start is EarlyYearsStart.AGE_2:
        return age >= 2
    if early_years_start is EarlyYearsStart.AGE_3:
        return age >= 3
    if age < 3:
        return False
    third = date(dob.year + 3, dob.month, 28 if (dob.month, dob.day) == (2, 29) else dob.day)
    return TermRef.containing(on) > TermRef.containing(third)
