"""The main screens as a user reads them, at 80x24 (the SSH minimum) and 120x40."""

from __future__ import annotations

import pytest
from tui_helpers import go_to_section

from pep_tui.tui.screens.child import ChildScreen
from pep_tui.tui.screens.dialogs import ChoiceDialog, NoteDialog
from pep_tui.tui.screens.exercises import ExercisesScreen
from pep_tui.tui.screens.help import HelpScreen
from pep_tui.tui.screens.pep import PEPScreen

CHILD = "Olive Pebbleford"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_main_screens(make_app, tui_store, snapshot, size):
    app = make_app("vs.head")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        tag = f"{size[0]}x{size[1]}"
        snapshot(app, f"children_{tag}")
        for key in "olive":
            await pilot.press(key)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChildScreen)
        snapshot(app, f"child_{tag}")
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PEPScreen)
        await go_to_section(pilot, app.screen, "tuitest.about")
        await pilot.pause()
        snapshot(app, f"pep_{tag}")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        snapshot(app, f"pep_help_{tag}")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_training_screens(make_app, training_dir, snapshot, size):
    app = make_app("dt.moorland")
    async with app.run_test(size=size) as pilot:
        tag = f"{size[0]}x{size[1]}"
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ExercisesScreen)
        for _ in range(4):
            await pilot.press("down")
        await pilot.press("h")
        await pilot.pause()
        snapshot(app, f"exercises_{tag}")
        await pilot.press("escape", "f8")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        snapshot(app, f"reset_confirm_{tag}")
        await pilot.press("escape")
        app.push_screen(NoteDialog("Note for the next care-plan review",
                                   "What should the review look at in the child's education? The note is added "
                                   "to this PEP and cannot be changed afterwards.", "Review date (optional)"))
        await pilot.pause()
        snapshot(app, f"review_note_{tag}")
