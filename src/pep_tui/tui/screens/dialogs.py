"""Small modal dialogs: a choice with one key per answer, a reason to type, a list to pick from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from pep_tui.tui.forms import DATE_HINT, FieldInputError, parse_date
from pep_tui.tui.navigation import Dialog
from pep_tui.tui.text import literal

#: how a dialog's keys are written on its buttons
KEY_WORDS = {"escape": "esc", "enter": "enter"}


class ChoiceDialog(Dialog[Any]):
    """A question with a few answers, each chosen with one key (or its button). ``escape`` cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
    ]

    def __init__(self, title: str, body: Text | str, choices: Sequence[tuple[str, str, Any]]) -> None:
        """``choices`` are ``(key, label, result)``; the dialog returns the chosen ``result``."""
        super().__init__(classes="dialog")
        self.title_text = title
        self.body = body if isinstance(body, Text) else Text(body)
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(self.body)
            labels = [f"{KEY_WORDS.get(key, key)} {label}" for key, label, _ in self.choices]
            # One row while they fit an 80-column terminal, else one per line: none is ever cut off.
            stacked = sum(len(text) + 3 for text in labels) > 66
            with Horizontal(classes="dialog-buttons -stacked" if stacked else "dialog-buttons"):
                for index, text in enumerate(labels):
                    yield Button(Text(text), id=f"choice-{index}", compact=True)

    def on_key(self, event: events.Key) -> None:
        for key, _label, result in self.choices:
            if event.key == key or event.character == key:
                event.stop()
                self.dismiss(result)
                return

    def on_button_pressed(self, event: Button.Pressed) -> None:
        index = int((event.button.id or "choice-0").split("-")[1])
        self.dismiss(self.choices[index][2])

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


class ReasonDialog(Dialog[str | None]):
    """Ask for a reason (returning a PEP, a comment): ``ctrl+s`` confirms, ``escape`` cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Confirm", id="reason.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
    ]

    def __init__(self, title: str, prompt: str, initial: str = "",
                 empty_message: str = "A reason is needed: say what to change.", notice: str = "") -> None:
        """``notice`` is shown under the text box from the start (why the dialog is back, say)."""
        super().__init__(classes="dialog")
        self.title_text = title
        self.prompt = prompt
        self.initial = initial
        self.empty_message = empty_message
        self.notice = notice

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(Text(self.prompt))
            yield TextArea(self.initial, id="reason", soft_wrap=True, tab_behavior="focus")
            yield Static(literal(self.notice, "bold"), id="reason-error", classes="dialog-error")
            yield Static(Text("ctrl+s confirm · esc cancel", style="dim"))

    def on_mount(self) -> None:
        area = self.query_one("#reason", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_confirm(self) -> None:
        """Confirm, refusing an empty reason."""
        text = self.query_one("#reason", TextArea).text.strip()
        if not text:
            self.query_one("#reason-error", Static).update(Text(self.empty_message, style="bold"))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without a reason."""
        self.dismiss(None)


class NoteDialog(Dialog[tuple[str, date | None] | None]):
    """A note and an optional date (``tab`` between them): ``ctrl+s`` confirms, ``escape`` cancels.

    Returns ``(note, date or None)``; an empty note or a date that cannot be read is refused in the
    dialog, keeping what was typed.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Confirm", id="note.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, title: str, prompt: str, date_label: str, not_before: date | None = None) -> None:
        """``not_before``: the earliest date accepted (today, for a date that must lie ahead)."""
        super().__init__(classes="dialog")
        self.title_text = title
        self.prompt = prompt
        self.date_label = date_label
        self.not_before = not_before

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(Text(self.prompt))
            yield TextArea("", id="note", soft_wrap=True, tab_behavior="focus")
            with Horizontal(classes="dialog-date"):
                yield Label(Text(self.date_label + ": "))
                yield Input(placeholder=DATE_HINT, id="note-date", select_on_focus=False)
            yield Static("", id="note-error", classes="dialog-error")
            yield Static(Text("ctrl+s save · tab next box · esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#note", TextArea).focus()

    def action_confirm(self) -> None:
        """Confirm, refusing an empty note or an unreadable date."""
        error = self.query_one("#note-error", Static)
        text = self.query_one("#note", TextArea).text.strip()
        if not text:
            error.update(Text("Write the note first.", style="bold"))
            self.query_one("#note", TextArea).focus()
            return
        typed = self.query_one("#note-date", Input).value.strip()
        try:
            when = parse_date(typed) if typed else None
            if when is not None and self.not_before is not None and when < self.not_before:
                raise FieldInputError(f"{when:%d %b %Y} has passed; give a date from {self.not_before:%d %b %Y}")
        except FieldInputError as exc:
            error.update(literal(f"{self.date_label}: {exc}", "bold"))
            self.query_one("#note-date", Input).focus()
            return
        self.dismiss((text, when))

    def action_cancel(self) -> None:
        """Close without a note."""
        self.dismiss(None)


class PickDialog(Dialog[Any]):
    """Pick one item from a list: type to narrow it (a longer list has a find box), ``up``/``down`` move,
    ``enter`` picks, ``escape`` cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="pick.down", priority=True),
        Binding("up", "move(-1)", "Up", show=False, id="pick.up", priority=True),
    ]

    #: lists longer than this get a find box
    FIND_FROM = 6

    def __init__(self, title: str, items: Sequence[tuple[Text | str, Any]], hint: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.items = list(items)
        self.hint = hint
        self.shown: list[int] = list(range(len(self.items)))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            if self.hint:
                yield Static(Text(self.hint, style="dim"))
            if len(self.items) > self.FIND_FROM:
                yield Input(placeholder="type to narrow the list…", id="pick-find", select_on_focus=False)
            yield OptionList(*self._options(), id="pick")

    def _label(self, index: int) -> Text:
        label = self.items[index][0]
        return label if isinstance(label, Text) else literal(label)

    def _options(self) -> list[Option]:
        return [Option(self._label(i), id=str(i)) for i in self.shown]

    def on_mount(self) -> None:
        finder = self.query("#pick-find")
        (finder.first() if finder else self.query_one("#pick", OptionList)).focus()
        options = self.query_one("#pick", OptionList)
        if options.option_count:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "pick-find":
            return
        words = event.value.lower().split()
        self.shown = [i for i in range(len(self.items)) if all(w in self._label(i).plain.lower() for w in words)]
        options = self.query_one("#pick", OptionList)
        options.clear_options()
        options.add_options(self._options())
        if self.shown:
            options.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "pick-find":
            event.stop()
            highlighted = self.query_one("#pick", OptionList).highlighted
            if highlighted is not None and self.shown:
                self.dismiss(self.items[self.shown[highlighted]][1])

    def action_move(self, delta: int) -> None:
        """Move in the list (from the find box too); it stops at its ends."""
        options = self.query_one("#pick", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -delta
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.items[int(event.option.id or 0)][1])

    def action_cancel(self) -> None:
        """Close without picking."""
        self.dismiss(None)
