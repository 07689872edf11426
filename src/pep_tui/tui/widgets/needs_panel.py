"""The "Needs you" panel at the top of the home screen: the first few things that need the signed-in
person, overdue in red, and how many more; ``f9`` opens them all (:mod:`pep_tui.tui.screens.inbox`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from pep_tui.services.needs import NeedItem

if TYPE_CHECKING:
    from pep_tui.tui.app import PepApp

#: Lines the panel shows before "and N more".
SHOWN = 3


def item_text(item: NeedItem, with_school: bool = False) -> Text:
    """One item as a line: child, year, what, when; overdue in red. Never read as markup."""
    line = Text()
    style = "bold red" if item.overdue else ""
    line.append(f"{item.name or item.initials}", style="bold")
    if item.year_label:
        line.append(f" ({item.year_label})")
    if with_school and item.school_name:
        line.append(f", {item.school_name}", style="dim")
    line.append(f": {item.what}", style=style)
    if item.overdue:
        line.append(f" - {item.overdue_days} working day{'s' if item.overdue_days != 1 else ''} overdue", style=style)
    elif item.due is not None and item.kind != "meeting":
        line.append(f" - due {item.due:%d %b}", style="dim")
    return line


class NeedsPanel(Static):
    """What needs you now, in a few lines, first on the home screen."""

    DEFAULT_CSS = """
    NeedsPanel { height: auto; max-height: 5; padding: 0 1; border-left: thick $warning; }
    """

    app: PepApp

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Recompute the items (from the index: cheap) and redraw."""
        try:
            items = self.app.services.needs.for_principal(self.app.principal)
        except Exception:  # the home screen must open whatever a plugin's summary holds
            self.update(Text("Needs you: not available just now.", style="dim"))
            return
        self.items = items
        key = self.app.key_for("app.inbox")
        text = Text()
        if not items:
            text.append("Nothing needs you now.", style="dim")
        else:
            overdue = sum(1 for i in items if i.overdue)
            text.append(f"Needs you: {len(items)}", style="bold")
            if overdue:
                text.append(f" ({overdue} overdue)", style="bold red")
            text.append(f"  {key} opens the list" if key else "", style="dim")
            for item in items[:SHOWN]:
                text.append("\n")
                text.append_text(item_text(item))
            if len(items) > SHOWN:
                text.append(f"\n… and {len(items) - SHOWN} more", style="dim")
        self.update(text)
