"""Which children the PP+ grant counts, by the DfE rule, and why each one is or is not counted.

The DfE allocates PP+ for looked-after children from the March SSDA903 return: children **looked after
for at least one day** in the year the return covers (1 April to 31 March), **aged 4 to 15 on the
31 August** that falls in that year. The grant for the financial year starting 1 April 2025 (2025-26)
is counted from the return of March 2025: children looked after on any day from 1 April 2024 to
31 March 2025, aged 4 to 15 on 31 August 2024. Every part is a setting (``[pupil_premium]``):

* ``count_basis``: ``looked_after_in_year`` (the DfE rule) or ``in_care_on_date`` (only children still
  in care on the collection year's last day, as some councils forecast);
* ``count_collection_end`` (``"03-31"``): the collection year ends on this day of the calendar year in
  which the financial year starts, and runs the twelve months before;
* ``count_age_on`` (``"08-31"``): ages are taken on this day, the one that falls inside the collection
  year;
* ``count_min_age`` / ``count_max_age`` (4 and 15).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from pep_tui.domain import age_on
from pep_tui_plugins.pupil_premium.config import PupilPremiumSettings

if TYPE_CHECKING:
    from pep_tui_plugins.pupil_premium.ledger import Countable

#: How a day is shown in explanations.
DAY = "%d/%m/%Y"


def _month_day(text: str) -> tuple[int, int]:
    month, day = text.split("-")
    return int(month), int(day)


@dataclass(frozen=True)
class CountRule:
    """The count rule for the grant of one financial year: the collection year and the age date."""

    financial_year_start: int
    collection_start: date
    collection_end: date
    age_date: date
    basis: str
    min_age: int
    max_age: int

    @classmethod
    def for_year(cls, fy_start: int, settings: PupilPremiumSettings) -> CountRule:
        """The rule for the financial year starting 1 April ``fy_start``."""
        month, day = _month_day(settings.count_collection_end)
        end = date(fy_start, month, day)
        start = _year_before(end) + timedelta(days=1)
        age_month, age_day = _month_day(settings.count_age_on)
        age_date = date(start.year, age_month, age_day)
        if age_date < start:
            age_date = date(start.year + 1, age_month, age_day)
        return cls(fy_start, start, end, age_date, settings.count_basis, settings.count_min_age, settings.count_max_age)

    def describe(self) -> str:
        """The rule in words, for reports."""
        who = ("looked after for at least one day" if self.basis == "looked_after_in_year"
               else f"in care on {self.collection_end:{DAY}}")
        return (f"children {who} from {self.collection_start:{DAY}} to {self.collection_end:{DAY}}, "
                f"aged {self.min_age} to {self.max_age} on {self.age_date:{DAY}}")


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class CountDecision:
    """Whether one child is counted for the grant, and why (in words the Virtual School can check)."""

    counted: bool
    reason: str


def decide(child: Countable, rule: CountRule) -> CountDecision:
    """Whether ``child`` is counted under ``rule``, with the reason."""
    entered, left = child.date_entered_care, child.left_care_on
    age = age_on(child.date_of_birth, rule.age_date)
    age_text = f"aged {age} on {rule.age_date:{DAY}}"
    if entered is not None and entered > rule.collection_end:
        return CountDecision(False, f"entered care on {entered:{DAY}}, after the collection year ended "
                                    f"({rule.collection_end:{DAY}})")
    if left is not None and left <= rule.collection_start:
        return CountDecision(False, f"left care on {left:{DAY}}, before the collection year began "
                                    f"({rule.collection_start:{DAY}})")
    if entered is not None and left is not None and left <= entered:
        return CountDecision(False, f"left care on {left:{DAY}}, not after entering on {entered:{DAY}}")
    if rule.basis == "in_care_on_date" and left is not None and left <= rule.collection_end:
        return CountDecision(False, f"left care on {left:{DAY}}, not in care on {rule.collection_end:{DAY}}")
    if age < rule.min_age:
        return CountDecision(False, f"{age_text}: under {rule.min_age}")
    if age > rule.max_age:
        return CountDecision(False, f"{age_text}: over {rule.max_age}")
    if left is not None:
        looked_after = f"looked after until {left:{DAY}} (left care in the collection year)"
    elif entered is not None and entered > rule.collection_start:
        looked_after = f"looked after from {entered:{DAY}}"
    else:
        looked_after = "looked after all year"
    return CountDecision(True, f"{looked_after}; {age_text}")


def count(children: Iterable[Countable], rule: CountRule) -> int:
    """How many of ``children`` the rule counts."""
    return sum(1 for c in children if decide(c, rule).counted)
