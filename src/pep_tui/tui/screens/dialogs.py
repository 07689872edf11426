"""Small modal dialogs: a choice with one key per answer, a reason to type, a list to pick from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from pep_tui.tui.text import literal


class ChoiceDialog(ModalScreen[Any]):
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
            with Horizontal(classes="dialog-buttons"):
                for key, label, _ in self.choices:
                    yield Button(Text(f"{key} {label}"), id=f"choice-{self.choices.index((key, label, _))}",
                                 compact=True)

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


class ReasonDialog(ModalScreen[str | None]):
    """Ask for a reason (returning a PEP, a comment): ``ctrl+s`` confirms, ``escape`` cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Confirm", id="reason.confirm", priority=True),
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
    ]

    def __init__(self, title: str, prompt: str, initial: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.prompt = prompt
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(Text(self.prompt))
            yield TextArea(self.initial, id="reason", soft_wrap=True, tab_behavior="focus")
            yield Static("", id="reason-error", classes="dialog-error")
            yield Static(Text("ctrl+s confirm · esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#reason", TextArea).focus()

    def action_confirm(self) -> None:
        """Confirm, refusing an empty reason."""
        text = self.query_one("#reason", TextArea).text.strip()
        if not text:
            self.query_one("#reason-error", Static).update(Text("A reason is needed: say what to change.", style="bold"))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without a reason."""
        self.dismiss(None)


class PickDialog(ModalScreen[Any]):
    """Pick one item from a list (type to move, ``enter`` picks, ``escape`` cancels)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel"),
    ]

    def __init__(self, title: str, items: Sequence[tuple[Text | str, Any]], hint: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.items = list(items)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            if self.hint:
                yield Static(Text(self.hint, style="dim"))
            yield OptionList(
                *[Option(label if isinstance(label, Text) else literal(label), id=str(i))
                  for i, (label, _) in enumerate(self.items)],
                id="pick",
            )

    def on_mount(self) -> None:
        self.query_one("#pick", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.items[int(event.option.id or 0)][1])

    def action_cancel(self) -> None:
        """Close without picking."""
        self.dismiss(None)
