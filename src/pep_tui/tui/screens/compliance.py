"""The Virtual School's compliance dashboard: in-date PEPs, overdue, QA, attendance, C2, suspensions,
NEET, by stage, school and social worker (``services.reports.compliance``).

The same plain-text dashboard as ``pep-tui report compliance`` (tables and ``#`` bar charts), shown as
literal text so no school or login name is ever read as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widgets import Footer, Static

from pep_tui.services import PermissionDenied
from pep_tui.tui.navigation import go_back
from pep_tui.tui.text import literal

if TYPE_CHECKING:
    from pep_tui.services import Principal, Services


class ComplianceScreen(Screen[None]):
    """Cohort compliance for the Virtual School.

    Construct as ``ComplianceScreen()`` (the app's services and principal are used) or
    ``ComplianceScreen(services, principal)`` (the plugin-view contract).
    """

    HELP_TITLE = "Compliance"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="compliance.back"),
        Binding("r", "reload", "Reload", id="compliance.reload"),
    ]

    DEFAULT_CSS = """
    ComplianceScreen #compliance-body { height: 1fr; }
    ComplianceScreen #compliance-report { width: auto; padding: 0 1; }
    """

    def __init__(self, services: Services | None = None, principal: Principal | None = None) -> None:
        super().__init__()
        self._services = services
        self._principal = principal

    @property
    def services(self) -> Services:
        """The services (given, or the app's)."""
        return self._services or self.app.services  # type: ignore[attr-defined]

    @property
    def principal(self) -> Principal:
        """Who is looking (given, or the app's)."""
        return self._principal or self.app.principal  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        identity_bar: Any = getattr(self.app, "identity_bar", None)
        if callable(identity_bar):
            yield identity_bar()
        with ScrollableContainer(id="compliance-body", can_focus=True):
            yield Static("", id="compliance-report")
        yield Footer()

    def on_mount(self) -> None:
        set_where: Any = getattr(self.app, "set_where", None)
        if callable(set_where):
            set_where("Compliance")
        self.action_reload()
        self.query_one("#compliance-body").focus()

    def report_text(self) -> str:
        """The dashboard as text (or why it cannot be shown)."""
        from pep_tui.services.report_render import text_report

        try:
            return text_report(self.services.reports.compliance(self.principal))
        except PermissionDenied as exc:
            return f"The compliance dashboard is not available: {exc}."

    def action_reload(self) -> None:
        """Recompute the figures from the index."""
        text = literal(self.report_text(), newlines=True)
        text.no_wrap = True  # tables and charts keep their columns; scroll sideways on a narrow terminal
        self.query_one("#compliance-report", Static).update(text)
        warn: Any = getattr(self.app, "warn_unreadable", None)
        if callable(warn):
            warn()

    def action_back(self) -> None:
        """Back."""
        go_back(self)
