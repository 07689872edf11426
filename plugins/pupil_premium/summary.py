"""What PP+ keeps in each child's index summary, so the queue, the ledger and the budget dashboard open
only the children they need (the dashboard none at all).

Stored as ``summary["plugins"]["pupil_premium"]`` by the store whenever the child's summary is built
(every save of the child or of one of their PEPs, a reindex, the start of a term)::

    {"v": 1,
     "open": 2,        # requests awaiting the Virtual School (live, submitted PEPs)
     "alloc": [[pep id, request id or null, "request"|"base", stream, "2025-10-12", pence,
                EEF category or null, impact outcome, school URN or null], ...],
     "paid": [[pep id, request id or null, "request"|"base", "2026-01-10", pence, school URN or null], ...],
     "born": "2014-05-01", "entered_care": "2022-01-10", "left_care": null}   # for the grant count

The allocations and payments are exactly what the ledger gathers from the child's record
(:func:`~pep_tui_plugins.pupil_premium.ledger.collect`), less the free text (interventions, payment
references) that only the CSV export shows; the export opens the children concerned instead.

Everything here is derived from the child and their PEPs alone, and none of it depends on today's
date, so a summary cannot go stale between saves: every change the queue or the ledger depends on (a
request, a submission or return, a decision, a payment, a base payment, an impact review, a
correction, a change of care dates or school) is a save of the child's file, which rebuilds the
summary. What PP+ keeps outside the children's files (the budget year documents) is read directly by
the ledger, never from summaries. A summary without these facts (made before the plugin was
installed, or when computing them failed) is *unknown*: readers then open that child's record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pep_tui.domain import PEP, Child
from pep_tui.plugins.api import SummaryField, summary_value
from pep_tui.services.peps import EDITABLE_STATUSES
from pep_tui_plugins.pupil_premium.ledger import Allocation, PaymentEntry, collect
from pep_tui_plugins.pupil_premium.models import NAMESPACE, REQUESTS_SECTION, RequestStatus
from pep_tui_plugins.pupil_premium.money import Period

#: Bumped whenever the shape of the facts changes (every child is then re-summarised once).
FACTS_VERSION = 1

_OPEN = frozenset(s.value for s in RequestStatus if s.open)


def open_requests(peps: list[PEP]) -> int:
    """Requests awaiting the Virtual School in a child's live, submitted PEPs. Raw dictionaries only
    (cheap), erring on the side of counting: a request that no longer parses still counts (the queue
    then opens the child and skips it), never the other way round."""
    count = 0
    for pep in peps:
        if pep.superseded_by is not None or pep.status in EDITABLE_STATUSES:
            continue
        requests = pep.section(REQUESTS_SECTION).get("requests") or []
        if not requests:
            continue
        decisions = (pep.plugin_data.get(NAMESPACE) or {}).get("decisions") or {}
        for request in requests:
            decision = decisions.get(request.get("id")) if isinstance(request, dict) else None
            status = decision.get("status") if isinstance(decision, dict) else None
            if status is None or status in _OPEN:
                count += 1
    return count


def pp_facts(child: Child, peps: list[PEP]) -> dict[str, Any]:
    """The PP+ facts of one child (see the module docstring)."""
    allocations, payments = collect([(child, peps)]) if any(p.plugin_data.get(NAMESPACE) for p in peps) else ([], [])
    return {
        "v": FACTS_VERSION,
        "open": open_requests(peps),
        "alloc": [[a.pep_id, a.request_id, a.kind, a.stream, a.on.isoformat(), a.amount_pence, a.eef_category,
                   a.outcome, a.school_urn] for a in allocations],
        "paid": [[p.pep_id, p.request_id, p.kind, p.on.isoformat(), p.amount_pence, p.school_urn] for p in payments],
        "born": child.date_of_birth.isoformat(),
        "entered_care": child.date_entered_care.isoformat() if child.date_entered_care else None,
        "left_care": child.left_care_on.isoformat() if child.left_care_on else None,
    }


SUMMARY_FIELD = SummaryField(
    name=NAMESPACE, compute=pp_facts, version=FACTS_VERSION,
    description="Open PP+ requests and the months with PP+ money, so the queue and ledger open only those children",
)


def facts_of(summary: Mapping[str, Any]) -> dict[str, Any] | None:
    """The PP+ facts in an index summary, or ``None`` when they are missing or of another shape
    (then the child's record must be read)."""
    facts = summary_value(summary, NAMESPACE)
    if isinstance(facts, dict) and facts.get("v") == FACTS_VERSION:
        return facts
    return None


def has_money_in(facts: Mapping[str, Any], period: Period) -> bool:
    """Whether the child had a PP+ allocation or payment dated in ``period``."""
    first, last = period.start.isoformat(), period.end.isoformat()
    return (any(first <= a[4] <= last for a in facts.get("alloc") or [])
            or any(first <= p[3] <= last for p in facts.get("paid") or []))


def entries_of(summary: Mapping[str, Any], facts: Mapping[str, Any]) -> tuple[list[Allocation], list[PaymentEntry]]:
    """The ledger's allocations and payments of one child, from their index summary and PP+ facts
    (without interventions and payment references)."""
    child_id, name = summary["child_id"], str(summary.get("name") or "")
    allocations = [
        Allocation(child_id, name, school, pep_id, request_id, kind, stream, date.fromisoformat(on), pence,
                   category, outcome=outcome)
        for pep_id, request_id, kind, stream, on, pence, category, outcome, school in facts.get("alloc") or []
    ]
    payments = [
        PaymentEntry(child_id, name, school, pep_id, request_id, kind, date.fromisoformat(on), pence)
        for pep_id, request_id, kind, on, pence, school in facts.get("paid") or []
    ]
    return allocations, payments


@dataclass(frozen=True)
class CountedChild:
    """What the grant count needs of a child (a :class:`~pep_tui.domain.Child` has the same attributes)."""

    date_of_birth: date
    date_entered_care: date | None
    left_care_on: date | None

    @classmethod
    def from_facts(cls, facts: Mapping[str, Any]) -> CountedChild:
        """From the PP+ facts of an index summary."""
        def day(value: Any) -> date | None:
            return date.fromisoformat(value) if value else None

        born = day(facts.get("born"))
        if born is None:
            raise ValueError("the PP+ facts have no date of birth")
        return cls(born, day(facts.get("entered_care")), day(facts.get("left_care")))
