"""Training in the app, keyboard only: the exercises (check, hint, sign in as), resetting the sandbox,
the role picker's key in the header, and none of it in a live store."""

from __future__ import annotations

from conftest import TRAINER_EXERCISE, screen_text

from pep_tui.bootstrap import create_services
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.training import list_exercises
from pep_tui.tui.app import PepApp
from pep_tui.tui.screens.child import ChildScreen
from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.dialogs import ChoiceDialog, PickDialog
from pep_tui.tui.screens.exercises import ExercisesScreen
from pep_tui.tui.screens.help import HelpScreen, binding_rows


def _current_pep(services, principal, child_id):
    summary = next(s for s in services.children.list(principal) if s["child_id"] == child_id)
    return services.peps.get(principal, child_id, summary["current_pep_id"])


async def test_exercises_check_hint_and_sign_in(sandbox, training_dir):
    (training_dir / "exercises").mkdir()
    (training_dir / "exercises" / "room.toml").write_text(TRAINER_EXERCISE, encoding="utf-8")
    services = sandbox.services
    app = PepApp(sandbox, services.principal_for("vs.head"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExercisesScreen)
        expected = list_exercises(folder=sandbox.settings.data_dir)
        assert [e.id for e in screen.shown] == [e.id for e in expected]
        assert expected[-1].id == "tt-home-reading"
        await pilot.press("end")
        await pilot.pause()
        exercise = screen.current
        assert exercise is not None and exercise.id == "tt-home-reading"
        text = screen_text(app)
        assert "Note Uma's [red]reading[/red] at home [@click=app.quit]x[/]" in text  # trainer text, literal
        assert "\\x1b[2J" in text and "\x1b" not in text
        assert "[b]Home learning[/b]" not in text  # the hint waits until asked for
        await pilot.press("h")
        await pilot.pause()
        assert "It is the [b]Home learning[/b] tab." in screen_text(app)

        await pilot.press("c")
        await pilot.pause()
        assert f"exercise {exercise.number}: not yet: Uma's [b]reading[/b] is recorded" in screen_text(app)
        assert app.exercise_progress[exercise.id] is False

        carer = services.principal_for("carer.07", "carer")
        child_id = next(s["child_id"] for s in services.children.list(carer)
                        if services.children.record(carer, s["child_id"]).child.la_child_id == "TRN02600006")
        pep = _current_pep(services, carer, child_id)
        services.peps.save_section(carer, child_id, pep.id, "carer.home_learning",
                                   {**pep.section("carer.home_learning"), "reading_at_home": "Comics every night"},
                                   expected_revision=pep.revision)
        await pilot.press("c")
        await pilot.pause()
        assert f"exercise {exercise.number}: done ✓" in screen_text(app)
        assert app.exercise_progress[exercise.id] is True

        await pilot.press("s")  # sign in as the exercise's login and open the child
        await pilot.pause()
        await pilot.pause()
        assert (app.principal.login, app.principal.role) == ("carer.07", "carer")
        assert isinstance(app.screen, ChildScreen) and app.screen.child_id == child_id
        await pilot.press("f7")  # back to the exercise you were on, still marked done
        await pilot.pause()
        assert isinstance(app.screen, ExercisesScreen) and app.screen.current.id == exercise.id
        await pilot.press("m")  # only the carer's exercises
        await pilot.pause()
        assert app.screen.shown and {e.role for e in app.screen.shown} == {"carer"}


async def test_reset_sandbox_asks_then_starts_afresh_as_the_same_person(sandbox):
    services = sandbox.services
    app = PepApp(sandbox, services.principal_for("dt.moorland"))
    principal = app.principal
    summary = next(s for s in services.children.list(principal) if s["current_status"] == "in_progress")
    pep = services.peps.get(principal, summary["child_id"], summary["current_pep_id"])
    services.workflow.submit(principal, summary["child_id"], pep.id, expected_revision=pep.revision)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")  # keep my work
        await pilot.pause()
        assert app.services is services
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press("escape")
        assert {"Exercises", "Reset sandbox", "Switch role"} <= {c.title for c in app.get_system_commands(app.screen)}

        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("y")
        for _ in range(4):
            await pilot.pause()
        assert app.services is not services
        assert (app.principal.login, app.principal.role) == ("dt.moorland", "designated_teacher")
        assert isinstance(app.screen, ChildrenScreen)
        fresh = app.services.peps.get(app.principal, summary["child_id"], pep.id)
        assert fresh.status.value == "in_progress"  # the submission is undone
        row = next(s for s in app.screen.view.summaries if s["child_id"] == summary["child_id"])
        assert row["current_status"] == "in_progress"
        assert "TRAINING - fictional data" in screen_text(app)


async def test_no_training_in_a_live_store(tmp_path, tui_plugins):
    opened = create_services(tmp_path / "live", "live", plugins=tui_plugins, clock=lambda: SAMPLE_TODAY)
    opened.services.staff.bootstrap_admin("boss", "Boss Person")
    app = PepApp(opened, opened.services.principal_for("boss"))
    assert not app.principal.training
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ("f7", "f8", "ctrl+t"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ChildrenScreen), key
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert not {"Exercises", "Reset sandbox", "Switch role"} & titles
        ids = {row[2] for row in binding_rows(app.screen)}
        assert not {"app.exercises", "app.reset_sandbox", "app.switch_role"} & ids
        text = screen_text(app)
        assert "TRAINING" not in text and "switch role" not in text
    assert (tmp_path / "live" / "store.json").exists()


async def test_header_shows_the_role_picker_key_as_remapped(tui_store):
    app = PepApp(tui_store, tui_store.services.principal_for("dt.moorland"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "(^t: switch role)" in screen_text(app).splitlines()[0]
    opened = tui_store
    opened.settings = opened.settings.model_copy(update={"keys": {"app.switch_role": "f2", "children.sort": "ctrl+y"}})
    app = PepApp(opened, opened.services.principal_for("dt.moorland"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()
        header, status = lines[0], next(line for line in lines if "sorted by" in line)
        assert "(f2: switch role)" in header and "^t" not in header
        assert "(^l filter, ^y sort)" in status
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert ("f2", "Switch role", "app.switch_role") in app.screen.rows
        await pilot.press("escape", "f2")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
