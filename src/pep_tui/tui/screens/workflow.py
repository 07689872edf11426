"""Workflow actions on a PEP (submit, approve, return with a reason, start next term…), as permitted.

The list comes from ``services.workflow.allowed_actions`` and ``extra_actions`` (correct an approved
PEP, the IRO's review note); the services refuse anything not allowed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text

from pep_tui.services import InvalidInput, PermissionDenied, WorkflowError
from pep_tui.store import Conflict
from pep_tui.tui.screens.dialogs import ChoiceDialog, NoteDialog, ReasonDialog
from pep_tui.tui.text import clean

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
    "correct": ("c", "Correct (new revision)"),
    "review_note": ("i", "Add review note"),
}


def allowed_actions(screen: PEPScreen) -> list[str]:
    """The actions the workflow service allows this principal on this PEP (empty if none installed)."""
    workflow = screen.app.workflow
    if workflow is None:
        return []
    principal, child_id, pep_id = screen.app.principal, screen.child_id, screen.pep_id
    try:
        actions = list(workflow.allowed_actions(principal, child_id, pep_id))
        extra = getattr(workflow, "extra_actions", None)
        if extra is not None:
            actions += [a for a in extra(principal, child_id, pep_id) if a not in actions]
    except (PermissionDenied, WorkflowError):
        return []
    return [a for a in actions if a in ACTION_KEYS]


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


def run_action(screen: PEPScreen, action: str, reason: str | None = None, confirmed: bool = False) -> None:
    """Carry out one action through the workflow service, then show the PEP as it now stands."""
    app, workflow = screen.app, screen.app.workflow
    if workflow is None or screen.pep is None:
        return
    child_id, pep_id = screen.child_id, screen.pep_id
    if action == "return" and reason is None:
        ask_return_reason(screen)
        return
    if action == "rate":
        from pep_tui.tui.screens.qa import QARatingScreen

        app.push_screen(QARatingScreen(child_id, pep_id))
        return
    if action == "correct":
        confirm_correction(screen)
        return
    if action == "review_note":
        ask_review_note(screen)
        return
    if action in HELD and not confirmed:
        confirm_then_hold(screen, action, reason)
        return
    perform(screen, action, reason)


#: sign-offs and decisions: asked first, then undoable (ctrl+z) for a few seconds before they are recorded
HELD = ("submit", "finalise", "acknowledge", "approve", "return")
CONFIRM_WORDS = {"submit": "Submit", "finalise": "Finalise", "acknowledge": "Acknowledge", "approve": "Approve",
                 "return": "Return"}


def own_latest_revision(screen: PEPScreen) -> int:
    """The revision to act on: the PEP as loaded, or a newer one saved by this same person (a rating from
    this PEP, say), taken silently so that one's own save never reads as a conflict."""
    assert screen.pep is not None
    if screen.live:
        screen.take_my_own_changes()
        return screen.pep.revision
    try:  # the screen is closing (leaving records a held action): read without touching its widgets
        latest = screen.app.services.peps.get(screen.app.principal, screen.child_id, screen.pep_id)
    except PermissionDenied:
        return screen.pep.revision
    return latest.revision if latest.updated_by == screen.app.principal.login else screen.pep.revision


def confirm_then_hold(screen: PEPScreen, action: str, reason: str | None) -> None:
    """Ask (naming the child and the PEP), then hold the action for ``screen.undo_seconds``."""
    pep = screen.pep
    if pep is None:
        return
    what = f"{CONFIRM_WORDS[action]} {clean(screen.child_name)}'s {pep.term_ref.label} PEP?"
    body = Text(f"{ACTION_KEYS[action][1]}: {clean(screen.child_name)}, {pep.term_ref.label} PEP, revision {pep.revision}.")
    if reason:
        body.append("\nReason: ", style="bold")
        body.append(clean(reason, newlines=True))
    body.append(f"\nAfter you confirm, ctrl+z undoes it for {screen.undo_seconds:g} seconds.", style="dim")
    if action == "return":  # the reason dialog was the question: hold straight away
        screen.hold(action, reason)
        return
    screen.app.push_screen(ChoiceDialog(what, body, [("y", "Yes", "yes"), ("enter", "Yes", "yes"),
                                                     ("escape", "No, not now", None)]),
                           lambda choice: screen.hold(action, reason) if choice == "yes" else None)


def perform(screen: PEPScreen, action: str, reason: str | None = None) -> None:
    """Carry out the action now through the workflow service (after its confirmation and undo window)."""
    app, workflow = screen.app, screen.app.workflow
    if workflow is None or screen.pep is None:
        return
    principal, child_id, pep_id = app.principal, screen.child_id, screen.pep_id
    revision = own_latest_revision(screen)
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
    except Conflict as exc:
        # Someone else saved in between (one's own saves were taken above): show the PEP as it now stands
        # and, for a return, bring the reason back as typed so nothing is lost.
        if screen.live:
            screen.take_my_own_changes(anyone=True)
        if action == "return" and reason and screen.live:
            ask_return_reason(screen, reason, notice=f"{exc} Check the PEP, then ctrl+s to return it.")
        else:
            app.notify(str(exc), title=f"Could not {ACTION_KEYS[action][1].lower()}", severity="error")
        return
    except (PermissionDenied, WorkflowError) as exc:
        app.notify(str(exc), title=f"Could not {ACTION_KEYS[action][1].lower()}", severity="error")
        return
    if action == "start":
        from pep_tui.tui.screens.pep import PEPScreen

        app.notify(f"Started the {result.term_ref.label} PEP.", timeout=3)
        app.switch_screen(PEPScreen(child_id, result.id))
        return
    app.notify(f"Done: {ACTION_KEYS[action][1].lower()}. The PEP is now {result.status.label.lower()}.", timeout=3)
    if screen.live:
        screen._read()
        screen.adopt(screen.pep, rebuild={f.section_id for f in screen.forms()})  # type: ignore[arg-type]


def ask_return_reason(screen: PEPScreen, initial: str = "", notice: str = "") -> None:
    """Ask why the PEP is being returned (keeping ``initial``, what was typed before a refusal)."""
    screen.app.push_screen(
        ReasonDialog("Return this PEP", "Why is it being returned? Say what needs to change.", initial,
                     notice=notice),
        lambda text: run_action(screen, "return", text) if text else None)


def confirm_correction(screen: PEPScreen) -> None:
    """Explain what correcting does and ask first; then ask what is being corrected."""
    body = Text("A new revision of this PEP is started, in progress, with the same content. The approved PEP "
                "stays exactly as it is, marked as superseded, and the new revision goes through sign-off again.")

    def reason(choice: str | None) -> None:
        if choice == "correct":
            screen.app.push_screen(
                ReasonDialog("Correct this approved PEP", "What is being corrected, and why?",
                             empty_message="Say what is being corrected: it is kept with both revisions."),
                lambda text: correct(screen, text) if text else None)

    screen.app.push_screen(ChoiceDialog("Correct an approved PEP?", body,
                                        [("c", "Continue", "correct"), ("escape", "Cancel", None)]), reason)


def correct(screen: PEPScreen, reason: str) -> None:
    """Start the corrected revision through the workflow service and open it."""
    from pep_tui.tui.screens.pep import PEPScreen

    app = screen.app
    if screen.pep is None:
        return
    try:
        new = app.workflow.correct(app.principal, screen.child_id, screen.pep_id, reason,
                                   expected_revision=screen.pep.revision)
    except (PermissionDenied, WorkflowError, InvalidInput, Conflict) as exc:
        app.notify(str(exc), title="Could not correct the PEP", severity="error")
        return
    app.notify("A corrected revision is open for editing; the approved PEP is kept as it was.", timeout=4)
    app.switch_screen(PEPScreen(screen.child_id, new.id))


def ask_review_note(screen: PEPScreen) -> None:
    """The IRO writes a note for the next care-plan review (appended, never changed)."""
    screen.app.push_screen(
        NoteDialog("Note for the next care-plan review",
                   "What should the review look at in the child's education? The note is added to this PEP "
                   "and cannot be changed afterwards.", "Review date (optional)",
                   not_before=screen.app.services.ctx.today()),
        lambda answer: add_review_note(screen, *answer) if answer else None)


def add_review_note(screen: PEPScreen, note: str, review_date: date | None) -> None:
    """Store the IRO's note through the workflow service and show the PEP as it now stands."""
    app = screen.app
    if screen.pep is None:
        return
    try:
        app.workflow.add_review_note(app.principal, screen.child_id, screen.pep_id, note,
                                     expected_revision=screen.pep.revision, review_date=review_date)
    except (PermissionDenied, WorkflowError, InvalidInput, Conflict) as exc:
        app.notify(str(exc), title="The note was not added", severity="error")
        return
    app.notify("Note added for the next care-plan review.", timeout=3)
    screen._read()
    screen.adopt(screen.pep, rebuild={f.section_id for f in screen.forms()})  # type: ignore[arg-type]
    notes = app.workflow.review_note_section()
    if notes is not None and screen.state_for(notes) is not None:
        screen.show_section(notes, focus=False)  # the note, as it now stands
