"""The ledger: reconciles under every allocation model, in financial and academic years, with the
termly base payment gated on QA, the 31 March / 1 April boundary, and the overrun warning."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from pep_tui.domain import PEPStatus, QARating, TermRef, utcnow
from pep_tui.domain.school_year import Term
from pep_tui.services import PermissionDenied
from pep_tui.store import Conflict
from pep_tui_plugins.pupil_premium.config import PupilPremiumSettings
from pep_tui_plugins.pupil_premium.money import Period
from pep_tui_plugins.pupil_premium.service import PupilPremiumService, funding_of

MODELS = {
    "requests only": PupilPremiumSettings(),
    "termly base payment": PupilPremiumSettings(termly_base_payment_pence=60_000),
    "bands only": PupilPremiumSettings(request_bands_pence=[0, 40_000, 80_000, 150_000], free_amount_requests=False),
    "top-slice percent": PupilPremiumSettings(top_slice_percent=Decimal("12.5")),
    "combined": PupilPremiumSettings(
        termly_base_payment_pence=55_000, base_payment_min_rating="amber", request_bands_pence=[40_000, 80_000],
        top_slice_percent=Decimal("7"), exceptional_limit_pence=50_000, rates_pence={"2025-26": 263_001},
        eypp_hourly_rate_pence={"2025-26": 70}, eypp_annual_cap_pence={"2025-26": 39_000},
        post16_rate_pence={"2025-26": 90_000},
    ),
}


def assert_whole(ledger) -> None:
    """Every figure is integer pence and every total agrees with its parts."""
    figures = [ledger.grant_pence, ledger.top_slice_pence, ledger.allocated_pence, ledger.unallocated_pence,
               ledger.paid_pence, ledger.committed_pence, ledger.central_paid_pence, ledger.held_centrally_pence]
    assert all(type(x) is int for x in figures)
    assert all(type(a.amount_pence) is int for a in ledger.allocations)
    assert ledger.grant_pence == ledger.top_slice_pence + ledger.allocated_pence + ledger.unallocated_pence
    assert ledger.reconciles()
    assert sum(ledger.spend_by_category().values()) == ledger.allocated_pence


@pytest.mark.parametrize("model", list(MODELS))
def test_ledger_reconciles_under_every_allocation_model(cohort, pending_request, as_login, model):
    pp = PupilPremiumService(cohort, MODELS[model])
    vs, second = as_login("vs.adviser"), as_login("vs.head")
    if pp.settings.termly_base_payment_pence:
        result = pp.release_base_payments(vs, TermRef(2025, Term.AUTUMN), on=date(2025, 11, 20))
        assert result.released
    _budget, line = pp.budget.add_line(vs, "2025-26", "Tutoring programme", 500_000)
    pp.budget.record_central_payment(vs, "2025-26", line.id, date(2025, 10, 1), 120_000, "CEN-1")
    pp.budget.add_adjustment(vs, "2025-26", -26_300, "DfE correction: one child fewer")
    child_id, pep_id, request_id = pending_request(amount="800.00")
    pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 2, 10))
    if pp.settings.exceptional_limit_pence is not None and pp.settings.exceptional_limit_pence < 80_000:
        pp.decide(second, child_id, pep_id, request_id, "approve", on=date(2026, 2, 11))
    pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 2, 25), 30_000, "INV-9")
    for period in (Period.financial("2025-26"), Period.academic("2025-26"), Period.financial("2024-25"),
                   Period.academic("2024-25")):
        ledger = pp.budget.ledger(vs, period)
        assert_whole(ledger)
    fy = pp.budget.ledger(vs, Period.financial("2025-26"))
    assert any(a.request_id == request_id and a.amount_pence == 80_000 for a in fy.allocations)
    grant = fy.grants[0]
    assert grant.total_pence == grant.children_counted * grant.rate_pence + grant.eypp_pence + grant.post16_pence - 26_300
    rows = list(csv.DictReader(io.StringIO(pp.budget.ledger_csv(vs, Period.financial("2025-26")))))
    total = {r["row"]: int(r["amount_pence"]) for r in rows if r["row"].startswith("total_")}
    assert total["total_allocated"] == sum(int(r["amount_pence"]) for r in rows if r["row"] == "allocation")
    assert total["total_paid"] == sum(int(r["amount_pence"]) for r in rows if r["row"] == "payment")
    assert total["total_grant"] == total["total_top_slice"] + total["total_allocated"] + total["total_unallocated"]


def test_a_payment_on_31_march_and_one_on_1_april_fall_in_different_financial_years(pp, pending_request, as_login):
    vs = as_login("vs.head")
    child_id, pep_id, request_id = pending_request(amount="800.00")
    pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 3, 1))
    pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 3, 31), 30_000, "INV-A")
    pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 4, 1), 50_000, "INV-B")

    def mine(ledger):
        return sorted(p.amount_pence for p in ledger.payments if p.request_id == request_id)

    fy25, fy26 = pp.budget.ledger(vs, Period.financial("2025-26")), pp.budget.ledger(vs, Period.financial("2026-27"))
    ay25 = pp.budget.ledger(vs, Period.academic("2025-26"))
    assert mine(fy25) == [30_000]
    assert mine(fy26) == [50_000]
    assert mine(ay25) == [30_000, 50_000]
    # at 31 March £500 of the allocation was still unpaid (committed, held centrally); by 31 August none
    assert fy25.outstanding[(pep_id, request_id)] == 50_000
    assert fy25.committed_pence >= 50_000
    assert ay25.outstanding[(pep_id, request_id)] == 0


def test_overrun_warns_and_still_reconciles(pp, pending_request, as_login):
    vs = as_login("vs.head")
    pp.budget.set_children_counted(vs, "2025-26", 1)
    child_id, pep_id, request_id = pending_request(amount="800.00")
    pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 2, 10))
    ledger = pp.budget.ledger(vs, Period.financial("2025-26"))
    assert ledger.unallocated_pence < 0
    assert any("exceed the budget" in w for w in ledger.warnings)
    assert_whole(ledger)
    pp.budget.set_children_counted(vs, "2025-26", None)
    assert not any("exceed" in w for w in pp.budget.ledger(vs, Period.financial("2025-26")).warnings)


def test_termly_base_payment_only_for_pep_approved_at_the_threshold(cohort, setup, as_login):
    pp = PupilPremiumService(cohort, PupilPremiumSettings(termly_base_payment_pence=60_000))
    vs = as_login("vs.head")
    term = TermRef(2025, Term.SPRING)
    children = [s["child_id"] for s in cohort.children.list(vs)]
    with_pep = [c for c in children if any(p.term_ref == term for p in cohort.store.load_child(c).peps)]
    green, amber, submitted = with_pep[0], with_pep[1], with_pep[2]

    def rate(child_id: str, overall: str) -> None:
        pep = next(p for p in cohort.store.load_child(child_id).peps if p.term_ref == term)
        rating = QARating(overall=overall, by="vs.adviser", at=utcnow())
        setup.set_status(child_id, pep.id, PEPStatus.APPROVED, qa_ratings=[rating])

    rate(green, "green")
    rate(amber, "amber")
    pep = next(p for p in cohort.store.load_child(submitted).peps if p.term_ref == term)
    setup.set_status(submitted, pep.id, PEPStatus.SUBMITTED)
    result = pp.release_base_payments(vs, term, on=date(2026, 2, 9))
    released = {c for c, _, _ in result.released}
    reasons = {c: r for c, _, r in result.not_released}
    assert green in released
    assert amber not in released and "amber" in reasons[amber]
    assert submitted not in released and "submitted" in reasons[submitted]
    for child_id in released:
        pep = next(p for p in cohort.store.load_child(child_id).peps if p.term_ref == term)
        assert pep.status is PEPStatus.APPROVED and pep.qa_rating.overall == "green"
        assert funding_of(pep).base_payment.amount_pence == 60_000
    no_pep = [c for c in children if c not in with_pep]
    assert all("no PEP" in reasons[c] for c in no_pep)
    again = pp.release_base_payments(vs, term, on=date(2026, 2, 10))
    assert not again.released  # never twice for the same PEP
    ledger = pp.budget.ledger(vs, Period.financial("2025-26"))
    base = [a for a in ledger.allocations if a.kind == "base"]
    assert sum(a.amount_pence for a in base) == 60_000 * len(released)
    with pytest.raises(PermissionDenied):
        pp.release_base_payments(as_login("dt.larkspur"), term)


def test_budget_changes_are_the_virtual_schools_and_refuse_stale_revisions(pp, as_login):
    vs = as_login("vs.head")
    budget, revision = pp.budget.year(vs, "2025-26")
    pp.budget.add_line(vs, "2025-26", "Training", 100_000, expected_revision=revision)
    with pytest.raises(Conflict, match="vs.head"):
        pp.budget.add_line(vs, "2025-26", "Tutoring", 100_000, expected_revision=revision)
    with pytest.raises(PermissionDenied):
        pp.budget.add_line(as_login("dt.larkspur"), "2025-26", "Mine", 100)
    with pytest.raises(PermissionDenied):
        pp.budget.ledger(as_login("dt.larkspur"), Period.financial("2025-26"))


def test_a_base_payment_release_goes_on_past_a_pep_changed_meanwhile(cohort, setup, as_login, monkeypatch):
    pp = PupilPremiumService(cohort, PupilPremiumSettings(termly_base_payment_pence=60_000))
    vs = as_login("vs.head")
    term = TermRef(2025, Term.SPRING)
    with_pep = [s["child_id"] for s in cohort.children.list(vs)
                if any(p.term_ref == term for p in cohort.store.load_child(s["child_id"]).peps)][:2]
    for child_id in with_pep:
        pep = next(p for p in cohort.store.load_child(child_id).peps if p.term_ref == term)
        setup.set_status(child_id, pep.id, PEPStatus.APPROVED,
                         qa_ratings=[QARating(overall="green", by="vs.adviser", at=utcnow())])
    busy = with_pep[0]
    original = pp._save

    def save(principal, pep, funding, action, detail, expected_revision):
        if pep.child_id == busy:  # someone saves this PEP between the release reading and writing it
            fresh = cohort.store.load_child(busy).pep(pep.id)
            cohort.store.save_pep(fresh, fresh.revision, "dt.larkspur", "designated_teacher")
        return original(principal, pep, funding, action, detail, expected_revision)

    monkeypatch.setattr(pp, "_save", save)
    result = pp.release_base_payments(vs, term, on=date(2026, 2, 9))
    reasons = {c: r for c, _, r in result.not_released}
    assert "dt.larkspur" in reasons[busy] and "run the release again" in reasons[busy]
    assert with_pep[1] in {c for c, _, _ in result.released}
    monkeypatch.setattr(pp, "_save", original)
    again = pp.release_base_payments(vs, term, on=date(2026, 2, 10))
    assert [c for c, _, _ in again.released] == [busy]
