"""Editing safely: invalid input keeps what was typed and says what is expected; a save that lost a race
opens the conflict dialog and nothing is lost; leaving with unsaved edits asks first."""

from __future__ import annotations

from textual.widgets import Input, Static
from tui_helpers import edit_field, editable_child, go_to_section, open_child_pep

from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.dialogs import ChoiceDialog
from pep_tui.tui.screens.pep import PEPScreen
from pep_tui.tui.widgets.section_form import FieldEditor, RowsEditor


def error_text(editor: FieldEditor) -> str:
    return str(editor.query_one(".field-error", Static).render())


async def test_invalid_input_keeps_values_and_names_the_field(make_app, tui_store):
    services = tui_store.services
    app = make_app("dt.harbourside")
    summary = editable_child(services, app.principal)
    before = services.peps.get(app.principal, summary["child_id"], summary["current_pep_id"])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, "tuitest.about")
        await edit_field(pilot, form, "summary", "Happy")
        await edit_field(pilot, form, "meeting_date", "31/02/2026")
        await edit_field(pilot, form, "attendance_percent", "lots")
        await pilot.press("ctrl+s")
        await pilot.pause()
        date_editor = form.find_editor("meeting_date")
        percent_editor = form.find_editor("attendance_percent")
        assert date_editor.has_class("-invalid") and percent_editor.has_class("-invalid")
        assert "Meeting date" in error_text(date_editor) and "date such as" in error_text(date_editor)
        assert "expected a number" in error_text(percent_editor)
        # what was typed is still there
        assert date_editor.input.value == "31/02/2026"
        assert percent_editor.input.value == "lots"
        assert form.find_editor("summary").input.value == "Happy"
        # the service's own checks (a range) are shown the same way
        await edit_field(pilot, form, "meeting_date", "2026-02-03")
        await edit_field(pilot, form, "attendance_percent", "140")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert percent_editor.has_class("-invalid")
        assert "100" in error_text(percent_editor)
        assert percent_editor.input.value == "140"
        assert not date_editor.has_class("-invalid")
    after = services.peps.get(app.principal, summary["child_id"], summary["current_pep_id"])
    assert after.revision == before.revision  # nothing was saved


async def test_repeating_items_add_remove_and_errors_inside_an_item(make_app, tui_store):
    services = tui_store.services
    app = make_app("dt.harbourside")
    summary = editable_child(services, app.principal)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, "tuitest.goals")
        rows = form.find_editor("goals")
        assert isinstance(rows, RowsEditor)
        await rows.add_item()
        await rows.add_item()
        await pilot.pause()
        assert len(rows.items()) == 2
        await edit_field(pilot, form, "goals.0.description", "Read")  # too short (min 5)
        await edit_field(pilot, form, "goals.1.description", "Read a chapter book")
        await pilot.press("ctrl+s")
        await pilot.pause()
        first = form.find_editor("goals.0.description")
        assert first.has_class("-invalid") and "Description" in error_text(first)
        await rows.remove_item(rows.items()[0])
        await pilot.pause()
        assert form.find_editor("goals.0.description").input.text == "Read a chapter book"
        await pilot.press("ctrl+s")
        await pilot.pause()
    data = services.peps.get(app.principal, summary["child_id"], summary["current_pep_id"]).section("tuitest.goals")
    assert [g["description"] for g in data["goals"]] == ["Read a chapter book"]


async def test_conflict_dialog_applies_my_edits_on_top_and_keeps_theirs(make_app, tui_store, second_handle):
    services = tui_store.services
    app = make_app("dt.harbourside")
    summary = editable_child(services, app.principal)
    other = second_handle()
    vs = other.principal_for("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, "tuitest.about")
        await edit_field(pilot, form, "summary", "Mine")
        # someone else saves the same section from another process
        pep = other.peps.get(vs, summary["child_id"], summary["current_pep_id"])
        other.peps.save_section(vs, summary["child_id"], pep.id, "tuitest.about",
                                {"summary": "Theirs", "strengths": "Their strengths"}, expected_revision=pep.revision)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        body = str(app.screen.body)
        assert "vs.head" in body and "summary" in body and "strengths" in body
        assert form.find_editor("summary").input.value == "Mine"  # still there behind the dialog
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PEPScreen)
    data = services.peps.get(app.principal, summary["child_id"], summary["current_pep_id"]).section("tuitest.about")
    assert data["summary"] == "Mine"
    assert data["strengths"] == "Their strengths"


async def test_conflict_dialog_reload_shows_theirs_and_escape_keeps_editing(make_app, tui_store, second_handle):
    services = tui_store.services
    app = make_app("dt.harbourside")
    summary = editable_child(services, app.principal)
    other = second_handle()
    vs = other.principal_for("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, "tuitest.about")
        await edit_field(pilot, form, "summary", "Mine")
        pep = other.peps.get(vs, summary["child_id"], summary["current_pep_id"])
        other.peps.save_section(vs, summary["child_id"], pep.id, "tuitest.about", {"summary": "Theirs"},
                                expected_revision=pep.revision)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")  # keep editing: nothing saved, nothing dropped
        await pilot.pause()
        assert isinstance(app.screen, PEPScreen)
        assert form.find_editor("summary").input.value == "Mine"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("r")  # reload theirs
        await pilot.pause()
        await pilot.pause()
        form = screen.form_for("tuitest.about")
        assert form.find_editor("summary").input.value == "Theirs"
    data = services.peps.get(app.principal, summary["child_id"], summary["current_pep_id"]).section("tuitest.about")
    assert data["summary"] == "Theirs"


async def test_leaving_with_unsaved_edits_asks_and_can_save(make_app, tui_store):
    services = tui_store.services
    app = make_app("sw.amara")
    summary = editable_child(services, app.principal)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, "tuitest.about")
        await edit_field(pilot, form, "summary", "Kept")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")  # stay
        await pilot.pause()
        assert app.screen is screen and screen.dirty_forms
        await pilot.press("ctrl+q")  # quitting asks too
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("s")
        await pilot.pause()
    data = services.peps.get(app.principal, summary["child_id"], summary["current_pep_id"]).section("tuitest.about")
    assert data["summary"] == "Kept"


async def test_filter_saved_filters_and_sort_from_the_keyboard(make_app, tui_store):
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ChildrenScreen)
        total = len(screen.view)
        await pilot.press("ctrl+l")  # overdue
        await pilot.pause()
        assert screen.view.saved.id == "overdue"
        assert all(screen.view.is_overdue(screen.view.summary(i)) for i in range(len(screen.view)))
        await pilot.press("ctrl+l")  # returned
        assert all(screen.view.summary(i)["current_status"] == "returned" for i in range(len(screen.view)))
        await pilot.press("escape")  # no typed filter: clears the saved one
        assert screen.view.saved.id == "all" and len(screen.view) == total
        await pilot.press("ctrl+o")  # sort by next due
        names = [screen.view.summary(i)["next_due"] or "9999" for i in range(len(screen.view))]
        assert names == sorted(names)
        await pilot.press("x", "y", "z", "q")
        assert len(screen.view) == 0
        await pilot.press("escape")
        assert len(screen.view) == total and screen.query_one("#filter", Input).value == ""
