"""The children list: a virtual table drawn with the Line API, so only the rows on screen cost anything.

It shows a :class:`~pep_tui.tui.cohort_view.CohortView` (filtering and sorting live there). Rendering
10,000 children costs the same as rendering 20: ``render_line`` formats the one row asked for.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pep_tui.tui.cohort_view import STATUS_WORDS, CohortView
from pep_tui.tui.text import clean


def fit(text: str, width: int) -> str:
    """``text`` padded or cut (with an ellipsis) to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


#: (id, heading, fixed width or 0 for flexible) in display order.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("name", "Name", 0),
    ("year", "Year", 9),
    ("school", "School", 0),
    ("status", "PEP status", 11),
    ("next_due", "Next due", 11),
    ("last_qa", "QA", 6),
    ("attendance", "Att%", 5),
)


def _date_text(iso: str | None) -> str:
    return iso or "-"


def _year_text(summary: dict[str, Any]) -> str:
    group = summary.get("year_group")
    label = summary.get("year_label") or ""
    if isinstance(group, int):
        if group >= 1:
            return f"Y{group}"
        if group == 0:
            return "Reception"
        return "Nursery"
    return clean(label)


class ChildrenList(ScrollView, can_focus=True):
    """A keyboard-driven list of children: ``up``/``down``/``pageup``/``pagedown``, ``enter`` to open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="children.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="children.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="children.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="children.page_down"),
        Binding("home,g", "jump(0)", "First", show=False, id="children.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="children.last"),
        Binding("enter", "open", "Open child", id="children.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "children-list--header",
        "children-list--cursor",
        "children-list--overdue",
        "children-list--returned",
        "children-list--dim",
    }

    DEFAULT_CSS = """
    ChildrenList { height: 1fr; background: $surface; }
    ChildrenList > .children-list--header { text-style: bold; background: $panel; }
    ChildrenList > .children-list--cursor { background: $accent 40%; text-style: bold; }
    ChildrenList:focus > .children-list--cursor { background: $accent; color: $text; }
    ChildrenList > .children-list--overdue { color: $error; text-style: bold; }
    ChildrenList > .children-list--returned { color: $warning; }
    ChildrenList > .children-list--dim { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Opened(Message):
        """The user asked to open the child under the cursor."""

        def __init__(self, summary: dict[str, Any]) -> None:
            super().__init__()
            self.summary = summary

    def __init__(self, view: CohortView, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view = view
        self._styles: dict[str, Style] = {}

    # --- data ---------------------------------------------------------------------------------

    def refresh_rows(self, keep_child: str | None = None) -> None:
        """Call after the view changed: resize the virtual area and repaint what is visible."""
        if keep_child is not None:
            for row, index in enumerate(self.view.rows):
                if self.view.summaries[index].get("child_id") == keep_child:
                    self.cursor = row
                    break
        size = Size(self.size.width, len(self.view) + 1)
        if size != self.virtual_size:
            # Assigning ``virtual_size`` lays out the whole screen (header, find box, footer…) and
            # repaints all of it on every keystroke. Only the list and its scrollbar change, unless the
            # scrollbar appears or goes: that one case still asks for a layout.
            had_scrollbar = self.show_vertical_scrollbar
            self.set_reactive(ChildrenList.virtual_size, size)
            if self.container_size:
                self._scroll_update(size)
            if self.show_vertical_scrollbar != had_scrollbar or not self.container_size:
                self.refresh(layout=True)
            else:
                self.refresh()
        self.cursor = min(max(self.cursor, 0), max(len(self.view) - 1, 0))

    @property
    def current(self) -> dict[str, Any] | None:
        """The summary under the cursor, if any."""
        if not len(self.view):
            return None
        return self.view.summary(min(self.cursor, len(self.view) - 1))

    # --- movement -----------------------------------------------------------------------------

    def watch_cursor(self, _old: int, new: int) -> None:
        height = max(self.scrollable_content_region.height - 1, 1)
        top = round(self.scroll_y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        if len(self.view):
            self.cursor = min(max(self.cursor + delta, 0), len(self.view) - 1)

    def action_page(self, direction: int) -> None:
        """Move a page up or down."""
        self.action_cursor(direction * max(self.scrollable_content_region.height - 2, 1))

    def action_jump(self, row: int) -> None:
        """Go to the first (0) or last (-1) row."""
        if len(self.view):
            self.cursor = row % len(self.view)

    def action_open(self) -> None:
        """Open the child under the cursor."""
        summary = self.current
        if summary is not None:
            self.post_message(self.Opened(summary))

    def on_click(self, event: Any) -> None:
        """Mouse is optional: a click moves the cursor (a second click on the same row opens)."""
        row = round(self.scroll_y) + event.y - 1
        if 0 <= row < len(self.view):
            if row == self.cursor:
                self.action_open()
            self.cursor = row

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.view) + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    # --- drawing ------------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"children-list--{name}")
        return style

    def _widths(self, width: int) -> list[int]:
        fixed = sum(w for _, _, w in COLUMNS if w)
        gaps = len(COLUMNS) - 1
        flexible = max(width - fixed - gaps, 20)
        name_w = max(flexible * 11 // 20, 10)
        school_w = max(flexible - name_w, 8)
        return [w or (name_w if cid == "name" else school_w) for cid, _, w in COLUMNS]

    def _cells(self, summary: dict[str, Any]) -> list[str]:
        attendance = summary.get("attendance")
        return [
            clean(summary.get("name") or ""),
            _year_text(summary),
            clean(summary.get("school_name") or "-"),
            STATUS_WORDS.get(summary.get("current_status") or "", clean(summary.get("current_status") or "-")),
            _date_text(summary.get("next_due")),
            clean(summary.get("last_qa") or "-").capitalize(),
            "-" if attendance is None else f"{attendance:.0f}",
        ]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._styles.get("") or self._styles.setdefault("", self.rich_style)
        widths = self._widths(width)
        if y == 0:
            text = " ".join(fit(title, w) for (_, title, _), w in zip(COLUMNS, widths, strict=True))
            if not len(self.view):
                text = fit("No children match. Esc clears the filter.", width)
            return Strip([Segment(fit(text, width), base + self._style("header"))], width)
        row = round(self.scroll_y) + y - 1
        if row >= len(self.view):
            return Strip.blank(width, base)
        summary = self.view.summary(row)
        cells = self._cells(summary)
        style = base
        if row == self.cursor:
            style = base + self._style("cursor")
        segments: list[Segment] = []
        used = 0
        for index, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            cell_style = style
            column = COLUMNS[index][0]
            if column == "next_due" and self.view.is_overdue(summary):
                cell_style = style + self._style("overdue")
                cell = "!" + cell
            elif column == "status" and summary.get("current_status") == "returned":
                cell_style = style + self._style("returned")
            elif cell == "-":
                cell_style = style + self._style("dim")
            if index:
                segments.append(Segment(" ", style))
                used += 1
            segments.append(Segment(fit(cell, w), cell_style))
            used += w
        if used < width:
            segments.append(Segment(" " * (width - used), style))
            return Strip(segments, width)
        return Strip(segments, used).crop(0, width)
