"""Workflow actions on a PEP (submit, approve, return with a reason, start next term…), as permitted.

The list comes from ``services.workflow.allowed_actions``; the services refuse anything not allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from pep_tui.services import PermissionDenied, WorkflowError
from pep_tui.store import Conflict
from pep_tui.tui.screens.dialogs import ChoiceDialog, ReasonDialog

if TYPE_CHECKING:
    from pep_tui.tui.screens.pep import PEPScreen

#: action id → (key, label)
ACTION_KEYS: dict[str, tuple[str, str]] = {
    "submit": ("s", "Submit for approval"),
    "finalise": ("f", "Finalise (social worker)"),
    "acknowledge": ("k", "Acknowledge"),
    "approve": ("a", "Approve"),
    "return": ("t", "Return with a reason"),
    "rate": ("q", "Rate quality (QA)"),
    "start": ("n", "Start next term's PEP"),
}


def allowed_actions(screen: PEPScreen) -> list[str]:
    """The actions the workflow service allows this principal on this PEP (empty if none installed)."""
    workflow = screen.app.workflow
    if workflow is None:
        return []
    try:
        return [a for a in workflow.allowed_actions(screen.app.principal, screen.child_id, screen.pep_id) if a in ACTION_KEYS]
    except (PermissionDenied, WorkflowError):
        return []


def open_actions(screen: PEPScreen) -> None:
    """Offer the allowed actions, one key each."""
    app = screen.app
    if app.workflow is None:
        app.notify("Workflow actions are not available in this installation.", title="Actions")
        return
    if screen.dirty_forms:
        app.notify("Save your edits first (ctrl+s).", title="Unsaved edits", severity="warning")
        return
    actions = allowed_actions(screen)
    if not actions:
        app.notify("No workflow action is open to you on this PEP now.", title="Actions")
        return
    choices = [(ACTION_KEYS[a][0], ACTION_KEYS[a][1], a) for a in actions] + [("escape", "Cancel", None)]
    app.push_screen(ChoiceDialog("What next for this PEP?", Text("Choose an action:"), choices),
                    lambda choice: run_action(screen, choice) if choice else None)


def run_action(screen: PEPScreen, action: str, reason: str | None = None) -> None:
    """Carry out one action through the workflow service, then show the PEP as it now stands."""
    app, workflow = screen.app, screen.app.workflow
    if workflow is None or screen.pep is None:
        return
    principal, child_id, pep_id, revision = app.principal, screen.child_id, screen.pep_id, screen.pep.revision
    if action == "return" and reason is None:
        app.push_screen(ReasonDialog("Return this PEP", "Why is it being returned? Say what needs to change."),
                        lambda text: run_action(screen, "return", text) if text else None)
        return
    if action == "rate":
        from pep_tui.tui.screens.qa import QARatingScreen

        app.push_screen(QARatingScreen(child_id, pep_id))
        return
    try:
        result: Any
        if action == "submit":
            result = workflow.submit(principal, child_id, pep_id, expected_revision=revision)
        elif action == "approve":
            result = workflow.approve(principal, child_id, pep_id, expected_revision=revision)
        elif action == "finalise":
            result = workflow.finalise(principal, child_id, pep_id, expected_revision=revision)
        elif action == "acknowledge":
            result = workflow.acknowledge(principal, child_id, pep_id, expected_revision=revision)
        elif action == "return":
            result = workflow.return_pep(principal, child_id, pep_id, reason, expected_revision=revision)
        elif action == "start":
            result = workflow.start_next_term(principal, child_id)
        else:
            return
    except (PermissionDenied, WorkflowError, Conflict) as exc:
        app.notify(str(exc), title=f"Could not {ACTION_KEYS[action][1].lower()}", severity="error")
        return
    if action == "start":
        from pep_tui.tui.screens.pep import PEPScreen

        app.notify(f"Started the {result.term_ref.label} PEP.", timeout=3)
        app.switch_screen(PEPScreen(child_id, result.id))
        return
    app.notify(f"Done: {ACTION_KEYS[action][1].lower()}. The PEP is now {result.status.label.lower()}.", timeout=3)
    screen._read()
    screen.adopt(screen.pep, rebuild={f.section_id for f in screen.forms()})  # type: ignore[arg-type]
