"""Which children's records are past the retention period after leaving care (an operator's list).

The period is the setting ``[retention] years_after_leaving_care`` (default 25). Nothing is deleted
here or anywhere automatically: see :func:`pep_tui.store.retention.delete_child`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pep_tui.services.due_dates import add_months
from pep_tui.services.report_facts import FACTS_KEY
from pep_tui.store import Store


@dataclass(frozen=True)
class PastRetention:
    """A closed record past its retention period: the internal id, when the child left care, and the
    day the period ended."""

    child_id: str
    left_care_on: date
    due_since: date


def retention_end(left_care_on: date, years: int) -> date:
    """The day a record is past retention: ``years`` after leaving care."""
    return add_months(left_care_on, 12 * years)


def past_retention(store: Store, years: int, today: date) -> list[PastRetention]:
    """Children who left care at least ``years`` ago, oldest first (read from the index's facts)."""
    found = []
    for child_id, summary in store.summaries(with_facts=True).items():
        facts = summary.get(FACTS_KEY)
        left = facts.get("left_care_on") if isinstance(facts, dict) else None
        if left is None and not isinstance(facts, dict):  # facts not available: read the record
            left_on = store.load_child(child_id).child.left_care_on
        else:
            left_on = date.fromisoformat(left) if left else None
        if left_on is None:
            continue
        end = retention_end(left_on, years)
        if end <= today:
            found.append(PastRetention(child_id, left_on, end))
    return sorted(found, key=lambda p: (p.left_care_on, p.child_id))
