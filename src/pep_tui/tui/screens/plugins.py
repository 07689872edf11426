"""The plugins screen: what is loaded, what each contributes, and any that failed to load (and why)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from pep_tui.tui.navigation import go_back
from pep_tui.tui.text import clean, literal

if TYPE_CHECKING:
    from pep_tui.tui.app import PepApp


class PluginsScreen(Screen[None]):
    """Every plugin record from the plugin manager."""

    HELP_TITLE = "Plugins"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "back", "Back", id="plugins.back")]

    app: PepApp

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        records = sorted(self.app.plugin_records(), key=lambda r: (bool(r.error) is False, r.kind, r.name))
        errors = [r for r in records if r.error and not getattr(r, "disabled", False)]
        head = Text(f"{len(records)} plugins", style="bold")
        head.append(f", {len(errors)} with load errors" if errors else ", all loaded", style="bold" if errors else "")
        table = Table(expand=True, box=None, pad_edge=False)
        table.add_column("Plugin", no_wrap=True, style="bold")
        table.add_column("Kind", no_wrap=True)
        table.add_column("Contributes")
        table.add_column("Status")
        for record in records:
            parts = []
            for label in ("stages", "roles", "sections", "validators", "views", "commands"):
                items = getattr(record, label, [])
                if items:
                    parts.append(f"{len(items)} {label}")
            status = literal(f"ERROR: {record.error}", "bold") if record.error else Text("ok")
            table.add_row(literal(record.name), literal(record.kind), Text(", ".join(parts) or "-"), status)
        with VerticalScroll(id="plugins-body", can_focus=True):
            yield Static(head)
            yield Static(table)
            yield Static(Text("Plugins load from the 'pep_tui' entry-point group; "
                              "'pep-tui plugins' prints the same list.", style="dim"))
        yield Footer()

    def on_mount(self) -> None:
        self.app.set_where("Plugins")
        self.query_one("#plugins-body").focus()

    def action_back(self) -> None:
        """Back."""
        go_back(self)


def view_title(title: str) -> Text:
    """A plugin view's title, literal."""
    return Text(clean(title))
