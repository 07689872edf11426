"""School term dates: the start and end of each term of an academic year, and the days schools close.

Councils publish their own term dates (academies may differ); pep-tui reads them from the
``policy.term_dates`` setting, one entry per academic year. A year that is not configured gets the
**default pattern** (:func:`default_term_dates`), which is an estimate, and callers say so:

* autumn: the first working day on or after 1 September to the last weekday on or before 20 December,
  half term the week (Monday to Friday) of the last Monday in October;
* spring: the first working day on or after 2 January to the Friday before Good Friday's week
  (Easter Sunday - 9 days), half term the week of the third Monday in February;
* summer: the Monday eight days after Easter Sunday (schools take Holy Week and Easter week) to the
  last weekday on or before 22 July, half term the week of the spring bank holiday (last Monday in May).

A term's PEP clock starts at the term's *start* here, not at the nominal 1 September, 1 January and
1 April that name the terms (:class:`~pep_tui.domain.school_year.TermRef`), so the summer term's clock
never starts inside the Easter holiday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from dateutil.easter import easter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from pep_tui.domain.school_year import Term


class TermDates(BaseModel):
    """The terms of one academic year: ``[first day, last day]`` of each, and closures within them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    autumn: tuple[date, date] = Field(description="First and last day of the autumn term")
    spring: tuple[date, date] = Field(description="First and last day of the spring term")
    summer: tuple[date, date] = Field(description="First and last day of the summer term")
    closures: list[tuple[date, date]] = Field(
        default_factory=list, description="Days schools close within the terms (half terms, INSET): [first, last] pairs"
    )

    @model_validator(mode="after")
    def _in_order(self) -> TermDates:
        previous: date | None = None
        for name in ("autumn", "spring", "summer"):
            first, last = getattr(self, name)
            if last < first:
                raise ValueError(f"{name} ends ({last}) before it starts ({first})")
            if previous is not None and first <= previous:
                raise ValueError(f"{name} starts ({first}) before the previous term ends ({previous})")
            previous = last
        for first, last in self.closures:
            if last < first:
                raise ValueError(f"a closure ends ({last}) before it starts ({first})")
        return self

    def span(self, term: Term) -> tuple[date, date]:
        """First and last day of ``term``."""
        return getattr(self, term.value)

    def start(self, term: Term) -> date:
        """The first day of ``term``."""
        return self.span(term)[0]

    def is_school_day(self, day: date) -> bool:
        """Whether ``day`` falls inside a term and outside its closures (weekends and bank holidays are the
        working calendar's business)."""
        if not any(first <= day <= last for first, last in (self.autumn, self.spring, self.summer)):
            return False
        return not any(first <= day <= last for first, last in self.closures)


def _week_of(monday: date) -> tuple[date, date]:
    return monday, monday + timedelta(days=4)


def _last_monday(year: int, month: int, last_day: int) -> date:
    day = date(year, month, last_day)
    return day - timedelta(days=day.weekday())


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _working_on_or_after(day: date, is_working_day: Callable[[date], bool]) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def default_term_dates(academic_year: int, is_working_day: Callable[[date], bool]) -> TermDates:
    """The default pattern (module docstring) for the academic year starting in September ``academic_year``.
    ``is_working_day`` is the bank-holiday calendar (so a term never starts on a bank holiday)."""
    y, n = academic_year, academic_year + 1
    sunday = easter(n)
    feb_first_monday = date(n, 2, 1) + timedelta(days=(7 - date(n, 2, 1).weekday()) % 7)
    return TermDates(
        autumn=(_working_on_or_after(date(y, 9, 1), is_working_day), _weekday_on_or_before(date(y, 12, 20))),
        spring=(_working_on_or_after(date(n, 1, 2), is_working_day), sunday - timedelta(days=9)),
        summer=(sunday + timedelta(days=8), _weekday_on_or_before(date(n, 7, 22))),
        closures=[
            _week_of(_last_monday(y, 10, 31)),
            _week_of(feb_first_monday + timedelta(days=14)),
            _week_of(_last_monday(n, 5, 31)),
        ],
    )
