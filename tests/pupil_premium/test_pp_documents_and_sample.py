"""Plugin documents keep the store's guarantees; the sample year of PP+ reconciles and is deterministic;
impact is recorded at the next PEP; settings come from the data folder's settings.toml."""

from __future__ import annotations

import os
from datetime import date

import pytest

from pep_tui.domain import PEPStatus
from pep_tui.sample import build_cohort
from pep_tui.settings import Settings, SettingsError
from pep_tui.store import Conflict, StoreCorrupt
from pep_tui.store.plugin_documents import PluginDocuments
from pep_tui_plugins.pupil_premium.config import load_pupil_premium_settings
from pep_tui_plugins.pupil_premium.models import REQUESTS_SECTION
from pep_tui_plugins.pupil_premium.money import Period, format_pence, parse_pounds
from pep_tui_plugins.pupil_premium.service import funding_of, requests_in


def test_plugin_documents_refuse_stale_saves_and_audit_each_change(make_store):
    store = make_store("live").services.store
    docs = PluginDocuments(store, "pupil_premium")
    assert docs.read("budget-2025-26").revision == 0
    first = docs.save("budget-2025-26", {"a": 1}, 0, "vs.head", "virtual_school", action="budget.save")
    assert first.revision == 1 and docs.read("budget-2025-26").data == {"a": 1}
    with pytest.raises(Conflict, match="vs.head"):
        docs.save("budget-2025-26", {"a": 2}, 0, "vs.adviser", "virtual_school")
    assert docs.read("budget-2025-26").data == {"a": 1}
    events = [e for e in store.audit.events() if e.action == "pupil_premium.budget.save"]
    assert events and events[-1].detail["document"] == "pupil_premium/budget-2025-26"
    path = docs.folder / "budget-2025-26.json"
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_a_refused_change_writes_nothing(make_store):
    docs = PluginDocuments(make_store("live").services.store, "pupil_premium")
    docs.save("x", {"n": 1}, 0, "a", "virtual_school")

    def refuse(_data):
        raise ValueError("no")

    with pytest.raises(ValueError):
        docs.update("x", refuse, "a", "virtual_school")
    assert docs.read("x").revision == 1


def test_a_corrupt_document_is_never_overwritten(make_store):
    docs = PluginDocuments(make_store("live").services.store, "pupil_premium")
    docs.save("x", {"n": 1}, 0, "a", "virtual_school")
    path = docs.folder / "x.json"
    path.write_bytes(b"{torn")
    with pytest.raises(StoreCorrupt):
        docs.update("x", lambda d: d, "a", "virtual_school")
    assert path.read_bytes() == b"{torn"


def test_document_names_cannot_escape_the_folder(make_store):
    docs = PluginDocuments(make_store("live").services.store, "pupil_premium")
    with pytest.raises(Exception, match="no document"):
        docs.read("../../store")


def test_money_is_pence_never_float():
    assert parse_pounds("£1,500") == 150_000
    assert parse_pounds("0.10") + parse_pounds("0.20") == parse_pounds("0.30")
    assert format_pence(-2_630) == "-£26.30"
    with pytest.raises(ValueError):
        parse_pounds("12.345")
    assert date(2026, 3, 31) in Period.financial("2025-26") and date(2026, 4, 1) not in Period.financial("2025-26")
    assert date(2026, 8, 31) in Period.academic("2025-26") and date(2026, 9, 1) not in Period.academic("2025-26")


def test_sample_year_reconciles_and_links_requests_to_the_peps_own_targets(cohort, pp, as_login):
    vs = as_login("vs.head")
    requests = decided = paid = 0
    for summary in cohort.children.list(vs):
        for pep in cohort.store.load_child(summary["child_id"]).peps:
            ids = {t.id for t in pep.targets}
            for request in requests_in(pep):
                requests += 1
                assert set(request.target_ids) <= ids
            funding = funding_of(pep)
            decided += len(funding.decisions)
            paid += len(funding.payments)
            for decision in funding.decisions.values():
                got = sum(p.amount_pence for p in funding.payments if p.request_id == decision.request_id)
                assert got <= decision.approved_pence
    if "shared.targets" in cohort.registry.sections:
        assert requests > 10 and decided > 5 and paid > 5
    assert pp.queue(vs), "the training cohort should leave requests for the Virtual School to decide"
    for period in (Period.financial("2025-26"), Period.academic("2025-26"), Period.academic("2024-25")):
        ledger = pp.budget.ledger(vs, period)
        assert ledger.reconciles()
        assert not any("exceed the budget" in w for w in ledger.warnings)
    fy = pp.budget.ledger(vs, Period.financial("2025-26"))
    assert fy.top_slice_pence > 0 and fy.central_paid_pence > 0


def test_sample_funding_is_deterministic(registry, cohort):
    policy = cohort.ctx.settings.policy
    a = build_cohort(registry, policy, children=20, seed=7)
    b = build_cohort(registry, policy, children=20, seed=7)
    dump = lambda c: [[p.model_dump(include={"sections", "plugin_data"}) for p in c.peps[k]] for k in sorted(c.peps)]  # noqa: E731
    assert dump(a) == dump(b)


def test_impact_is_recorded_at_the_next_pep_against_the_funded_request(cohort, pp, setup, pending_request, as_login):
    vs = as_login("vs.head")
    child_id, pep_id, request_id = pending_request()
    pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 2, 10))
    setup.set_status(child_id, pep_id, PEPStatus.APPROVED)
    nxt = cohort.peps.start(vs, child_id, term=cohort.store.load_child(child_id).pep(pep_id).term_ref.next())
    waiting = pp.funded_for_review(vs, child_id, nxt.id)
    assert request_id in [v.request.id for v in waiting]
    findings = cohort.peps.validate(vs, child_id, nxt.id)
    assert any(f.criterion == "Q7" and "impact" in f.message for f in findings)
    review = pp.record_impact(vs, child_id, nxt.id, request_id, "partly_met", "Reading age up 4 months")
    assert review.request_pep_id == pep_id
    findings = cohort.peps.validate(vs, child_id, nxt.id)
    assert not any(f.criterion == "Q7" and "impact" in f.message for f in findings)
    history = {v.request.id: v for v in pp.history(vs, child_id)}
    assert history[request_id].impact.outcome.value == "partly_met"
    from pep_tui_plugins.pupil_premium.money import Period as P

    ledger = pp.budget.ledger(vs, P.financial("2025-26"))
    assert ledger.spend_by_outcome().get("partly_met", 0) >= 80_000
    assert REQUESTS_SECTION in cohort.registry.sections


def test_settings_come_from_the_data_folders_file(tmp_path):
    (tmp_path / "settings.toml").write_text(
        "[pupil_premium]\ntermly_base_payment_pence = 60000\nrequest_bands_pence = [80000, 0, 40000]\n"
    )
    loaded = load_pupil_premium_settings(Settings(data_dir=tmp_path))
    assert loaded.termly_base_payment_pence == 60_000 and loaded.request_bands_pence == [0, 40_000, 80_000]
    assert loaded.rate_for("2025-26", Settings(data_dir=tmp_path).policy.pp_rates) == 263_000
    assert loaded.eypp_for("2024-25") == 38_760  # 570 hours x 68p, under the £388 cap
    (tmp_path / "settings.toml").write_text("[pupil_premium]\ntermly_base_payment_pence = -1\n")
    with pytest.raises(SettingsError, match="termly_base_payment_pence"):
        load_pupil_premium_settings(Settings(data_dir=tmp_path))
