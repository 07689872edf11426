"""The alternative-provision plugin's own tests, written with pep-tui's fixtures (pep_tui.testing)."""

from __future__ import annotations

import pytest
from pep_tui_ap.checks import PLACEMENT, PROGRESS
from pep_tui_ap.models import APPlacement, ProviderType
from pep_tui_ap.overview import children_in_ap

from pep_tui.domain import TermRef
from pep_tui.plugins.api import Severity
from pep_tui.services import InvalidInput, PermissionDenied


def _in_ap(summary) -> bool:
    return not summary["on_roll"] and 1 <= summary["year_group"] <= 11


def _latest_pep(services, principal, child_id):
    return services.peps.history(principal, child_id)[-1]


def test_the_plugin_loads_through_its_entry_point(pep_plugins) -> None:
    record = pep_plugins.records["alternative_provision"]
    assert record.error is None, record.error
    assert record.api_version == "1.0"
    assert record.sections == [PLACEMENT, PROGRESS]
    assert record.validators == ["ap.full_time_education", "ap.provider_checks"]
    assert record.views == ["ap.overview"]


def test_the_sections_appear_only_for_children_not_on_a_school_roll(pep_services, pep_principal, pep_child) -> None:
    vs = pep_principal("virtual_school")
    in_ap = pep_child(_in_ap)
    on_roll = pep_child(lambda s: s["on_roll"] and s["stage"] == "ks3")
    ap_pep = _latest_pep(pep_services, vs, in_ap)
    record = pep_services.children.record(vs, in_ap)
    ids = [s.spec.id for s in pep_services.peps.visible_sections(vs, record, ap_pep)]
    assert PLACEMENT in ids and PROGRESS in ids
    record = pep_services.children.record(vs, on_roll)
    ids = [s.spec.id for s in pep_services.peps.visible_sections(vs, record, record.peps[-1])]
    assert PLACEMENT not in ids and PROGRESS not in ids


def test_sample_data_fills_both_sections_without_blocking_errors(pep_services, pep_principal, pep_validate) -> None:
    vs = pep_principal("virtual_school")
    ap_children = [s["child_id"] for s in pep_services.children.list(vs) if _in_ap(s)]
    filled = []
    for child_id in ap_children:
        for pep in pep_services.peps.history(vs, child_id):
            if pep.section(PLACEMENT) and pep.section(PROGRESS):
                filled.append(pep)
                assert APPlacement.model_validate(pep.section(PLACEMENT)).provider_name.endswith("(fictional)")
            ours = [f for f in pep_validate(child_id, pep.id) if (f.validator_id or "").startswith("ap.")]
            assert not [f for f in ours if f.severity is Severity.ERROR], ours
    assert len(filled) >= len(ap_children) > 0


def test_a_part_time_timetable_without_a_reason_is_flagged(pep_child, pep_validate) -> None:
    child_id = pep_child(_in_ap)
    part_time = APPlacement(provider_name="Kiln Lane Workshop (fictional)", provider_type=ProviderType.TUITION,
                            hours_per_week=10, part_time_reason="")
    findings = pep_validate(child_id, sections={PLACEMENT: part_time})
    flagged = [f for f in findings if f.validator_id == "ap.full_time_education" and f.field == "part_time_reason"]
    assert flagged and flagged[0].severity is Severity.WARNING and "10 hours a week" in flagged[0].message
    with_reason = part_time.model_copy(update={"part_time_reason": "Phased return after illness"})
    findings = pep_validate(child_id, sections={PLACEMENT: with_reason})
    assert not [f for f in findings if f.field == "part_time_reason"]


def test_an_unchecked_unregistered_provider_blocks_submission(pep_child, pep_validate) -> None:
    child_id = pep_child(_in_ap)
    unchecked = APPlacement(provider_name="Kiln Lane Workshop (fictional)", provider_type=ProviderType.UNREGISTERED,
                            hours_per_week=25, safeguarding_checked=False)
    errors = [f for f in pep_validate(child_id, sections={PLACEMENT: unchecked}) if f.severity is Severity.ERROR]
    assert [(f.section_id, f.field) for f in errors if f.validator_id == "ap.provider_checks"] == [
        (PLACEMENT, "safeguarding_checked")
    ]
    checked = unchecked.model_copy(update={"safeguarding_checked": True})
    assert not [f for f in pep_validate(child_id, sections={PLACEMENT: checked})
                if f.validator_id == "ap.provider_checks" and f.severity is Severity.ERROR]


def test_the_virtual_school_saves_the_placement_and_bad_hours_are_refused(pep_services, pep_principal, pep_child) -> None:
    vs = pep_principal("virtual_school")
    child_id = pep_child(_in_ap)
    next_term = TermRef.containing(pep_services.ctx.today()).next()
    pep = pep_services.peps.start(vs, child_id, term=next_term)
    with pytest.raises(InvalidInput) as refused:
        pep_services.peps.save_section(vs, child_id, pep.id, PLACEMENT, {"hours_per_week": 50}, pep.revision)
    assert "hours_per_week" in str(refused.value) or "Hours" in str(refused.value)
    saved = pep_services.peps.save_section(vs, child_id, pep.id, PLACEMENT,
                                           {"provider_name": "Saltmarsh AP Academy (fictional)", "hours_per_week": 25},
                                           pep.revision)
    assert saved.section(PLACEMENT)["hours_per_week"] == 25
    assert pep_services.store.load_child(child_id).pep(pep.id).section(PLACEMENT)["provider_name"].startswith("Saltmarsh")


def test_a_designated_teacher_cannot_edit_the_placement(pep_services, pep_principal, pep_child) -> None:
    child_id = pep_child(_in_ap)
    vs = pep_principal("virtual_school")
    pep = _latest_pep(pep_services, vs, child_id)
    dt = pep_principal("designated_teacher")
    with pytest.raises(PermissionDenied):
        pep_services.peps.save_section(dt, child_id, pep.id, PLACEMENT, {"hours_per_week": 25}, 1)


def test_the_overview_lists_children_in_ap_within_the_principals_scope(pep_services, pep_principal) -> None:
    vs_rows = children_in_ap(pep_services, pep_principal("virtual_school"))
    everyone = [s for s in pep_services.children.list(pep_principal("virtual_school")) if _in_ap(s)]
    assert {r.child_id for r in vs_rows} == {s["child_id"] for s in everyone} != set()
    recorded = [r for r in vs_rows if r.provider]
    assert recorded and all(r.provider.endswith("(fictional)") for r in recorded)
    sw = pep_principal("social_worker", child_id=vs_rows[0].child_id)
    sw_rows = children_in_ap(pep_services, sw)
    assert vs_rows[0].child_id in {r.child_id for r in sw_rows}
    assert {r.child_id for r in sw_rows} <= {r.child_id for r in vs_rows}


async def test_the_view_opens_in_the_app(pep_app, pep_services, pep_principal, pep_child) -> None:
    pytest.importorskip("textual")
    from pep_tui_ap.views import APOverviewScreen
    from textual.widgets import DataTable

    vs = pep_principal("virtual_school")
    async with pep_app(role="virtual_school") as pilot:
        app = pilot.app
        assert "ap.overview" in [v.id for v in app.views_for_role()]
        app.open_view(pep_services.registry.views["ap.overview"])
        await pilot.pause()
        assert isinstance(app.screen, APOverviewScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(children_in_ap(pep_services, vs)) > 0
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, APOverviewScreen)
    child_id = pep_child(_in_ap)
    async with pep_app(child_id, role="virtual_school") as pilot:
        assert getattr(pilot.app.screen, "child_id", None) == child_id
