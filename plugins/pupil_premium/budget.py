"""The PP+ budget: the year's grant document (count, adjustments, top-slice lines, central spending),
the ledger in financial-year and academic-year views, and its CSV export.

Budget years are kept as plugin documents (``plugin_documents/pupil_premium/budget-2025-26.json``)
with the store's guarantees: a lock around every change, revisions, atomic writes and an audit event.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pydantic import ValidationError

from pep_tui.plugins.api import Capability
from pep_tui.services import FieldProblem, InvalidInput, Principal
from pep_tui.services.access import require
from pep_tui.store.plugin_documents import PluginDocument, PluginDocuments
from pep_tui_plugins.pupil_premium.inputs import plain_text, whole_pence
from pep_tui_plugins.pupil_premium.ledger import (
    Allocation,
    Countable,
    Ledger,
    PaymentEntry,
    build_ledger,
)
from pep_tui_plugins.pupil_premium.models import (
    NAMESPACE,
    Adjustment,
    BudgetLine,
    BudgetYear,
    CentralPayment,
)
from pep_tui_plugins.pupil_premium.money import Period, format_pence, parse_year_label
from pep_tui_plugins.pupil_premium.summary import CountedChild, entries_of, facts_of, has_money_in

if TYPE_CHECKING:
    from pep_tui_plugins.pupil_premium.service import PupilPremiumService


@dataclass(frozen=True)
class CountedRow:
    """One child in the grant count: counted or not, and why."""

    child_id: str
    name: str
    date_of_birth: date
    counted: bool
    reason: str


@dataclass(frozen=True)
class GrantCount:
    """The grant count of a financial year, child by child."""

    financial_year: str
    rule: str
    rows: list[CountedRow]
    set_by_hand: int | None = None

    @property
    def counted(self) -> int:
        """Children counted by the rule."""
        return sum(1 for r in self.rows if r.counted)


def document_name(financial_year: str) -> str:
    """The plugin document holding a financial year's budget."""
    parse_year_label(financial_year)
    return f"budget-{financial_year}"


class BudgetService:
    """Budget years and the ledger (Virtual School: ``DECIDE_FUNDING`` to change, ``VIEW_REPORTS`` to read)."""

    def __init__(self, pp: PupilPremiumService) -> None:
        self.pp = pp
        self.ctx = pp.ctx
        self.documents = PluginDocuments(self.ctx.store, NAMESPACE)

    # --- budget years -------------------------------------------------------------------------

    def _read(self, financial_year: str) -> tuple[BudgetYear, PluginDocument]:
        try:
            name = document_name(financial_year)
        except ValueError as exc:
            raise InvalidInput("Budget year", [FieldProblem("financial_year", str(exc))]) from None
        doc = self.documents.read(name)
        data = doc.data or {"financial_year": financial_year}
        return BudgetYear.model_validate(data), doc

    def year(self, principal: Principal, financial_year: str) -> tuple[BudgetYear, int]:
        """A financial year's budget document and its revision (0 if nothing was recorded yet)."""
        require(self.ctx.registry, principal, Capability.VIEW_REPORTS)
        budget, doc = self._read(financial_year)
        return budget, doc.revision

    def _change(self, principal: Principal, financial_year: str, action: str, detail: dict, change,
                expected_revision: int | None) -> BudgetYear:
        require(self.ctx.registry, principal, Capability.DECIDE_FUNDING)
        self._read(financial_year)  # refuses a malformed year before locking

        def apply(data: dict) -> dict:
            budget = BudgetYear.model_validate(data or {"financial_year": financial_year})
            try:
                changed = change(budget)
                return BudgetYear.model_validate(changed.model_dump()).model_dump(mode="json")
            except ValidationError as exc:
                raise InvalidInput.from_validation_error(f"Budget {financial_year}", exc) from None

        doc = self.documents.update(document_name(financial_year), apply, principal.login, principal.role,
                                    action=action, detail=detail, expected_revision=expected_revision)
        return BudgetYear.model_validate(doc.data)

    def _may_change(self, principal: Principal, financial_year: str) -> Period:
        """Refuse a principal who may not change budgets (before looking at what they sent), and a
        malformed year."""
        require(self.ctx.registry, principal, Capability.DECIDE_FUNDING)
        try:
            return Period.financial(financial_year)
        except ValueError as exc:
            raise InvalidInput("Budget year", [FieldProblem("financial_year", str(exc))]) from None

    def set_children_counted(self, principal: Principal, financial_year: str, count: int | None,
                             expected_revision: int | None = None) -> BudgetYear:
        """Set the number of children the grant was paid for (``None``: count from the records)."""
        self._may_change(principal, financial_year)
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
            raise InvalidInput("Budget", [FieldProblem("children_counted", "a whole count of 0 or more children")])
        return self._change(principal, financial_year, "budget.count", {"children_counted": count},
                            lambda b: b.model_copy(update={"children_counted": count}), expected_revision)

    def add_adjustment(self, principal: Principal, financial_year: str, amount_pence: int, reason: str,
                       on: date | None = None, expected_revision: int | None = None) -> BudgetYear:
        """Add a manual adjustment to the grant (negative to reduce it), with a reason."""
        self._may_change(principal, financial_year)
        whole_pence(amount_pence, "Adjustment", "amount")
        reason = plain_text(reason, "Adjustment", "reason")
        if not reason:
            raise InvalidInput("Adjustment", [FieldProblem("reason", "say why the grant is adjusted")])
        try:
            item = Adjustment(amount_pence=amount_pence, reason=reason, by=principal.login, on=on or self.ctx.today())
        except ValidationError as exc:
            raise InvalidInput.from_validation_error("Adjustment", exc) from None
        return self._change(principal, financial_year, "budget.adjust", {"amount_pence": amount_pence},
                            lambda b: b.model_copy(update={"adjustments": [*b.adjustments, item]}), expected_revision)

    def add_line(self, principal: Principal, financial_year: str, name: str, amount_pence: int,
                 description: str = "", expected_revision: int | None = None) -> tuple[BudgetYear, BudgetLine]:
        """Add a top-slice (central pool) budget line."""
        self._may_change(principal, financial_year)
        whole_pence(amount_pence, "Budget line", "amount")
        name = plain_text(name, "Budget line", "name", one_line=True)
        description = plain_text(description, "Budget line", "description")
        try:
            line = BudgetLine(name=name, amount_pence=amount_pence, description=description)
        except ValidationError as exc:
            raise InvalidInput.from_validation_error("Budget line", exc) from None
        budget = self._change(principal, financial_year, "budget.line", {"line_id": line.id, "amount_pence": amount_pence},
                              lambda b: b.model_copy(update={"lines": [*b.lines, line]}), expected_revision)
        return budget, line

    def record_central_payment(self, principal: Principal, financial_year: str, line_id: str, on: date,
                               amount_pence: int, reference: str = "",
                               expected_revision: int | None = None) -> CentralPayment:
        """Record spending from a top-slice line; its date must fall in the financial year."""
        period = self._may_change(principal, financial_year)
        if on not in period:
            raise InvalidInput("Central payment", [FieldProblem(
                "on", f"{on:%d %b %Y} is outside {period.title} ({period.start:%d %b %Y} to {period.end:%d %b %Y})"
            )])
        if whole_pence(amount_pence, "Central payment", "amount") <= 0:
            raise InvalidInput("Central payment", [FieldProblem("amount", "a payment is more than £0.00")])
        reference = plain_text(reference, "Central payment", "reference", one_line=True)
        try:
            payment = CentralPayment(line_id=line_id, on=on, amount_pence=amount_pence, reference=reference,
                                     by=principal.login)
        except ValidationError as exc:
            raise InvalidInput.from_validation_error("Central payment", exc) from None

        def change(b: BudgetYear) -> BudgetYear:
            if not any(line.id == line_id for line in b.lines):
                raise InvalidInput("Central payment", [FieldProblem("line_id", f"no budget line {line_id} in {financial_year}")])
            return b.model_copy(update={"central_payments": [*b.central_payments, payment]})

        self._change(principal, financial_year, "budget.central_payment",
                     {"line_id": line_id, "amount_pence": amount_pence}, change, expected_revision)
        return payment

    # --- the grant count ----------------------------------------------------------------------

    def grant_count(self, principal: Principal, financial_year: str) -> GrantCount:
        """Who the grant of a financial year counts, child by child with the reason, by the council's count
        rule (:mod:`~pep_tui_plugins.pupil_premium.grant_count`; the DfE rule by default). Every child in
        the principal's scope is listed; a count set by hand on the budget year is reported beside it."""
        from pep_tui_plugins.pupil_premium.grant_count import CountRule, decide

        require(self.ctx.registry, principal, Capability.VIEW_REPORTS)
        try:
            period = Period.financial(financial_year)
        except ValueError as exc:
            raise InvalidInput("Grant count", [FieldProblem("financial_year", str(exc))]) from None
        rule = CountRule.for_year(period.start_year, self.pp.settings)
        rows: list[CountedRow] = []
        for summary in self.pp.services.children.list(principal, with_facts=True, include_closed=True):
            facts = facts_of(summary)
            person: Countable | None = None
            if facts is not None:
                try:
                    person = CountedChild.from_facts(facts)
                except (KeyError, TypeError, ValueError):
                    person = None
            if person is None:
                person = self.pp.services.children.record(principal, summary["child_id"]).child
            decision = decide(person, rule)
            rows.append(CountedRow(summary["child_id"], summary.get("name") or "", person.date_of_birth,
                                   decision.counted, decision.reason))
        rows.sort(key=lambda r: (not r.counted, r.name, r.child_id))
        budget, _doc = self._read(period.label)
        return GrantCount(period.label, rule.describe(), rows, budget.children_counted)

    # --- the ledger ---------------------------------------------------------------------------

    def ledger(self, principal: Principal, period: Period, detail: bool = False) -> Ledger:
        """The ledger of a financial or academic year over the children in the principal's scope.

        Built from the index: every child in scope is counted for the grant, and each child's
        allocations and payments come from the PP+ facts in their summary, so no child's file is
        opened (except a child whose summary has no PP+ facts yet). Allocations and payments built
        that way carry no intervention or payment reference; with ``detail`` (the CSV export) the
        children with PP+ money in the period are opened so that they do.
        """
        require(self.ctx.registry, principal, Capability.VIEW_REPORTS)
        children = self.pp.services.children
        records = []
        counted: list[Countable] = []
        school_names: dict[str, str] = {}
        allocations: list[Allocation] = []
        payments: list[PaymentEntry] = []
        for summary in children.list(principal, with_facts=True, include_closed=True):
            urn = summary.get("school_urn")
            if urn and urn not in school_names:
                school_names[urn] = summary.get("school_name") or urn
            facts = facts_of(summary)
            if facts is not None:
                try:
                    person = CountedChild.from_facts(facts)
                    entries = entries_of(summary, facts)
                except (KeyError, TypeError, ValueError):  # facts of an unexpected shape: read the record
                    facts = None
                else:
                    counted.append(person)
                    if not detail:
                        allocations += entries[0]
                        payments += entries[1]
                        continue
                    if not has_money_in(facts, period):
                        continue
            record = children.record_or_skip(principal, summary["child_id"])
            if record is None:
                continue  # the file does not parse: named by the caller from store.unreadable
            records.append((record.child, record.peps))
            if facts is None:
                counted.append(record.child)
        years = {period.start_year, period.start_year + 1} if period.kind == "ay" else {period.start_year}
        budgets = {}
        for start in years:
            label = Period("fy", start).label
            budgets[label] = self._read(label)[0]
        return build_ledger(period, records, budgets, self.pp.settings, self.ctx.settings.policy.pp_rates,
                            counted=counted, school_names=school_names, entries=(allocations, payments))

    def ledger_csv(self, principal: Principal, period: Period) -> str:
        """The ledger as CSV: one row per grant part, top-slice line, allocation and payment, then totals.
        Amounts in pence and in pounds. Needs ``EXPORT_DATA`` (it names children)."""
        require(self.ctx.registry, principal, Capability.EXPORT_DATA)
        ledger = self.ledger(principal, period, detail=True)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["period", "row", "date", "child_id", "child", "school_urn", "reference", "category",
                         "amount_pence", "amount"])

        def row(kind: str, day: date | None, child_id: str = "", child: str = "", school: str | None = "",
                reference: str = "", category: str = "", pence: int = 0) -> None:
            writer.writerow([period.title, kind, day.isoformat() if day else "", child_id, _cell(child), school or "",
                             _cell(reference), category, pence, format_pence(pence)])

        for grant in ledger.grants:
            row("grant", None, reference=f"FY {grant.financial_year}: {grant.children_counted} children x "
                f"{format_pence(grant.rate_pence)}", category="pp_plus", pence=grant.pp_plus_pence)
            if grant.eypp_pence:
                row("grant", None, reference=f"FY {grant.financial_year}: EYPP", category="eypp", pence=grant.eypp_pence)
            if grant.post16_pence:
                row("grant", None, reference=f"FY {grant.financial_year}: post-16", category="post16", pence=grant.post16_pence)
            if grant.adjustments_pence:
                row("adjustment", None, reference=f"FY {grant.financial_year}", pence=grant.adjustments_pence)
        for line in ledger.top_slice_lines:
            row("top_slice", None, reference=line.name, pence=line.budget_pence)
            if line.spent_pence:
                row("central_spend", None, reference=line.name, pence=line.spent_pence)
        for a in ledger.allocations:
            row("allocation", a.on, a.child_id, a.child_name, a.school_urn, a.request_id or "termly base payment",
                a.eef_category or "base", a.amount_pence)
        for p in ledger.payments:
            row("payment", p.on, p.child_id, p.child_name, p.school_urn, p.reference, p.kind, p.amount_pence)
        for name, pence in [("total_grant", ledger.grant_pence), ("total_top_slice", ledger.top_slice_pence),
                            ("total_allocated", ledger.allocated_pence), ("total_unallocated", ledger.unallocated_pence),
                            ("total_paid", ledger.paid_pence), ("total_central_spend", ledger.central_paid_pence),
                            ("total_committed", ledger.committed_pence),
                            ("held_at_year_end", ledger.held_centrally_pence)]:
            row(name, period.end, pence=pence)
        return out.getvalue()


def _cell(text: str) -> str:
    """A CSV cell that a spreadsheet will not run as a formula, control characters shown visibly."""
    from pep_tui.services.report_render import safe_cell

    return safe_cell(text)
