"""Training exercises (sandboxes only): each task with who to sign in as, a hint on demand, and a check.

The exercises are the built-in set plus any trainer's files for this sandbox
(``pep_tui.training.load_exercises``). Everything shown from them is trainer text, so it is displayed
literally: a title such as ``[red]x[/red]`` shows as typed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from pep_tui.tui.navigation import go_back
from pep_tui.tui.text import clean, literal

if TYPE_CHECKING:
    from pep_tui.training import Exercise
    from pep_tui.tui.app import PepApp

STAGE_WORDS = {"early_years": "early years", "ks1": "KS1", "ks2": "KS2", "ks3": "KS3", "ks4": "KS4",
               "post16": "post-16"}
#: what a list row starts with: done, checked and not yet, not checked in this session
MARKS = {True: "✓", False: "○", None: " "}


_NEW_ITEM = re.compile(r"^\s*(\d+[.)]|[-*•])\s")


def reflow(text: str) -> str:
    """Join the lines of a trainer's paragraph so it wraps to the terminal; steps (``1.``, ``-``) and
    blank lines still start a new line."""
    lines = text.strip().splitlines()
    out: list[str] = []
    for line in lines:
        if out and line.strip() and out[-1].strip() and not _NEW_ITEM.match(line):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def result_text(exercise: Exercise, done: bool, message: str) -> Text:
    """``exercise 5: done ✓`` or ``exercise 5: not yet: …`` (the trainer's words kept literal)."""
    text = Text(f"exercise {exercise.number}: ", style="bold")
    text.append_text(literal(message, "bold" if done else ""))
    return text


class ExercisesScreen(Screen[None]):
    """The sandbox's exercises: ``c`` checks the highlighted one, ``h`` shows its hint, ``s`` signs in as
    the login it is written for and opens the child."""

    HELP_TITLE = "Exercises"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="exercises.back"),
        Binding("c", "check", "Check", id="exercises.check"),
        Binding("h", "hint", "Hint", id="exercises.hint"),
        Binding("s", "sign_in", "Sign in as", id="exercises.sign_in"),
        Binding("m", "mine", "Mine/all", id="exercises.mine"),
    ]

    DEFAULT_CSS = """
    ExercisesScreen #ex-heading { height: 1; padding: 0 1; color: $text-muted; }
    ExercisesScreen #ex-list { height: 2fr; min-height: 4; border: none; text-wrap: nowrap; text-overflow: ellipsis; }
    ExercisesScreen #ex-result { height: auto; max-height: 3; padding: 0 1; background: $boost; }
    ExercisesScreen #ex-detail { height: 3fr; padding: 0 1; }
    """

    app: PepApp

    def __init__(self) -> None:
        super().__init__()
        self.exercises: list[Exercise] = []
        self.problems: list[str] = []
        self.shown: list[Exercise] = []
        self.mine_only = False
        self.hint_shown: set[str] = set()

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        yield Static("", id="ex-heading")
        yield OptionList(id="ex-list")
        yield Static("", id="ex-result")
        with VerticalScroll(id="ex-detail", can_focus=True):
            yield Static("", id="ex-text")
        yield Footer()

    def on_mount(self) -> None:
        from pep_tui.training import load_exercises

        self.app.set_where("Exercises")
        found = load_exercises(self.app.opened.settings.data_dir)
        self.exercises, self.problems = found.exercises, found.problems
        self.fill(keep=self.app.last_exercise)
        self.query_one("#ex-list", OptionList).focus()

    # --- the list ----------------------------------------------------------------------------

    @property
    def current(self) -> Exercise | None:
        """The highlighted exercise."""
        index = self.query_one("#ex-list", OptionList).highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    def fill(self, keep: str | None = None) -> None:
        """(Re)build the list, keeping the exercise with id ``keep`` highlighted."""
        role = self.app.principal.role
        self.shown = [e for e in self.exercises if not self.mine_only or e.role == role]
        options = self.query_one("#ex-list", OptionList)
        options.clear_options()
        for exercise in self.shown:
            options.add_option(Option(self.row(exercise), id=exercise.id))
        if not self.shown:
            options.add_option(Option(Text("No exercises for your role: m shows them all.", style="dim"),
                                      id="none", disabled=True))
        ids = [e.id for e in self.shown]
        options.highlighted = ids.index(keep) if keep in ids else (0 if ids else None)
        self.update_heading()
        self.show_detail()

    def row(self, exercise: Exercise) -> Text:
        """One exercise in the list: mark, number, stage, login and title."""
        done = self.app.exercise_progress.get(exercise.id)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{MARKS[done]} ", style="bold")
        text.append(f"{exercise.number:>2} {STAGE_WORDS.get(exercise.stage, clean(exercise.stage))[:11]:<11} ")
        text.append(f"{clean(exercise.login)[:13]:<13} ", style="dim")
        text.append(clean(exercise.title))
        return text

    def update_heading(self) -> None:
        """How many exercises, which are shown, and any trainer's file that could not be used."""
        done = sum(1 for e in self.exercises if self.app.exercise_progress.get(e.id))
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{len(self.shown)} of {len(self.exercises)} exercises", style="bold")
        text.append(" · for your role" if self.mine_only else " · all roles")
        text.append(f" · {done} done ✓")
        if self.problems:
            text.append(f" · {len(self.problems)} unusable (see below)", style="bold")
        self.query_one("#ex-heading", Static).update(text)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show_detail()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_check()

    # --- the detail --------------------------------------------------------------------------

    def show_detail(self) -> None:
        """Task, who to sign in as, the child, and the hint if asked for; the last check's result."""
        exercise = self.current
        body = Text()
        result = Text("c checks whether the highlighted exercise is done", style="dim")
        if exercise is not None:
            self.app.last_exercise = exercise.id
            roles = self.app.services.registry.roles
            role = roles[exercise.role].title if exercise.role in roles else exercise.role
            body.append(f"Exercise {exercise.number} · {STAGE_WORDS.get(exercise.stage, clean(exercise.stage))}\n",
                        style="dim")
            body.append_text(literal(exercise.title, "bold"))
            body.append("\nSign in as: ", style="bold")
            body.append(clean(exercise.login))
            body.append(f" ({clean(role)})")
            body.append("  s signs in and opens the child", style="dim")
            body.append("\nChild: ", style="bold")
            body.append(clean(f"{exercise.child_name} ({exercise.child})" if exercise.child_name else exercise.child))
            body.append("\n\n")
            body.append_text(literal(reflow(exercise.task), newlines=True))
            body.append("\n\n")
            if exercise.id in self.hint_shown:
                body.append("Hint: ", style="bold")
                body.append_text(literal(reflow(exercise.hint), newlines=True))
            else:
                body.append("h shows a hint", style="dim")
            last = self.app.exercise_messages.get(exercise.id)
            if last is not None:
                result = result_text(exercise, self.app.exercise_progress[exercise.id], last)
        if self.problems:
            body.append("\n\nExercise files that could not be used:\n", style="bold")
            for problem in self.problems:
                body.append_text(literal(f"· {problem}\n"))
        self.query_one("#ex-text", Static).update(body)
        self.query_one("#ex-result", Static).update(result)

    # --- actions -----------------------------------------------------------------------------

    def action_check(self) -> None:
        """Run the highlighted exercise's check against the sandbox and show the outcome."""
        from pep_tui.training import check_exercise

        exercise = self.current
        if exercise is None:
            return
        try:
            outcome = check_exercise(self.app.services, exercise)
            done, message = outcome.done, outcome.message
        except Exception as exc:  # a trainer's exercise the sandbox cannot check: say so, never crash
            done, message = False, f"not yet: the check could not run ({type(exc).__name__}: {exc})"
        self.app.exercise_progress[exercise.id] = done
        self.app.exercise_messages[exercise.id] = message
        options = self.query_one("#ex-list", OptionList)
        options.replace_option_prompt(exercise.id, self.row(exercise))
        self.update_heading()
        self.show_detail()

    def action_hint(self) -> None:
        """Show or hide the highlighted exercise's hint."""
        exercise = self.current
        if exercise is not None:
            self.hint_shown ^= {exercise.id}
            self.show_detail()
            if exercise.id in self.hint_shown:
                self.query_one("#ex-detail", VerticalScroll).scroll_end(animate=False)

    def action_mine(self) -> None:
        """Show only the exercises for the role you are signed in as, or all of them."""
        self.mine_only = not self.mine_only
        self.fill(keep=self.current.id if self.current else None)

    def action_sign_in(self) -> None:
        """Sign in as the exercise's login and role, then open its child."""
        exercise = self.current
        if exercise is not None:
            app = self.app
            app.leave_editors(lambda: sign_in_for(app, exercise))

    def action_back(self) -> None:
        """Back to where you were."""
        go_back(self)


def sign_in_for(app: PepApp, exercise: Exercise) -> None:
    """Become the exercise's login in its role (back on the children list) and open its child."""
    from pep_tui.training.exercises import find_child_id

    app.switch_principal(exercise.login, exercise.role)
    if (app.principal.login, app.principal.role) != (exercise.login, exercise.role):
        return  # refused: the app said why
    try:
        child_id = find_child_id(app.services, exercise.child, app.principal)
    except Exception:
        child_id = None
    if child_id is None:
        app.notify(f"The child {clean(exercise.child)} is not in this sandbox.", title="Exercise", severity="warning")
        return
    app.open_child(child_id)
