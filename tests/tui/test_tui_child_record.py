"""The child record screen: facts and allocations with history; moves and leaving care by keyboard at 80x24."""

from __future__ import annotations

import pytest
from conftest import screen_text
from tui_helpers import type_text

from pep_tui.domain.care import AllocationKind, history
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.services.care_rules import ChildClosed
from pep_tui.tui.screens.child import ChildScreen
from pep_tui.tui.screens.child_record import ChildRecordScreen, FieldsDialog


def _caseload_child(services, login: str = "sw.amara") -> dict:
    summaries = services.children.list(services.principal_for(login))
    return next(s for s in summaries if s["school_urn"] and s["on_roll"])


def _other_school(services, urn: str) -> str:
    return next(s["school_urn"] for s in services.children.list(services.principal_for("vs.head"))
                if s["school_urn"] and s["school_urn"] != urn)


async def _open_record(app, pilot, child_id: str) -> ChildRecordScreen:
    app.open_child(child_id)
    await pilot.pause()
    assert isinstance(app.screen, ChildScreen)
    await pilot.press("i")
    await pilot.pause()
    assert isinstance(app.screen, ChildRecordScreen)
    return app.screen


async def _fill(pilot, *values: str | None) -> None:
    """Type into each box of the form in turn (``None``: leave as it is), then ctrl+s."""
    app = pilot.app
    assert isinstance(app.screen, FieldsDialog)
    for index, value in enumerate(values):
        if value is not None:
            box = app.focused
            box.value = ""
            await type_text(pilot, value)
        if index < len(values) - 1:
            await pilot.press("tab")
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_a_social_worker_records_a_school_move_a_placement_move_and_leaving_care_by_keyboard(make_app, tui_store):
    services = tui_store.services
    summary = _caseload_child(services)
    child_id, old_urn = summary["child_id"], summary["school_urn"]
    new_urn = _other_school(services, old_urn)
    app = make_app("sw.amara")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_record(app, pilot, child_id)
        text = screen_text(app)
        assert "Allocations" in text and "Social worker" in text and "sw.amara" in text

        await pilot.press("m")  # school move: URN, name, date
        await _fill(pilot, new_urn, "Brookside Academy (fictional)", SAMPLE_TODAY.isoformat())
        assert isinstance(app.screen, ChildRecordScreen)
        child = services.children.get(services.principal_for("vs.head"), child_id)
        assert child.school_urn == new_urn and child.school_moves[-1].to_urn == new_urn
        assert [a.value for _s, _u, a in history(child, AllocationKind.SCHOOL)][-2:] == [[old_urn], [new_urn]]
        assert new_urn in screen_text(app)

        await pilot.press("l")  # placement move: placement, carers, date
        await _fill(pilot, "Kinship care", "carer.02, carer.03", None)
        child = services.children.get(services.principal_for("vs.head"), child_id)
        assert child.carers == ["carer.02", "carer.03"] and SAMPLE_TODAY in child.placement_moves
        assert child_id in {s["child_id"] for s in services.children.list(services.principal_for("carer.03"))}

        await pilot.press("c")  # left care: date, reason
        await _fill(pilot, None, "adopted")
        child = services.children.get(services.principal_for("vs.head"), child_id)
        assert child.left_care_on == SAMPLE_TODAY and child.left_care_reason == "adopted"
        assert "LEFT CARE" in screen_text(app)
        assert app.screen.check_action("move_school", ()) is False and app.screen.check_action("reopen", ()) is True
    pep_id = summary["current_pep_id"] or summary["latest_pep_id"]
    assert pep_id is not None
    with pytest.raises(ChildClosed):  # left care: the PEPs are read-only
        services.peps.save_section(services.principal_for("vs.head"), child_id, pep_id, "tuitest.home", {}, 1)


async def test_a_refusal_is_shown_in_the_form_keeping_what_was_typed(make_app, tui_store):
    services = tui_store.services
    child_id = _caseload_child(services)["child_id"]
    app = make_app("sw.amara")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_record(app, pilot, child_id)
        before = services.store.load_child(child_id).child.revision
        await pilot.press("o")  # allocate: social worker, carers, IRO, DT, from
        await _fill(pilot, "sw.nobody", None, None, None, None)
        assert isinstance(app.screen, FieldsDialog)
        text = screen_text(app)
        assert "'sw.nobody' is not an active pep-tui login" in text and "sw.nobody" in app.screen.values()["social_worker"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChildRecordScreen)
        assert services.store.load_child(child_id).child.revision == before


async def test_a_designated_teacher_sees_the_record_but_no_key_that_changes_it(make_app, tui_store):
    services = tui_store.services
    summary = _caseload_child(services)
    dt = next(m.login for m in services.store.list_staff()
              if "designated_teacher" in m.roles and summary["school_urn"] in m.scope.school_urns)
    app = make_app(dt)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_record(app, pilot, summary["child_id"])
        for action in ("edit", "allocate", "move_school", "move_placement", "close_record", "grant_family"):
            assert screen.check_action(action, ()) is False, action
        before = services.store.load_child(summary["child_id"]).child
        await pilot.press("m", "o", "c", "e")
        await pilot.pause()
        assert isinstance(app.screen, ChildRecordScreen)  # no form opened
        assert services.store.load_child(summary["child_id"]).child == before
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "School move" not in titles


async def test_the_child_record_is_in_the_command_palette_of_the_child_screen(make_app, tui_store):
    services = tui_store.services
    child_id = _caseload_child(services)["child_id"]
    app = make_app("sw.amara")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_child(child_id)
        await pilot.pause()
        from pep_tui.tui.commands import screen_commands

        entries = {c.title: c for c in screen_commands(app, app.screen)}
        assert "Child record" in entries
        await entries["Child record"].callback()
        await pilot.pause()
        assert isinstance(app.screen, ChildRecordScreen)
