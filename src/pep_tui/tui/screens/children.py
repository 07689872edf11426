"""My children: everyone in scope, filtered as you type, sortable, with saved filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from pep_tui.tui.cohort_view import SAVED_FILTERS, CohortView
from pep_tui.tui.widgets.children_list import ChildrenList
from pep_tui.tui.widgets.find_box import FindBox
from pep_tui.tui.widgets.needs_panel import NeedsPanel
from pep_tui.tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from pep_tui.tui.app import PepApp


class ChildrenScreen(Screen[None]):
    """The first screen: type a few letters of a name, ``enter`` opens the child."""

    HELP_TITLE = "My children"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Clear filter", id="children.clear_filter"),
        Binding("up", "move(-1)", "Up", show=False, id="children.filter_up"),
        Binding("down", "move(1)", "Down", show=False, id="children.filter_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="children.filter_page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="children.filter_page_down"),
        Binding("ctrl+l", "next_saved", "Saved filter", id="children.saved_filter"),
        Binding("ctrl+o", "next_sort", "Sort", id="children.sort"),
        Binding("ctrl+r", "reverse_sort", "Reverse", id="children.reverse_sort"),
        Binding("ctrl+g", "open_current", "Current PEP", id="children.open_pep"),
    ]

    app: PepApp

    def __init__(self) -> None:
        super().__init__()
        self.view: CohortView | None = None

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        yield NeedsPanel(id="needs")
        with Horizontal(id="filter-row"):
            yield Static(Text("Find: ", style="bold"), id="filter-label")
            yield FindBox(placeholder="type a name, school or year…", id="filter", select_on_focus=False)
        yield StatusLine(id="list-status")
        yield ChildrenList(self._load_view(), id="children")
        yield Footer()

    def _load_view(self) -> CohortView:
        services = self.app.services
        summaries = services.children.list(self.app.principal)
        policy = services.ctx.settings.policy
        self.view = CohortView(summaries, services.ctx.today(), policy.persistent_absence_threshold)
        return self.view

    @property
    def children_list(self) -> ChildrenList:
        """The list widget."""
        return self.query_one(ChildrenList)

    @property
    def filter_input(self) -> Input:
        """The find box."""
        return self.query_one("#filter", Input)

    def on_mount(self) -> None:
        if not self.query("#filter"):  # removed before it was shown (a burst of role switches)
            return
        self.filter_input.focus()
        self.children_list.refresh_rows()
        self._update_status()
        self._warn_unreadable()

    def _warn_unreadable(self) -> None:
        warn: Any = getattr(self.app, "warn_unreadable", None)
        if callable(warn):
            warn()

    def on_screen_resume(self) -> None:
        if self.view is None or not self.is_mounted or self.app.screen is not self:
            return
        keep = self.children_list.current
        self.view.load(self.app.services.children.list(self.app.principal))
        self.children_list.refresh_rows(keep_child=keep.get("child_id") if keep else None)
        self._update_status()
        self._warn_unreadable()
        self.query_one(NeedsPanel).reload()

    def _update_status(self) -> None:
        view = self.view
        if view is None:
            return
        text = Text()
        text.append(f"{len(view)} of {len(view.summaries)}", style="bold")
        text.append(f" · {view.saved.title} · sorted by {view.sort.title} {'↓' if view.reverse else '↑'}")
        keys = [(self.app.key_for(f"children.{name}", self.BINDINGS), word)
                for name, word in (("saved_filter", "filter"), ("sort", "sort"))]
        text.append(f"  ({', '.join(f'{key} {word}' for key, word in keys if key)})", style="dim")
        self.query_one("#list-status", StatusLine).set_text(text)

    # --- typing ------------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "filter" or self.view is None:
            return
        self.view.set_query(event.value)
        self.children_list.cursor = 0
        self.children_list.refresh_rows()
        self._update_status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.children_list.action_open()

    def on_key(self, event: events.Key) -> None:
        """In the list, ``/`` goes to the find box (as in less, vim and k9s) and ``j``/``k``/``g``/``G``
        move; any other letter typed while the list has focus goes to the find box too."""
        if self.focused is self.children_list and event.character == "/":
            event.stop()
            self.filter_input.focus()
            return
        if self.focused is self.children_list and event.is_printable and event.character not in (None, "?", "j", "k", "g", "G"):
            event.stop()
            self.filter_input.focus()
            self.filter_input.insert_text_at_cursor(event.character or "")

    # --- actions -----------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Move the list's cursor from the find box."""
        self.children_list.action_cursor(delta)

    def action_page(self, direction: int) -> None:
        """Page the list from the find box."""
        self.children_list.action_page(direction)

    def action_clear_filter(self) -> None:
        """Clear the typed filter (and then the saved filter)."""
        if self.filter_input.value:
            self.filter_input.value = ""
        elif self.view is not None and self.view.saved.id != "all":
            self.apply_saved("all")
        self.filter_input.focus()

    def apply_saved(self, filter_id: str) -> None:
        """Show a saved filter (``overdue``, ``returned``, ``awaiting_qa``, ``neet``, ``low_attendance``)."""
        if self.view is None:
            return
        self.view.set_saved(filter_id)
        self.children_list.cursor = 0
        self.children_list.refresh_rows()
        self._update_status()

    def action_next_saved(self) -> None:
        """Step through the saved filters."""
        if self.view is not None:
            index = [f.id for f in SAVED_FILTERS].index(self.view.saved.id)
            self.apply_saved(SAVED_FILTERS[(index + 1) % len(SAVED_FILTERS)].id)

    def action_next_sort(self) -> None:
        """Sort by the next column."""
        if self.view is not None:
            keep = self.children_list.current
            self.view.next_sort()
            self.children_list.refresh_rows(keep_child=keep.get("child_id") if keep else None)
            self._update_status()

    def action_reverse_sort(self) -> None:
        """Reverse the order."""
        if self.view is not None:
            self.view.toggle_reverse()
            self.children_list.refresh_rows()
            self._update_status()

    def on_children_list_opened(self, event: ChildrenList.Opened) -> None:
        self.open_child(event.summary)

    def open_child(self, summary: dict[str, Any], open_pep: bool = False) -> None:
        """Show a child's screen (and, with ``open_pep``, their current PEP on top)."""
        from pep_tui.tui.screens.child import ChildScreen

        self.app.push_screen(ChildScreen(summary["child_id"], open_current=open_pep))

    def action_open_current(self) -> None:
        """Open the highlighted child's PEP for this term straight away."""
        summary = self.children_list.current
        if summary is not None:
            self.open_child(summary, open_pep=True)
