"""Regression tests from driving every role by keys at 80x24: crashes on stale widgets, lost keys,
self-conflicts, dates in the past, the reasons and the PP+ safety net."""

from __future__ import annotations

from tui_helpers import (
    burst,
    edit_field,
    editable_child,
    go_to_section,
    key_event,
    open_child_pep,
    stored,
    submitted,
    type_text,
)

from pep_tui.tui.screens.child import ChildScreen
from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.dialogs import PickDialog, ReasonDialog
from pep_tui.tui.screens.pep import PEPScreen
from pep_tui.tui.screens.qa import QARatingScreen


async def _switch_to_role_without(pilot, child_id: str) -> None:
    """ctrl+t, then pick (by keys) the first fictional staff member who cannot see the child."""
    app = pilot.app
    services = app.services
    await pilot.press("ctrl+t")
    await pilot.pause()
    assert isinstance(app.screen, PickDialog)
    index = next(i for i, (_label, (login, role)) in enumerate(app.screen.items)
                 if all(s["child_id"] != child_id for s in services.children.list(services.principal_for(login, role))))
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    for _ in range(4):
        await pilot.pause()


async def test_switching_role_from_the_child_and_pep_screens_does_not_crash(make_app, tui_store):
    """1: ctrl+t from the child or PEP screen with nothing unsaved lands on the new role's list."""
    services = tui_store.services
    app = make_app("dt.harbourside")
    summary = editable_child(services, app.principal)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_child_pep(pilot, summary)
        await _switch_to_role_without(pilot, summary["child_id"])
        assert isinstance(app.screen, ChildrenScreen)
        assert app.screen.is_attached and app.screen.filter_input.has_focus
        await type_text(pilot, app.screen.view.summary(0)["name"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChildScreen)
        await _switch_to_role_without(pilot, app.screen.child_id)
        assert isinstance(app.screen, ChildrenScreen)
        assert len(app.screen_stack) == 2
        assert app.return_code is None


async def test_a_burst_of_escapes_with_unsaved_edits_neither_crashes_nor_loses_them(make_app, tui_store):
    """2: Esc pressed ten times at once over unsaved edits: the app stays up and the edits stay."""
    services = tui_store.services
    app = make_app("dt.harbourside")
    summary = editable_child(services, app.principal)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, "tuitest.about")
        await edit_field(pilot, form, "summary", "Kept")
        for round_ in range(3):
            await burst(pilot, *["escape"] * (9 + round_))
        assert app.return_code is None
        pep_screens = [s for s in app.screen_stack if isinstance(s, PEPScreen)]
        assert pep_screens and pep_screens[-1].dirty_forms
        while app.screen is not pep_screens[-1]:
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert stored(services, app.principal, summary, "tuitest.about")["summary"] == "Kept"


async def test_returning_after_rating_from_the_pep_does_not_conflict_with_my_own_rating(make_app, tui_store):
    """3 (training exercise 10): rate from the PEP, then return it: no conflict with my own save."""
    services = tui_store.services
    app = make_app("vs.head")
    summary = editable_child(services, app.principal)
    pep = submitted(services, app.principal, summary)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        await pilot.press("ctrl+g", "q")
        await pilot.pause()
        assert isinstance(app.screen, QARatingScreen)
        await pilot.press("1", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+g", "t")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await type_text(pilot, "Targets need dates")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
    final = services.peps.get(app.principal, summary["child_id"], pep.id)
    assert final.status.value == "returned", [str(n.message) for n in app._notifications]
    assert final.return_reason == "Targets need dates"
    assert final.qa_rating is not None


async def test_a_real_conflict_on_return_keeps_the_typed_reason(make_app, tui_store, second_handle):
    """3: someone else changed the PEP meanwhile: the return is refused and the reason is still there."""
    services = tui_store.services
    app = make_app("vs.head")
    summary = editable_child(services, app.principal)
    pep = submitted(services, app.principal, summary)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_child_pep(pilot, summary)
        other = second_handle()
        adviser = other.principal_for("vs.adviser")
        other.qa.rate(adviser, summary["child_id"], pep.id, "green", {}, "fine", {}, expected_revision=pep.revision)
        await pilot.press("ctrl+g", "t")
        await pilot.pause()
        await type_text(pilot, "Targets need dates")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        assert app.screen.query_one("#reason").text == "Targets need dates"
        await pilot.press("ctrl+s")  # confirmed again, on the PEP as it now stands
        await pilot.pause()
        await pilot.pause()
    final = services.peps.get(app.principal, summary["child_id"], pep.id)
    assert final.status.value == "returned" and final.return_reason == "Targets need dates"


async def _about_field(pilot, app, services, path: str):
    summary = editable_child(services, app.principal)
    screen = await open_child_pep(pilot, summary)
    form = await go_to_section(pilot, screen, "tuitest.about")
    editor = form.find_editor(path)
    editor.focus_input()
    await pilot.pause()
    return summary, screen, editor


async def test_type_ahead_keeps_every_key_in_order(make_app, tui_store):
    """5: ``End C-u 1 5 5`` sent as one burst replaces the field with 155; ten Backspaces delete ten."""
    services = tui_store.services
    app = make_app("dt.harbourside")
    async with app.run_test(size=(80, 24)) as pilot:
        _summary, _screen, editor = await _about_field(pilot, app, services, "summary")
        editor.input.value = "good at maths"
        await pilot.pause()
        await burst(pilot, "end", "ctrl+u", "1", "5", "5")
        assert editor.input.value == "155"
        editor.input.value = "abcdefghijklmnop"
        await pilot.pause()
        await burst(pilot, "end", *["backspace"] * 10)
        assert editor.input.value == "abcdef"


async def test_an_emptied_number_is_refused_not_saved_as_zero(make_app, full_store):
    """5: clearing a number that had a value names the field; it is never saved silently as 0."""
    services = full_store.services
    app = make_app("dt.harbourside", opened=full_store)
    section, field = "shared.attendance", "sessions_unauthorised_absence"
    summary = editable_child(services, app.principal)
    pep = services.peps.get(app.principal, summary["child_id"], summary["current_pep_id"])
    data = {**pep.section(section), "sessions_possible": 100, "sessions_present": 80, field: 12}
    services.peps.save_section(app.principal, summary["child_id"], pep.id, section, data, expected_revision=pep.revision)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, section)
        editor = form.find_editor(field)
        editor.focus_input()
        await pilot.pause()
        await burst(pilot, "end", "ctrl+u", "ctrl+s")
        assert stored(services, app.principal, summary, section)[field] == 12
        assert editor.has_class("-invalid")
        assert screen.dirty_forms


async def test_a_paste_containing_escape_keeps_its_place_among_typed_keys(make_app, tui_store):
    """7: `` PP `` typed, then a paste with ESC sequences, then more keys: stored in that order."""
    from textual import events

    services = tui_store.services
    app = make_app("dt.harbourside")
    async with app.run_test(size=(80, 24)) as pilot:
        _summary, _screen, editor = await _about_field(pilot, app, services, "strengths")
        editor.input.text = ""
        await pilot.pause()
        for key in ("space", "P", "P", "space"):
            app._driver.send_message(key_event(key))
        app._driver.send_message(events.Paste("\x1b[31mQQ\x1b[0m RR"))
        await burst(pilot, "space", "S")
        assert editor.input.text == " PP \x1b[31mQQ\x1b[0m RR S"
