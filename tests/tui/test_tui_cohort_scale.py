"""The app over a large cohort and over every installed section."""

from __future__ import annotations

from conftest import _services
from textual.widgets import Input

from pep_tui.bootstrap import Opened
from pep_tui.sample import generate_cohort
from pep_tui.tui.app import PepApp
from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.pep import PEPScreen
from pep_tui.tui.widgets.children_list import ChildrenList


async def test_two_thousand_children_list_renders_and_filters(tmp_path, tui_plugins, tui_registry):
    services = _services(tmp_path / "big", tui_registry, create=True)
    generate_cohort(services, children=2000, seed=7)
    app = PepApp(Opened(services.ctx.settings, tui_plugins, services), services.principal_for("vs.head"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChildrenScreen)
        assert len(screen.view) == 2000
        listing = screen.query_one(ChildrenList)
        first = screen.view.summary(0)["name"]
        assert first[:10] in str(listing.render_line(1).text)
        for key in first[:3].lower():
            await pilot.press(key)
        assert 0 < len(screen.view) < 2000
        await pilot.press("pagedown", "pagedown")
        assert listing.cursor > 0
        await pilot.press("escape")
        assert len(screen.view) == 2000 and screen.query_one("#filter", Input).value == ""


async def test_every_installed_section_builds_a_form(full_store):
    """Forms are generic: whatever sections the installed stage and role plugins bring, each tab opens."""
    services = full_store.services
    vs = services.principal_for("vs.head")
    summary = next(s for s in services.children.list(vs) if s["current_pep_id"])
    app = PepApp(full_store, vs)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PEPScreen(summary["child_id"], summary["current_pep_id"]))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PEPScreen)
        for state in screen.states:
            screen.show_section(state.spec.id)
            await pilot.pause()
            assert screen.form_for(state.spec.id) is not None, state.spec.id
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert screen.query_one("#findings-panel").has_class("-shown")
