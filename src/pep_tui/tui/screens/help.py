"""F1 / ?: the keys of the screen in view (including any the user remapped)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from pep_tui.tui.navigation import Dialog


def binding_rows(screen: Screen) -> list[tuple[str, str, str]]:
    """(keys, what it does, binding id) for every binding active on ``screen``, one row per action."""
    app = screen.app
    seen: dict[tuple[int, str], list[str]] = {}
    info: dict[tuple[int, str], tuple[str, str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.id is None:  # editing keys of text boxes: listed once below, not per widget
            continue
        description = binding.description or binding.tooltip
        if not description:
            continue
        ident = (id(active.node), binding.action)
        seen.setdefault(ident, [])
        display = app.get_key_display(binding.with_key(key)) if hasattr(binding, "with_key") else key
        if display not in seen[ident]:
            seen[ident].append(display)
        info[ident] = (description, binding.id or "")
    rows = [(" / ".join(keys), *info[ident]) for ident, keys in seen.items()]
    return sorted(rows, key=lambda r: r[1].lower())


def screen_title(screen: Screen) -> str:
    """What the help calls a screen: its ``HELP_TITLE``, else its class name in words
    (``DecisionQueueScreen`` → "Decision queue"), never a bare class name."""
    import re

    title = getattr(screen, "HELP_TITLE", None)
    if title:
        return str(title)
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z]*|[a-z]+|\d+", type(screen).__name__.removesuffix("Screen"))
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:] if text else "pep-tui"


class HelpScreen(Dialog[None]):
    """The bindings of the screen underneath, with their ids (for ``keys`` in settings.toml)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close help", id="help.close"),
    ]

    def __init__(self, title: str, rows: list[tuple[str, str, str]], note: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.rows = rows
        self.note = note

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, pad_edge=False)
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Does")
        table.add_column("Id (to remap)", style="dim", no_wrap=True)
        for keys, description, binding_id in self.rows:
            table.add_row(Text(keys), Text(description), Text(binding_id))
        with Vertical(classes="dialog-box help-box"):
            yield Label(Text(f"Keys: {self.title_text}", style="bold"), classes="dialog-title")
            with VerticalScroll(id="help-body", can_focus=True):
                yield Static(table)
                yield Static(Text(
                    "tab / shift+tab move between fields; in a text box the usual editing keys work "
                    "(home, end, ctrl+w, ctrl+k, ctrl+u); enter opens or picks; esc goes back.",
                ))
                yield Static(Text(
                    "ctrl+p opens the command palette: every action, searchable. "
                    "Remap a key in settings.toml: [keys] then  binding.id = \"key\"." + self.note,
                    style="dim",
                ))
            yield Static(Text("esc closes", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
