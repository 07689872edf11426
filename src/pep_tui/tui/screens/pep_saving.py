"""Saving in the PEP editor: one section through the services, and never before the keys typed ahead."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from textual.widgets import Static

from pep_tui.services import InvalidInput, PermissionDenied, WorkflowError
from pep_tui.store import Conflict

if TYPE_CHECKING:
    from pep_tui.tui.screens.pep import PEPScreen
    from pep_tui.tui.widgets.section_form import SectionForm


async def settle_typing(screen: PEPScreen, wait: float = 0.5) -> None:
    """Let the focused field take every key already typed before saving.

    ``ctrl+s`` is handled by the app as soon as it arrives, while keys typed just before it (a fast
    typist, or a burst over a slow SSH link) may still wait in the field's queue: a call queued behind
    them runs once they are in.
    """
    focused = screen.app.focused
    if focused is None:
        return
    done = asyncio.Event()
    focused.call_later(done.set)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), wait)


def save_form(screen: PEPScreen, form: SectionForm, data: dict[str, Any] | None = None) -> bool:
    """Save one form through the services; show problems, or the conflict dialog, if refused."""
    assert screen.pep is not None
    state = screen.state_for(form.section_id)
    title = state.spec.title if state else form.section_id
    problems: list[tuple[str, str]] = []
    if data is None:
        data, problems = form.collect()
    if problems:
        screen.show_section(form.section_id, focus=False)
        form.show_problems(problems)
        screen.app.notify(f"{title}: {len(problems)} field(s) need attention; nothing was saved.",
                          title="Not saved", severity="warning")
        return False
    if screen.pep.section(form.section_id) != form.data:
        screen.open_conflict(form, data, "This section was changed since you opened it.")
        return False
    services = screen.app.services
    try:
        pep = services.peps.save_section(screen.app.principal, screen.child_id, screen.pep_id, form.section_id,
                                           data, expected_revision=screen.pep.revision)
    except InvalidInput as exc:
        screen.show_section(form.section_id, focus=False)
        form.show_problems([(p.field, p.message) for p in exc.problems])
        screen.app.notify(f"{title}: {len(exc.problems)} field(s) need attention; nothing was saved.",
                          title="Not saved", severity="warning")
        return False
    except Conflict as exc:
        if _only_my_own_save(screen, form):  # e.g. a QA rating saved from this PEP: not a conflict
            return save_form(screen, form, data)
        screen.open_conflict(form, data, str(exc))
        return False
    except (PermissionDenied, WorkflowError) as exc:
        screen.app.notify(str(exc), title="Not saved", severity="error")
        return False
    screen.pep = pep
    form.data = pep.section(form.section_id)
    form.clear_problems()
    form.mark_saved()
    screen.query_one("#pep-title", Static).update(screen._title())
    return True


def _only_my_own_save(screen: PEPScreen, form: SectionForm) -> bool:
    """Whether the newer revision was saved by this same person and left this section as loaded; if so the
    screen takes it (keeping every unsaved edit) so the save can go again on top of it."""
    assert screen.pep is not None
    try:
        latest = screen.app.services.peps.get(screen.app.principal, screen.child_id, screen.pep_id)
    except PermissionDenied:
        return False
    if (latest.revision == screen.pep.revision or latest.updated_by != screen.app.principal.login
            or latest.section(form.section_id) != form.data):
        return False
    screen.adopt(latest, rebuild=set())
    return True
