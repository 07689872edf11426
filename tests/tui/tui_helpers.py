"""Keyboard helpers shared by the app's tests: type like a user, open a child's PEP, go to a section."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from pep_tui.sample import SAMPLE_TODAY
from pep_tui.services import Principal
from pep_tui.tui.cohort_view import CohortView
from pep_tui.tui.screens.child import ChildScreen
from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.pep import PEPScreen
from pep_tui.tui.widgets.section_form import FieldEditor, SectionForm


async def type_text(pilot: Any, text: str) -> None:
    """Type text key by key (spaces and punctuation included)."""
    for char in text:
        await pilot.press("space" if char == " " else char)


def key_event(key: str) -> Any:
    """The key event a terminal would send for ``key`` (a key name, or one character)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def burst(pilot: Any, *keys: str, settle: int = 3) -> None:
    """Send every key at once, as a paste or a slow SSH link delivers them: none waits for the last to be
    handled (``pilot.press`` waits after each key, which hides lost and reordered keys)."""
    app = pilot.app
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app._driver.send_message(event)
    for _ in range(settle):
        await pilot.pause()
    for _ in range(200):  # until every key has been handled (the app hands them on one at a time)
        if not getattr(app, "_key_backlog", None) and getattr(app, "_key_in_flight", None) is None:
            break
        await pilot.pause(0.01)
    await pilot.pause()


OPEN = ("in_progress", "returned", "not_started")


def editable_child(services: Any, principal: Principal) -> dict[str, Any]:
    """A child in scope (with a unique name) whose PEP this term is open for editing, started if need be."""
    summaries = services.children.list(principal)
    names = [s["name"] for s in summaries]
    unique = [s for s in summaries if names.count(s["name"]) == 1]
    for summary in unique:
        if summary["current_status"] in OPEN and summary["current_pep_id"]:
            return summary
    for summary in unique:
        if not summary["current_pep_id"]:
            services.peps.start(services.principal_for("vs.head"), summary["child_id"])
            return next(s for s in services.children.list(principal) if s["child_id"] == summary["child_id"])
    raise AssertionError(f"no child with an editable PEP for {principal.login}")


def shortest_query(summaries: list[dict[str, Any]], summary: dict[str, Any]) -> str:
    """The fewest letters of the child's name that put them first in the list (as a user would type)."""
    view = CohortView(summaries, SAMPLE_TODAY)
    name = summary["name"]
    for length in range(2, len(name) + 1):
        view.set_query(name[:length])
        if len(view) and view.summary(0)["child_id"] == summary["child_id"]:
            return name[:length]
    return name


async def open_child_pep(pilot: Any, summary: dict[str, Any]) -> PEPScreen:
    """Type the child's name in the find box, enter, then p for this term's PEP."""
    app = pilot.app
    assert isinstance(app.screen, ChildrenScreen)
    await type_text(pilot, shortest_query(app.screen.view.summaries, summary))
    await pilot.pause()
    assert app.screen.children_list.current["child_id"] == summary["child_id"]
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ChildScreen)
    await pilot.press("p")
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, PEPScreen)
    return app.screen


async def go_to_section(pilot: Any, screen: PEPScreen, section_id: str) -> SectionForm:
    """Press ctrl+n until the section is in view."""
    for _ in range(len(screen.states) + 1):
        if screen.current_section() == section_id:
            break
        await pilot.press("ctrl+n")
        await pilot.pause()
    assert screen.current_section() == section_id
    await pilot.pause()
    form = screen.form_for(section_id)
    assert form is not None
    return form


async def edit_field(pilot: Any, form: SectionForm, path: str, text: str) -> None:
    """Focus a field's input, clear it and type ``text``."""
    editor = form.find_editor(path)
    assert isinstance(editor, FieldEditor), path
    editor.focus_input()
    await pilot.pause()
    widget = editor.input
    if isinstance(widget, Input):
        widget.value = ""
    elif isinstance(widget, TextArea):
        widget.text = ""
    await type_text(pilot, text)
    await pilot.pause()


def stored(services: Any, principal: Principal, summary: dict[str, Any], section: str) -> dict[str, Any]:
    return services.peps.get(principal, summary["child_id"], summary["current_pep_id"]).section(section)


def submitted(services: Any, principal: Principal, summary: dict[str, Any]) -> Any:
    """Write the required section and submit the PEP (set-up for the Virtual School's flows)."""
    pep = services.peps.get(principal, summary["child_id"], summary["current_pep_id"])
    pep = services.peps.save_section(principal, summary["child_id"], pep.id, "tuitest.about",
                                     {"summary": "Doing well"}, expected_revision=pep.revision)
    return services.workflow.submit(principal, summary["child_id"], pep.id, expected_revision=pep.revision)




class HelloView(Screen):
    """A plugin view used by the tests: constructed as ``HelloView(services, principal)``."""

    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def __init__(self, services: Any, principal: Principal) -> None:
        super().__init__()
        self.principal = principal

    def compose(self):
        yield Static(f"Hello {self.principal.login}")
