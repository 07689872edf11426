"""The queue, the ledger and the budget dashboard read the index, not every child's file: the same
answers as reading every child, fresh after every change, and correct for summaries without PP+ facts."""

from __future__ import annotations

from datetime import date

import pytest

from pep_tui.domain import PEPStatus
from pep_tui.plugins.api import SummaryField, summary_value
from pep_tui.services.peps import EDITABLE_STATUSES
from pep_tui_plugins.pupil_premium.ledger import build_ledger
from pep_tui_plugins.pupil_premium.money import Period
from pep_tui_plugins.pupil_premium.service import PupilPremiumService
from pep_tui_plugins.pupil_premium.summary import facts_of

PERIODS = [Period.financial("2025-26"), Period.academic("2025-26"), Period.financial("2026-27"),
           Period.academic("2024-25")]


@pytest.fixture
def reads(cohort, monkeypatch) -> list[str]:
    """The ids of the child files read, in order (cleared by the test when it needs a fresh count)."""
    seen: list[str] = []
    original = cohort.store.read_child_docs

    def counted(child_id: str):
        seen.append(child_id)
        return original(child_id)

    monkeypatch.setattr(cohort.store, "read_child_docs", counted)
    return seen


def full_scan_queue(cohort, pp: PupilPremiumService, principal) -> list[tuple[str, str]]:
    """The queue worked out the slow way: every child opened."""
    out = []
    for summary in cohort.children.list(principal):
        record = cohort.children.record(principal, summary["child_id"])
        writing = {p.id for p in record.peps if p.status in EDITABLE_STATUSES}
        out += [(v.child_id, v.request.id) for v in pp._views(record) if v.status.open and v.pep_id not in writing]
    return sorted(out)


def shape(ledger) -> tuple:
    """Everything a reader of the ledger sees, except free text that only the CSV carries."""
    rows = [[(r.key, r.name, r.allocated_pence, r.paid_pence, r.committed_pence, r.requests) for r in rows]
            for rows in (ledger.per_child, ledger.per_school)]
    return (ledger.grant_pence, ledger.top_slice_pence, ledger.allocated_pence, ledger.unallocated_pence,
            ledger.paid_pence, ledger.committed_pence, ledger.held_centrally_pence, ledger.warnings,
            sorted((a.key, a.on, a.amount_pence, a.eef_category, a.outcome, a.school_urn) for a in ledger.allocations),
            sorted((p.key, p.on, p.amount_pence, p.school_urn) for p in ledger.payments),
            ledger.outstanding, *rows, ledger.spend_by_category(), ledger.spend_by_outcome())


def ledger_from_every_record(cohort, pp: PupilPremiumService, principal, period: Period):
    records = [(r.child, r.peps) for r in (cohort.children.record(principal, s["child_id"])
                                            for s in cohort.children.list(principal))]
    budgets = {Period("fy", y).label: pp.budget.year(principal, Period("fy", y).label)[0]
               for y in {period.start_year, period.start_year + 1}}
    return build_ledger(period, records, budgets, pp.settings, cohort.ctx.settings.policy.pp_rates)


def test_every_summary_carries_the_pp_facts(cohort):
    summaries = cohort.store.summaries(with_facts=True)
    assert summaries and all(facts_of(s) is not None for s in summaries.values())
    assert any(facts_of(s)["open"] for s in summaries.values())
    assert any(facts_of(s)["alloc"] for s in summaries.values())


def test_the_queue_opens_only_children_with_open_requests(cohort, pp, as_login, reads):
    vs = as_login("vs.head")
    expected = full_scan_queue(cohort, pp, vs)
    assert expected, "the sample cohort should have requests awaiting a decision"
    reads.clear()
    queue = pp.queue(vs)
    assert sorted((v.child_id, v.request.id) for v in queue) == expected
    assert set(reads) == {child_id for child_id, _ in expected}
    assert len(reads) < len(cohort.children.list(vs))


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.title)
def test_the_ledger_from_the_index_is_the_ledger_from_every_record(cohort, pp, as_login, reads, period):
    vs = as_login("vs.head")
    slow = ledger_from_every_record(cohort, pp, vs, period)
    reads.clear()
    fast = pp.budget.ledger(vs, period)
    assert reads == []  # the budget dashboard opens no child's file
    assert shape(fast) == shape(slow)
    detailed = pp.budget.ledger(vs, period, detail=True)  # the CSV export: only children with money in it
    assert shape(detailed) == shape(slow)
    with_money = {a.child_id for a in slow.allocations} | {p.child_id for p in slow.payments}
    assert set(reads) == with_money


def test_the_index_is_fresh_after_every_change_the_queue_and_ledger_depend_on(cohort, pp, setup, as_login, reads):
    vs, dt = as_login("vs.head"), as_login("dt.larkspur")
    fy = Period.financial("2025-26")
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    saved, request = pp.add_request(dt, child_id, pep.id, setup.request_data(targets, amount="400.00"), pep.revision)
    assert request.id not in {v.request.id for v in pp.queue(vs)}  # still being written
    setup.set_status(child_id, pep.id, PEPStatus.SUBMITTED)
    assert request.id in {v.request.id for v in pp.queue(vs)}
    setup.set_status(child_id, pep.id, PEPStatus.RETURNED)  # sent back: a draft again
    assert request.id not in {v.request.id for v in pp.queue(vs)}
    setup.set_status(child_id, pep.id, PEPStatus.SUBMITTED)
    pp.decide(vs, child_id, pep.id, request.id, "refer", reason="For the panel")
    setup.set_status(child_id, pep.id, PEPStatus.RETURNED)  # referred, then the PEP sent back: not decidable
    assert request.id not in {v.request.id for v in pp.queue(vs)}
    setup.set_status(child_id, pep.id, PEPStatus.SUBMITTED)
    assert request.id in {v.request.id for v in pp.queue(vs)}
    before = pp.budget.ledger(vs, fy)
    pp.decide(vs, child_id, pep.id, request.id, "approve", on=date(2026, 2, 10))
    assert request.id not in {v.request.id for v in pp.queue(vs)}
    after = pp.budget.ledger(vs, fy)
    assert after.allocated_pence - before.allocated_pence == 40_000
    pp.record_payment(vs, child_id, pep.id, request.id, date(2026, 3, 31), 25_000, "INV-1")
    paid = pp.budget.ledger(vs, fy)
    assert paid.paid_pence - after.paid_pence == 25_000
    assert paid.outstanding[(pep.id, request.id)] == 15_000
    reads.clear()
    assert shape(pp.budget.ledger(vs, fy)) == shape(ledger_from_every_record(cohort, pp, vs, fy))


def test_summaries_without_pp_facts_are_read_from_the_records(cohort, pp, as_login, reads):
    """A store indexed before the plugin's facts existed (or where computing them failed) still gives
    the right queue and ledger: those children are opened."""
    vs = as_login("vs.head")
    fy = Period.financial("2025-26")
    expected_queue = full_scan_queue(cohort, pp, vs)
    expected_ledger = shape(ledger_from_every_record(cohort, pp, vs, fy))
    state = cohort.store.facts_index.read()
    stripped = {cid: {k: v for k, v in s.items() if k != "plugins"} for cid, s in state.summaries.items()}
    cohort.store.facts_index.write_base(stripped, cohort.store.summary_stamp())  # the same stamp: no refresh
    assert all(summary_value(s, "pupil_premium") is None for s in cohort.store.summaries(with_facts=True).values())
    reads.clear()
    assert sorted((v.child_id, v.request.id) for v in pp.queue(vs)) == expected_queue
    assert shape(pp.budget.ledger(vs, fy)) == expected_ledger
    assert len(set(reads)) == len(cohort.children.list(vs))


def test_a_failing_summary_never_stops_a_decision(cohort, pp, pending_request, as_login, monkeypatch):
    vs = as_login("vs.head")
    child_id, pep_id, request_id = pending_request(amount="800.00")

    def broken(child, peps):
        raise RuntimeError("broken")

    monkeypatch.setitem(cohort.registry.summary_fields, "pupil_premium", SummaryField(name="pupil_premium", compute=broken))
    decision = pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 2, 10))
    assert decision.approved_pence == 80_000
    assert facts_of(cohort.store.facts()[child_id]) is None
    assert "RuntimeError" in cohort.registry.summary_errors["pupil_premium"]
    ledger = pp.budget.ledger(vs, Period.financial("2025-26"))
    assert any(a.request_id == request_id and a.amount_pence == 80_000 for a in ledger.allocations)


def test_a_corrected_pep_does_not_count_its_money_twice(cohort, pp, pending_request, setup, as_login):
    vs = as_login("vs.head")
    fy = Period.financial("2025-26")
    child_id, pep_id, request_id = pending_request(amount="800.00")
    pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 2, 10))
    pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 2, 20), 30_000, "INV-2")
    pep = setup.set_status(child_id, pep_id, PEPStatus.APPROVED)
    before = pp.budget.ledger(vs, fy)
    correction = cohort.workflow.correct(vs, child_id, pep_id, "Wrong attendance figure", pep.revision)
    for ledger in (pp.budget.ledger(vs, fy), pp.budget.ledger(vs, fy, detail=True)):
        assert ledger.allocated_pence == before.allocated_pence
        assert ledger.paid_pence == before.paid_pence
        mine = [a for a in ledger.allocations if a.request_id == request_id]
        assert len(mine) == 1 and mine[0].pep_id == correction.id
        assert ledger.outstanding[(correction.id, request_id)] == 50_000
    assert shape(pp.budget.ledger(vs, fy)) == shape(ledger_from_every_record(cohort, pp, vs, fy))


def test_academic_year_boundary_31_august_and_1_september_from_the_index(cohort, pp, pending_request, as_login, reads):
    vs = as_login("vs.head")
    child_id, pep_id, request_id = pending_request(amount="800.00")
    pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 3, 1))
    pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 8, 31), 30_000, "INV-A")
    pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 9, 1), 50_000, "INV-B")
    for detail in (False, True):
        ay25 = pp.budget.ledger(vs, Period.academic("2025-26"), detail=detail)
        ay26 = pp.budget.ledger(vs, Period.academic("2026-27"), detail=detail)
        assert [p.amount_pence for p in ay25.payments if p.request_id == request_id] == [30_000]
        assert [p.amount_pence for p in ay26.payments if p.request_id == request_id] == [50_000]
        assert ay25.outstanding[(pep_id, request_id)] == 50_000  # unpaid on 31 August
        assert child_id in {p.child_id for p in ay26.payments}
