"""The "Needs you" panel at the top of the home screen: the first few things that need the signed-in
person, overdue in red, and how many more; ``f10`` opens them all (:mod:`pep_tui.tui.screens.inbox`).

A caseload of up to :data:`BEFORE_FIRST_PAINT` children is worked out before the screen is drawn (a
few milliseconds); a larger one (the Virtual School of a big council) after it, off the UI thread, so
the children list is ready to type into as fast as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.widgets import Static

from pep_tui.services.needs import NeedItem

if TYPE_CHECKING:
    from pep_tui.tui.app import PepApp

#: Lines the panel shows before "and N more".
SHOWN = 3
#: Children in scope up to which the panel is filled before the first paint.
BEFORE_FIRST_PAINT = 2000
#: Seconds after the home screen appears that a larger cohort's panel is worked out.
AFTER_FIRST_PAINT = 0.5


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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.items: list[NeedItem] = []
        self._filled = False
        if self._small():  # filled before the first layout, so the screen is laid out once
            self.show(self._compute())

    def _small(self) -> bool:
        return len(self.app.services.store.summaries()) <= BEFORE_FIRST_PAINT

    def on_mount(self) -> None:
        if not self._filled:
            self.reload()

    def reload(self) -> None:
        """Recompute the items (from the index) and redraw: at once for a small cohort, else in the background."""
        if self._small():
            self.show(self._compute())
        else:
            if not self._filled:
                self.update(Text("Needs you: working it out…", style="dim"))
            # once the list is on screen and ready to type into: the work would otherwise hold it up
            self.set_timer(AFTER_FIRST_PAINT, self._compute_in_background)

    def _compute(self) -> list[NeedItem] | None:
        try:
            return self.app.services.needs.for_principal(self.app.principal)
        except Exception:  # the home screen must open whatever a plugin's summary holds
            return None

    @work(thread=True, exclusive=True, group="needs-panel")
    def _compute_in_background(self) -> None:
        items = self._compute()
        self.app.call_from_thread(self.show, items)

    def show(self, items: list[NeedItem] | None) -> None:
        """Draw the panel for these items (``None``: they could not be worked out)."""
        self._filled = True
        if items is None:
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
