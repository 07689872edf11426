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
