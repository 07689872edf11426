"""Working-day arithmetic for statutory timescales: weekends and a configurable list of bank holidays."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


class WorkingCalendar:
    """Counts working days: Monday to Friday, less the given holidays."""

    def __init__(self, holidays: Iterable[date] = ()) -> None:
        self.holidays = frozenset(holidays)

    def is_working_day(self, day: date) -> bool:
        """True on a weekday that is not a holiday."""
        return day.weekday() < 5 and day not in self.holidays

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
