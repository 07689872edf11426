"""The PP+ ledger: grant, top-slice, allocations, payments, committed and remaining, by year.

Pure computation over children's records and budget years (no I/O): the service gathers the data and
calls :func:`build_ledger`. Every figure is integer pence. The identity the Virtual School Head must be
able to show an auditor always holds::

    grant = top-slice + allocated + unallocated

(``unallocated`` goes negative when allocations overrun the budget, and a warning says so).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from pep_tui.domain import PEP, Child, age_on, year_group
from pep_tui_plugins.pupil_premium.config import PupilPremiumSettings
from pep_tui_plugins.pupil_premium.models import NAMESPACE, BudgetYear, PEPFunding
from pep_tui_plugins.pupil_premium.money import Period, format_pence
from pep_tui_plugins.pupil_premium.records import live_peps

NOT_REVIEWED = "not yet reviewed"


class Countable(Protocol):
    """What the grant count reads of a child: a :class:`~pep_tui.domain.Child`, or the
    :class:`~pep_tui_plugins.pupil_premium.summary.CountedChild` made from an index summary."""

    @property
    def date_of_birth(self) -> date: ...

    @property
    def date_entered_care(self) -> date | None: ...

    @property
    def left_care_on(self) -> date | None: ...


@dataclass(frozen=True)
class Allocation:
    """Money allocated to a child: an approved request or a released termly base payment."""

    child_id: str
    child_name: str
    school_urn: str | None
    pep_id: str
    request_id: str | None
    kind: str  # "request" | "base"
    stream: str
    on: date
    amount_pence: int
    eef_category: str | None = None
    intervention: str = ""
    outcome: str = NOT_REVIEWED

    @property
    def key(self) -> tuple[str, str]:
        """What payments against this allocation name."""
        return (self.pep_id, self.request_id or "base")


@dataclass(frozen=True)
class PaymentEntry:
    """Money paid out to a school or provider for a child."""

    child_id: str
    child_name: str
    school_urn: str | None
    pep_id: str
    request_id: str | None
    kind: str
    on: date
    amount_pence: int
    reference: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """The allocation this payment is against."""
        return (self.pep_id, self.request_id or "base")


@dataclass(frozen=True)
class Grant:
    """The grant for a financial year and how it was worked out."""

    financial_year: str
    children_counted: int
    counted_manually: bool
    rate_pence: int
    pp_plus_pence: int
    eypp_children: int
    eypp_pence: int
    post16_children: int
    post16_pence: int
    adjustments_pence: int
    #: Why a figure may be wrong: a rate carried forward from an earlier year (named, with the rate used).
    notes: tuple[str, ...] = ()

    @property
    def total_pence(self) -> int:
        """The whole grant for the year."""
        return self.pp_plus_pence + self.eypp_pence + self.post16_pence + self.adjustments_pence


@dataclass(frozen=True)
class TopSliceLine:
    """A central budget line: its budget and what was spent from it in the period."""

    name: str
    budget_pence: int
    spent_pence: int


@dataclass
class Row:
    """Totals for one child or one school."""

    key: str
    name: str
    allocated_pence: int = 0
    paid_pence: int = 0
    committed_pence: int = 0
    requests: int = 0


@dataclass
class Ledger:
    """The ledger of one financial or academic year."""

    period: Period
    grants: list[Grant]
    grant_pence: int
    top_slice_pence: int
    top_slice_lines: list[TopSliceLine]
    central_paid_pence: int
    allocations: list[Allocation]
    payments: list[PaymentEntry]
    committed_pence: int
    #: Unpaid at the period's end, by allocation (``(pep id, request id or "base")``).
    outstanding: dict[tuple[str, str], int] = field(default_factory=dict)
    per_child: list[Row] = field(default_factory=list)
    per_school: list[Row] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def allocated_pence(self) -> int:
        """Allocated to children in the period."""
        return sum(a.amount_pence for a in self.allocations)

    @property
    def paid_pence(self) -> int:
        """Paid out for children in the period."""
        return sum(p.amount_pence for p in self.payments)

    @property
    def unallocated_pence(self) -> int:
        """What remains to allocate: grant - top-slice - allocated (negative when overrun)."""
        return self.grant_pence - self.top_slice_pence - self.allocated_pence

    @property
    def held_centrally_pence(self) -> int:
        """Grant not yet paid out at the period's end (for a financial year: at risk of recovery at 31 March)."""
        return max(0, self.grant_pence - self.paid_pence - self.central_paid_pence)

    @property
    def top_slice_unspent_pence(self) -> int:
        """Top-slice budget not yet spent."""
        return max(0, self.top_slice_pence - self.central_paid_pence)

    def reconciles(self) -> bool:
        """Whether every total agrees with its parts (children, schools, allocations)."""
        return (
            self.grant_pence == self.top_slice_pence + self.allocated_pence + self.unallocated_pence
            and sum(r.allocated_pence for r in self.per_child) == self.allocated_pence
            and sum(r.allocated_pence for r in self.per_school) == self.allocated_pence
            and sum(r.paid_pence for r in self.per_child) == self.paid_pence
            and sum(r.paid_pence for r in self.per_school) == self.paid_pence
            and sum(r.committed_pence for r in self.per_child) == self.committed_pence
        )

    def spend_by_category(self) -> dict[str, int]:
        """Allocated pence by EEF category (termly base payments as "termly base payment")."""
        out: dict[str, int] = defaultdict(int)
        for a in self.allocations:
            out[a.eef_category or "termly base payment"] += a.amount_pence
        return dict(sorted(out.items()))

    def spend_by_outcome(self) -> dict[str, int]:
        """Allocated pence on requests by the impact recorded at the next PEP."""
        out: dict[str, int] = defaultdict(int)
        for a in self.allocations:
            if a.kind == "request":
                out[a.outcome] += a.amount_pence
        return dict(sorted(out.items()))


def looked_after_on(child: Countable, day: date) -> bool:
    """Whether a child was looked after on a day (entered care by then and not yet left)."""
    entered = child.date_entered_care
    if entered is not None and entered > day:
        return False
    return child.left_care_on is None or child.left_care_on > day


def count_children(children: Iterable[Countable], count_date: date, min_age: int, max_age: int) -> int:
    """Children looked after on ``count_date`` aged ``min_age`` to ``max_age`` on that day (a simple
    snapshot count; the grant itself follows :mod:`~pep_tui_plugins.pupil_premium.grant_count`)."""
    return sum(
        1 for c in children
        if looked_after_on(c, count_date) and min_age <= age_on(c.date_of_birth, count_date) <= max_age
    )


def grant_for(
    fy_start: int, children: Sequence[Countable], budget: BudgetYear | None, settings: PupilPremiumSettings,
    policy_rates: dict[str, int],
) -> Grant:
    """The grant of the financial year starting 1 April ``fy_start``: counted children x rate,
    plus Early Years Pupil Premium and post-16 where set, plus manual adjustments."""
    from pep_tui_plugins.pupil_premium.grant_count import CountRule, count

    label = Period("fy", fy_start).label
    count_date = date(fy_start, 3, 31)
    manual = budget is not None and budget.children_counted is not None
    counted = budget.children_counted if manual and budget is not None else count(
        children, CountRule.for_year(fy_start, settings)
    )
    rate = settings.rate_for(label, policy_rates)
    in_care = [c for c in children if looked_after_on(c, count_date)]
    eypp_children = sum(
        1 for c in in_care if age_on(c.date_of_birth, count_date) >= 3 and year_group(c.date_of_birth, count_date) < 0
    )
    post16_children = sum(1 for c in in_care if 16 <= age_on(c.date_of_birth, count_date) <= 17)
    adjustments = sum(a.amount_pence for a in budget.adjustments) if budget else 0
    notes = settings.rate_notes(label, policy_rates, eypp=eypp_children > 0)
    return Grant(
        financial_year=label, children_counted=counted or 0, counted_manually=manual, rate_pence=rate,
        pp_plus_pence=(counted or 0) * rate, eypp_children=eypp_children,
        eypp_pence=eypp_children * settings.eypp_for(label), post16_children=post16_children,
        post16_pence=post16_children * settings.post16_for(label), adjustments_pence=adjustments,
        notes=tuple(notes),
    )


def top_slice_for(grant: Grant, budget: BudgetYear | None, settings: PupilPremiumSettings) -> list[tuple[str, str, int]]:
    """The year's top-slice as ``(line id, name, pence)``: its budget lines plus the percentage, if any."""
    lines = [(line.id, line.name, line.amount_pence) for line in (budget.lines if budget else [])]
    if settings.top_slice_percent > 0:
        share = int(grant.total_pence * settings.top_slice_percent / 100)
        lines.append(("percent", f"Top-slice ({settings.top_slice_percent}% of the grant)", share))
    return lines


def _funding(pep: PEP) -> PEPFunding:
    return PEPFunding.model_validate(pep.plugin_data.get(NAMESPACE, {}))


def collect(records: Iterable[tuple[Child, list[PEP]]]) -> tuple[list[Allocation], list[PaymentEntry]]:
    """Every allocation and payment in the children's PEPs (all dates). A PEP replaced by a correction
    is skipped: the correction carries its decisions and payments forward."""
    allocations: list[Allocation] = []
    payments: list[PaymentEntry] = []
    for child, peps in records:
        name = child.display_name
        outcomes = {rid: r.outcome.value for p in peps for rid, r in _funding(p).impact.items()}
        for pep in live_peps(peps):
            funding = _funding(pep)
            base = funding.base_payment
            if base is not None:
                allocations.append(Allocation(child.id, name, base.school_urn or child.school_urn, pep.id, None, "base",
                                              "pp_plus", base.released_on, base.amount_pence))
            schools: dict[str | None, str | None] = {None: base.school_urn if base else child.school_urn}
            for decision in funding.decisions.values():
                school = decision.school_urn or child.school_urn
                schools[decision.request_id] = school
                if decision.status.funded and decision.decided_on is not None and decision.approved_pence > 0:
                    allocations.append(Allocation(
                        child.id, name, school, pep.id, decision.request_id, "request", decision.stream.value,
                        decision.decided_on, decision.approved_pence, decision.eef_category.value,
                        decision.intervention, outcomes.get(decision.request_id, NOT_REVIEWED),
                    ))
            for pay in funding.payments:
                payments.append(PaymentEntry(child.id, name, schools.get(pay.request_id, child.school_urn), pep.id,
                                             pay.request_id, pay.kind, pay.on, pay.amount_pence, pay.reference))
    return allocations, payments


def _apportion(amount: int, months: int) -> int:
    return amount * months // 12


def build_ledger(
    period: Period,
    records: list[tuple[Child, list[PEP]]],
    budgets: dict[str, BudgetYear],
    settings: PupilPremiumSettings,
    policy_rates: dict[str, int],
    *,
    counted: Sequence[Countable] | None = None,
    school_names: Mapping[str, str] | None = None,
    entries: tuple[list[Allocation], list[PaymentEntry]] | None = None,
) -> Ledger:
    """The ledger of a financial year (grant as given) or an academic year (September-March of one
    financial year's grant and top-slice, plus April-August of the next, apportioned by month).

    ``records`` need only hold the children with PP+ money in the period; ``counted`` is every child
    in scope, for the grant count, and ``school_names`` names schools by URN (both default to what
    ``records`` holds). ``entries`` are allocations and payments gathered already (from the index
    summaries): those are used together with what ``records`` hold."""
    children: Sequence[Countable] = counted if counted is not None else [c for c, _ in records]
    if school_names is None:
        school_names = {c.school_urn: c.school_name or c.school_urn for c, _ in records if c.school_urn}
    if period.kind == "fy":
        parts = [(period.start_year, 12)]
    else:
        parts = [(period.start_year, 7), (period.start_year + 1, 5)]
    grants: list[Grant] = []
    grant_total = 0
    top_total = 0
    line_budgets: dict[str, list] = {}
    for fy_start, months in parts:
        label = Period("fy", fy_start).label
        budget = budgets.get(label)
        grant = grant_for(fy_start, children, budget, settings, policy_rates)
        grants.append(grant)
        grant_total += _apportion(grant.total_pence, months)
        for line_id, name, pence in top_slice_for(grant, budget, settings):
            share = _apportion(pence, months)
            top_total += share
            entry = line_budgets.setdefault(f"{label}:{line_id}", [name, 0, 0])
            entry[1] += share
        if budget:
            for pay in budget.central_payments:
                if pay.on in period:
                    entry = line_budgets.get(f"{label}:{pay.line_id}")
                    if entry is None:
                        entry = line_budgets.setdefault(f"{label}:{pay.line_id}", ["(removed line)", 0, 0])
                    entry[2] += pay.amount_pence
    lines = [TopSliceLine(name, budget_pence, spent) for name, budget_pence, spent in line_budgets.values()]
    central_paid = sum(line.spent_pence for line in lines)

    every_allocation, every_payment = collect(records)
    if entries is not None:
        every_allocation += entries[0]
        every_payment += entries[1]
    allocations = sorted((a for a in every_allocation if a.on in period), key=lambda a: (a.on, a.child_name))
    payments = sorted((p for p in every_payment if p.on in period), key=lambda p: (p.on, p.child_name))
    paid_by_end: dict[tuple[str, str], int] = defaultdict(int)
    for pay in every_payment:
        if pay.on <= period.end:
            paid_by_end[pay.key] += pay.amount_pence
    committed_by_child: dict[str, int] = defaultdict(int)
    committed_by_school: dict[str, int] = defaultdict(int)
    outstanding_by_allocation: dict[tuple[str, str], int] = {}
    for a in allocations:
        outstanding = max(0, a.amount_pence - paid_by_end[a.key])
        outstanding_by_allocation[a.key] = outstanding
        committed_by_child[a.child_id] += outstanding
        committed_by_school[a.school_urn or "-"] += outstanding
    ledger = Ledger(
        period=period, grants=grants, grant_pence=grant_total, top_slice_pence=top_total, top_slice_lines=lines,
        central_paid_pence=central_paid, allocations=allocations, payments=payments,
        committed_pence=sum(committed_by_child.values()), outstanding=outstanding_by_allocation,
    )
    names = school_names
    ledger.per_child = _rows(allocations, payments, committed_by_child, lambda x: x.child_id, lambda x: x.child_name)
    ledger.per_school = _rows(allocations, payments, committed_by_school, lambda x: x.school_urn or "-",
                              lambda x: names.get(x.school_urn, x.school_urn or "no school"))
    for grant in grants:
        ledger.warnings += [n for n in grant.notes if n not in ledger.warnings]
    if ledger.unallocated_pence < 0:
        ledger.warnings.append(
            f"Allocations exceed the budget by {format_pence(-ledger.unallocated_pence)}: the grant is "
            f"{format_pence(grant_total)}, the top-slice {format_pence(top_total)} and allocations "
            f"{format_pence(ledger.allocated_pence)}."
        )
    for line in lines if period.kind == "fy" else []:  # line budgets are set per financial year
        if line.spent_pence > line.budget_pence:
            ledger.warnings.append(
                f"{line.name}: spending {format_pence(line.spent_pence)} is over its budget of {format_pence(line.budget_pence)}."
            )
    return ledger


def _rows(allocations, payments, committed, key, name) -> list[Row]:
    rows: dict[str, Row] = {}
    for a in allocations:
        row = rows.setdefault(key(a), Row(key(a), name(a)))
        row.allocated_pence += a.amount_pence
        row.requests += a.kind == "request"
    for p in payments:
        row = rows.setdefault(key(p), Row(key(p), name(p)))
        row.paid_pence += p.amount_pence
    for k, pence in committed.items():
        if k in rows:
            rows[k].committed_pence = pence
    return sorted(rows.values(), key=lambda r: (r.name or "", r.key))
