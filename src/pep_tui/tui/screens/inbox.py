"""Needs you: everything that needs the signed-in person, most pressing first; ``enter`` opens the PEP at
the right section. The Virtual School also sees overdue PEPs across the cohort by school and by social
worker (``g`` switches). ``d`` chooses one's own email digest: daily, weekly or none."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from pep_tui.plugins.api import Capability
from pep_tui.services import PermissionDenied, can
from pep_tui.services.needs import NeedItem
from pep_tui.tui.widgets.needs_panel import item_text

if TYPE_CHECKING:
    from pep_tui.tui.app import PepApp

GROUPINGS = ("school", "social_worker")


class InboxScreen(Screen[None]):
    """The full "needs you" list (and, for the Virtual School, overdue by school or social worker)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="inbox.back"),
        Binding("d", "digest", "Email digest", id="inbox.digest"),
        Binding("g", "grouping", "By school / SW", id="inbox.grouping"),
    ]

    app: PepApp

    def __init__(self) -> None:
        super().__init__()
        self.items: list[NeedItem] = []
        self.grouping = GROUPINGS[0]

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        yield Static("", id="inbox-title")
        yield OptionList(id="inbox")
        yield Static("", id="overdue-title")
        yield OptionList(id="overdue-groups")
        yield Footer()

    @property
    def cohort(self) -> bool:
        """The person may see cohort reports (the Virtual School)."""
        return can(self.app.services.registry, self.app.principal, Capability.VIEW_REPORTS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "grouping":
            return self.cohort
        return True

    def on_mount(self) -> None:
        self.app.set_where("Needs you")
        self.reload()
        self.query_one("#inbox", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Recompute the lists from the index."""
        services, principal = self.app.services, self.app.principal
        self.items = services.needs.for_principal(principal)
        overdue = sum(1 for i in self.items if i.overdue)
        member = services.store.get_staff(principal.login)
        digest = member.digest if member is not None else "none"
        title = Text(f"Needs you: {len(self.items)}", style="bold")
        if overdue:
            title.append(f" ({overdue} overdue)", style="bold red")
        title.append(f"   email digest: {digest}" + ("" if member and member.email else " (no email address)"),
                     style="dim")
        self.query_one("#inbox-title", Static).update(title)
        box = self.query_one("#inbox", OptionList)
        keep = box.highlighted
        box.clear_options()
        if self.items:
            box.add_options([Option(item_text(i, with_school=self.cohort), id=str(n)) for n, i in enumerate(self.items)])
            box.highlighted = min(keep or 0, len(self.items) - 1)
        else:
            box.add_option(Option(Text("Nothing needs you now.", style="dim"), disabled=True))
        groups = self.query_one("#overdue-groups", OptionList)
        heading = self.query_one("#overdue-title", Static)
        groups.display = heading.display = self.cohort
        if self.cohort:
            rows = services.needs.overdue_by(principal, self.grouping)
            words = "school" if self.grouping == "school" else "social worker"
            heading.update(Text(f"Overdue across the cohort by {words} (g switches)", style="bold"))
            groups.clear_options()
            shown = [r for r in rows if r["overdue"]]
            groups.add_options([Option(Text.assemble(
                (f"{r['group']}", "bold"), f": {r['overdue']} of {r['children']} overdue",
                (f", {r['escalated']} escalated" if r["escalated"] else "", "red"),
                f", worst {r['worst']} working days")) for r in shown]
                or [Option(Text("Nothing overdue.", style="dim"), disabled=True)])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id != "inbox" or event.option.id is None:
            return
        self.open_item(self.items[int(event.option.id)])

    def open_item(self, item: NeedItem) -> None:
        """Open the PEP at the item's section (or the child, when there is no PEP yet)."""
        from pep_tui.tui.screens.child import ChildScreen
        from pep_tui.tui.screens.pep import PEPScreen

        if item.pep_id is None:
            self.app.push_screen(ChildScreen(item.child_id))
            return
        screen = PEPScreen(item.child_id, item.pep_id)
        self.app.push_screen(screen)
        if item.section_id:
            section = item.section_id
            screen.call_after_refresh(lambda: _show(screen, section))
        if item.kind == "resubmit":
            try:
                reason = self.app.services.needs.return_reason(self.app.principal, item.child_id, item.pep_id)
            except PermissionDenied:
                reason = ""
            if reason:
                self.app.notify(reason, title="Returned: what to fix", timeout=12)

    def action_grouping(self) -> None:
        """Overdue by school, or by social worker."""
        self.grouping = GROUPINGS[(GROUPINGS.index(self.grouping) + 1) % len(GROUPINGS)]
        self.reload()

    def action_digest(self) -> None:
        """Choose your own email digest: daily, weekly or none."""
        from pep_tui.tui.screens.dialogs import PickDialog

        choices = [("Daily", "daily"), ("Weekly", "weekly"), ("None", "none")]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            try:
                self.app.services.needs.set_digest(self.app.principal, value)
            except PermissionDenied as exc:
                self.app.notify(str(exc), title="Email digest", severity="error")
                return
            self.app.notify(f"Email digest: {value}.", title="Email digest", timeout=3)
            self.reload()

        self.app.push_screen(PickDialog("Email digest", choices), chosen)


def _show(screen: object, section_id: str) -> None:
    """Show a section of a PEP screen if it has that section (a role may not see every section)."""
    states = getattr(screen, "states", [])
    if any(s.spec.id == section_id for s in states):
        screen.show_section(section_id)  # type: ignore[attr-defined]
