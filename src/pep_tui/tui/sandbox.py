"""Training sandboxes in the app: the role picker, the exercises and "Reset sandbox".

None of this is offered in a live store: :func:`in_sandbox` is false there, so the keys, the palette
entries and the help rows stay hidden, and the services refuse role switching anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from pep_tui.services import PermissionDenied
from pep_tui.store import StoreError
from pep_tui.tui.screens.dialogs import ChoiceDialog, PickDialog
from pep_tui.tui.text import clean

if TYPE_CHECKING:
    from pep_tui.tui.app import PepApp


def in_sandbox(app: PepApp) -> bool:
    """Whether the app is signed in to a training sandbox (never true for a live store)."""
    return bool(app.principal.training) and app.services.store.kind == "training"


def pick_role(app: PepApp) -> None:
    """Offer every fictional staff member of the sandbox, one line per role each holds."""
    from pep_tui.training import training_logins

    if not in_sandbox(app):
        app.notify("Switching role is only for training sandboxes.", severity="warning")
        return
    items = []
    for entry in training_logins(app.services):
        label = Text(f"{clean(entry.role_title)[:20]:<20} ")
        label.append(clean(entry.display_name))
        label.append(f" ({clean(entry.login)}) · {entry.children} children", style="dim")
        items.append((label, (entry.login, entry.role)))
    app.push_screen(PickDialog("Switch to (training)", items, "Fictional staff of the sandbox: up/down to move, enter picks"),
                    lambda picked: app.leave_editors(lambda: app.switch_principal(*picked)) if picked else None)


def open_exercises(app: PepApp) -> None:
    """Show the sandbox's exercises (training only)."""
    from pep_tui.tui.screens.exercises import ExercisesScreen

    if not in_sandbox(app):
        app.notify("Exercises are only for training sandboxes.", severity="warning")
        return
    if isinstance(app.screen, ExercisesScreen):
        return
    app.push_screen(ExercisesScreen())


def confirm_reset(app: PepApp) -> None:
    """Ask, then put the sandbox back to its starting state (training only)."""
    if not in_sandbox(app):
        app.notify("Only a training sandbox can be reset.", severity="warning")
        return
    body = Text("Every change made in this sandbox (by anyone using it) is undone: the fictional cohort "
                "goes back to how it started, and every exercise to \"not yet\". You stay signed in as ")
    body.append(clean(app.principal.display_name), style="bold")
    body.append(".")
    app.push_screen(ChoiceDialog("Reset the training sandbox?", body,
                                 [("y", "Yes, reset it", "reset"), ("escape", "Keep my work", None)]),
                    lambda choice: app.leave_editors(lambda: _start_reset(app)) if choice == "reset" else None)


def _start_reset(app: PepApp) -> None:
    app.notify("Resetting the sandbox…", timeout=2)
    app.call_after_refresh(reset_now, app)


def reset_now(app: PepApp) -> bool:
    """Reset the sandbox in the app's data folder and carry on in the fresh one, as the same person."""
    from pep_tui.training import DEFAULT_TRAINING_LOGIN, reset_sandbox

    if not in_sandbox(app):
        return False
    login, role = app.principal.login, app.principal.role
    try:
        opened = reset_sandbox(app.opened.settings.data_dir)
    except (StoreError, OSError) as exc:
        app.notify(clean(exc), title="Could not reset the sandbox", severity="error")
        return False
    try:
        principal = opened.services.principal_for(login, role)
    except PermissionDenied:
        principal = opened.services.principal_for(DEFAULT_TRAINING_LOGIN)
    app.reopen(opened, principal)
    app.notify("The sandbox is back to its starting state.", title="Reset", timeout=4)
    return True
