"""Working-day arithmetic for statutory timescales: weekends, bank holidays and (optionally) school closures.

A :class:`WorkingCalendar` skips Saturdays, Sundays and its holidays. The holidays come from up to three
places, all optional: a fixed set of days (``holidays``), a *source* that gives one year's bank holidays
when a date in that year is first asked about (so the calendar has no end year of its own), and a
``closed`` predicate for days the calendar should also skip (e.g. school holidays, when deadlines are
counted in school days). Days listed in ``removed`` are taken out of the source (a council that works a
bank holiday). ``trusted_until`` is the last calendar year whose bank holidays are known to be complete:
past it the regular rules still apply, but a one-off bank holiday may not be in the source yet
(:meth:`WorkingCalendar.trusted`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta

#: Gives the bank holidays of one calendar year.
HolidaySource = Callable[[int], Iterable[date]]


class WorkingCalendar:
    """Counts working days: Monday to Friday, less the holidays (and closed days) it is given."""

    def __init__(
        self,
        holidays: Iterable[date] = (),
        *,
        source: HolidaySource | None = None,
        removed: Iterable[date] = (),
        closed: Callable[[date], bool] | None = None,
        trusted_until: int | None = None,
    ) -> None:
        self.holidays = frozenset(holidays)
        self.removed = frozenset(removed)
        self.source = source
        self.closed = closed
        self.trusted_until = trusted_until
        self._years: dict[int, frozenset[date]] = {}

    def _source_days(self, year: int) -> frozenset[date]:
        days = self._years.get(year)
        if days is None:
            days = frozenset(self.source(year)) - self.removed if self.source is not None else frozenset()
            self._years[year] = days
        return days

    def is_holiday(self, day: date) -> bool:
        """True on a bank holiday (or an added holiday) of this calendar."""
        return day in self.holidays or day in self._source_days(day.year)

    def is_working_day(self, day: date) -> bool:
        """True on a weekday that is not a holiday (nor a closed day)."""
        if day.weekday() >= 5 or self.is_holiday(day):
            return False
        return self.closed is None or not self.closed(day)

    def trusted(self, day: date) -> bool:
        """Whether the calendar's bank holidays are known to be complete for ``day``'s year."""
        return self.trusted_until is None or day.year <= self.trusted_until

    def add(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself is day 0).

        "Within 10 working days of a placement on Friday 3 January" → ``add(date(…, 1, 3), 10)``.
        """
        if days < 0:
            raise ValueError("days must be zero or more")
        day = start
        remaining = days
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if ``end`` is earlier)."""
        if end < start:
            return -self.between(end, start)
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
