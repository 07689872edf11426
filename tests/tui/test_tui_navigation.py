"""Getting around: help, the palette, remapped keys, the training role picker, VS views and plugins."""

from __future__ import annotations

from conftest import screen_text
from tui_helpers import HelloView

from pep_tui.plugins.api import ViewSpec
from pep_tui.tui.app import PepApp
from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.compliance import ComplianceScreen
from pep_tui.tui.screens.dialogs import PickDialog
from pep_tui.tui.screens.help import HelpScreen
from pep_tui.tui.screens.plugins import PluginsScreen


async def test_help_palette_and_screens_for_the_virtual_school(make_app):
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for row in app.screen.rows}
        assert {"children.saved_filter", "children.sort", "app.help"} <= ids
        await pilot.press("escape")
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Saved filter", "Sort", "Plugins", "QA queue", "Compliance", "Switch role"} <= titles
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ComplianceScreen)
        assert "compliance" in screen_text(app).lower()
        await pilot.press("escape", "f6")
        await pilot.pause()
        assert isinstance(app.screen, PluginsScreen)
        assert "virtual_school" in screen_text(app)


async def test_actions_a_role_may_not_take_are_hidden(make_app):
    app = make_app("carer.01")
    async with app.run_test(size=(80, 24)):
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "QA queue" not in titles and "Compliance" not in titles
        assert app.check_action("qa_queue", ()) is False


async def test_keys_are_remapped_from_settings(tui_store):
    opened = tui_store
    opened.settings = opened.settings.model_copy(update={"keys": {"children.sort": "ctrl+y"}})
    app = PepApp(opened, opened.services.principal_for("vs.head"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, ChildrenScreen)
        await pilot.press("ctrl+y")
        assert screen.view.sort.id == "next_due"


async def test_training_role_picker_switches_who_is_signed_in(make_app):
    app = make_app("vs.head")
    assert app.principal.training
    async with app.run_test(size=(80, 24)) as pilot:
        assert "TRAINING - fictional data" in screen_text(app)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        index = next(i for i, (_, value) in enumerate(app.screen.items) if value == ("sw.amara", "social_worker"))
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert app.principal.login == "sw.amara" and app.principal.role == "social_worker"
        assert isinstance(app.screen, ChildrenScreen)
        assert all(s["social_worker"] == "sw.amara" for s in app.screen.view.summaries)
        assert "TRAINING - fictional data" in screen_text(app)


async def test_plugin_views_open_for_their_roles(make_app, tui_store):
    registry = tui_store.services.registry
    registry.views["tuitest.hello"] = ViewSpec("tuitest.hello", "Hello view", roles=frozenset({"virtual_school"}),
                                               screen="tui_helpers:HelloView")
    try:
        app = make_app("vs.head")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f5")
            await pilot.pause()
            assert isinstance(app.screen, PickDialog)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, HelloView)
        other = make_app("carer.01")
        assert not other.views_for_role()
    finally:
        del registry.views["tuitest.hello"]


async def test_plain_theme_for_limited_terminals(tui_store):
    opened = tui_store
    opened.settings = opened.settings.model_copy(update={"theme": "plain"})
    app = PepApp(opened, opened.services.principal_for("vs.head"))
    async with app.run_test(size=(80, 24)):
        assert app.theme == "ansi-dark"
        assert app.animation_level == "none"
        assert app.ansi_color


async def test_pep_opens_where_the_role_writes_and_the_palette_goes_to_a_section(make_app, tui_store):
    from tui_helpers import editable_child, open_child_pep, type_text

    app = make_app("carer.07")
    summary = editable_child(tui_store.services, app.principal)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        await pilot.pause(0.2)
        assert screen.current_section() == "tuitest.home"  # the carer's own section, not About (read only)
        await type_text(pilot, "Comics")
        await pilot.pause()
        home = screen.form_for("tuitest.home")
        assert home.dirty and home.collect()[0]["reading_at_home"].endswith("Comics")
        await pilot.press("ctrl+p")
        await type_text(pilot, "section about")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.screen is screen and screen.current_section() == "tuitest.about"
        assert "About · read only" in screen_text(app)
        await type_text(pilot, "zz")  # nothing types into the hidden Home learning tab
        await pilot.pause()
        assert home.collect()[0]["reading_at_home"].endswith("Comics")


async def test_function_keys_in_a_text_box_never_select_what_was_typed(make_app, tui_store):
    from textual.widgets import TextArea
    from tui_helpers import edit_field, editable_child, go_to_section, open_child_pep

    app = make_app("dt.harbourside")
    summary = editable_child(tui_store.services, app.principal)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, "tuitest.about")
        await edit_field(pilot, form, "strengths", "Kind to others")
        area = form.find_editor("strengths").input
        assert isinstance(area, TextArea) and app.focused is area
        await pilot.press("f6")  # a text box would select its line; the app shows the plugins
        await pilot.pause()
        assert isinstance(app.screen, PluginsScreen)
        await pilot.press("escape", "f1", "f1")  # F1 opens the keys and closes them again
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("x")
        assert area.text == "Kind to othersx" and not area.selected_text
