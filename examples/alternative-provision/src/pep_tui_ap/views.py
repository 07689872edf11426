"""The plugin's screen. pep-tui imports this module only when the view is opened."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from pep_tui.services import Principal, Services
from pep_tui.tui.text import literal
from pep_tui_ap.overview import children_in_ap


class APOverviewScreen(Screen[None]):
    """Every child in the signed-in person's scope who is in alternative provision."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="ap.back")]

    DEFAULT_CSS = """
    APOverviewScreen #ap-title { padding: 0 1; text-style: bold; }
    APOverviewScreen #ap-empty { padding: 1; }
    """

    def __init__(self, services: Services, principal: Principal) -> None:
        super().__init__()
        self.services = services
        self.principal = principal

    def compose(self) -> ComposeResult:
        yield Static("Children in alternative provision", id="ap-title")
        yield DataTable(id="ap-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="ap-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Child", "Year", "Provider", "Hours a week", "Review due")
        rows = children_in_ap(self.services, self.principal)
        for row in rows:
            table.add_row(
                literal(row.name),
                str(row.year_group),
                literal(row.provider or "not recorded"),
                "-" if row.hours_per_week is None else str(row.hours_per_week),
                "-" if row.review_date is None else f"{row.review_date:%d %b %Y}",
                key=row.child_id,
            )
        empty = self.query_one("#ap-empty", Static)
        empty.update("" if rows else "No child in your scope is in alternative provision.")
        table.focus()
