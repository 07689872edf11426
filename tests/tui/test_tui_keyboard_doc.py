"""docs/keyboard.md and the F1 help match the app: every key a screen binds is in the reference, and
the help of a screen lists its keys under the screen's name in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding

from pep_tui.tui.app import PepApp
from pep_tui.tui.screens.child import ChildScreen
from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.help import HelpScreen
from pep_tui.tui.screens.pep import PEPScreen
from pep_tui.tui.screens.qa import QAQueueScreen, QARatingScreen
from pep_tui.tui.screens.staff import StaffScreen
from pep_tui.tui.widgets.children_list import ChildrenList
from pep_tui.tui.widgets.lists import KeyList
from pep_tui_plugins.pupil_premium.views import DecisionQueueScreen

DOC = (Path(__file__).parents[2] / "docs" / "keyboard.md").read_text(encoding="utf-8")
SPELLING = {"escape": "esc", "question_mark": "?", "slash": "/"}


@pytest.mark.parametrize("owner", [PepApp, ChildrenScreen, ChildrenList, ChildScreen, PEPScreen, QAQueueScreen, StaffScreen,
                                   QARatingScreen, KeyList, DecisionQueueScreen])
def test_every_bound_key_is_in_the_keyboard_reference(owner):
    missing = []
    for binding in owner.BINDINGS:
        assert isinstance(binding, Binding)
        if binding.id is None:
            continue
        for key in binding.key.split(","):
            shown = SPELLING.get(key.strip(), key.strip())
            if f"`{shown}`" not in DOC and f"`{shown.upper()}`" not in DOC:
                missing.append(f"{binding.id}: {shown}")
    assert not missing, f"docs/keyboard.md does not mention: {missing}"


async def test_the_help_names_the_screen_in_words_and_lists_its_keys(make_app):
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.title_text == "My children"
        ids = {binding_id for _keys, _does, binding_id in app.screen.rows}
        assert {"children.clear_filter", "children.sort", "children.open_pep", "app.help"} <= ids
