"""A child: key facts, PEPs by term, when the next one is due, and (for roles that may) the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from pep_tui.domain import year_group_label
from pep_tui.plugins.api import Capability
from pep_tui.services import PermissionDenied, WorkflowError, can
from pep_tui.services.family_view import YOUNG_PERSON_STATUS, is_young_person, sees_staff_fields
from pep_tui.tui.cohort_view import STATUS_WORDS
from pep_tui.tui.navigation import go_back
from pep_tui.tui.text import clean, literal
from pep_tui.tui.widgets.lists import KeyList

if TYPE_CHECKING:
    from pep_tui.domain import PEP
    from pep_tui.store import ChildRecord
    from pep_tui.tui.app import PepApp


def pep_line(pep: PEP, current: bool, show_qa: bool = True, young_person: bool = False) -> Text:
    """One PEP in the history list (the Virtual School's quality rating only for staff; for the young
    person, where it has got to in their words and no revision number)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{pep.term_ref.label:<17}", style="bold" if current else "")
    text.append(f" {year_group_label(pep.year_group):<16}")
    words = YOUNG_PERSON_STATUS if young_person else STATUS_WORDS
    status = words.get(pep.status.value, pep.status.value.replace("_", " "))
    text.append(f" {status:<13}", style="bold" if pep.status.value == "returned" else "")
    if not young_person:
        text.append(f"rev {pep.revision:<3}")
    if pep.qa_rating is not None and show_qa:
        text.append(f" QA {clean(pep.qa_rating.overall)}")
    if pep.superseded_by:
        text.append(" (replaced by a correction)" if young_person else " (superseded)", style="dim")
    return text


class ChildScreen(Screen[None]):
    """One child. ``enter`` opens the highlighted PEP; ``s`` starts this term's PEP where allowed."""

    HELP_TITLE = "Child"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="child.back"),
        Binding("p", "open_current", "This term's PEP", id="child.open_current"),
        Binding("s", "start_pep", "Start PEP", id="child.start_pep"),
        Binding("n", "start_next", "Next term's PEP", id="child.start_next"),
        Binding("a", "audit", "Audit trail", id="child.audit"),
        Binding("i", "record", "Child record", show=False, id="child.record"),
        Binding("r", "reload", "Reload", show=False, id="child.reload"),
        Binding("d", "download_pep", "Download PEP", show=False, id="child.download_pep"),
    ]

    app: PepApp

    def __init__(self, child_id: str, open_current: bool = False) -> None:
        super().__init__()
        self.child_id = child_id
        self.open_current = open_current
        self.record: ChildRecord | None = None
        self.peps: list[PEP] = []

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        yield Static("", id="child-facts")
        yield Static("", id="child-due")
        yield Label(Text("PEPs by term (enter opens)", style="bold"), id="history-title")
        yield KeyList(id="history")
        yield Footer()

    def on_mount(self) -> None:
        if self.load() and self.open_current:
            self.call_after_refresh(self.action_open_current)

    def on_screen_resume(self) -> None:
        # A screen uncovered only on its way out (switching role pops every screen at once) must not read
        # the child as the next person, nor pop a screen that is not its own.
        if self.record is not None and self.app.screen is self:
            self.load()

    # --- loading -----------------------------------------------------------------------------

    def load(self) -> bool:
        """Read the child and their PEPs through the services; ``False`` (and back) if refused."""
        services, principal = self.app.services, self.app.principal
        try:
            self.record = services.children.record(principal, self.child_id)
            self.peps = services.peps.history(principal, self.child_id)
        except PermissionDenied as exc:
            if self.app.screen is self:
                self.app.notify(str(exc), title="Not available", severity="error")
                self.app.pop_screen()
            return False
        child = self.record.child
        self.app.set_where(child.display_name)
        facts = Table.grid(padding=(0, 1), expand=True)
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column(ratio=1, no_wrap=True, overflow="ellipsis")  # one line per fact: none is pushed off
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        summary = next((s for s in services.children.list(principal) if s["child_id"] == self.child_id), {})
        # what this role may see, from the services: the family sees nothing of the placement unless the
        # social worker has decided so; people by name, never by login
        shown = services.children.facts(principal, self.child_id)
        for index in range(0, len(shown), 2):
            pair = shown[index:index + 2]
            cells: list[Any] = []
            for label, value in pair:
                cell = literal(value, "bold" if label == "Name" else "")
                cell.no_wrap, cell.overflow = True, "ellipsis"
                cells += [label, cell]
            facts.add_row(*cells)
        self.query_one("#child-facts", Static).update(facts)
        due = Text()
        young = is_young_person(services.registry, principal)
        if young:
            self.query_one("#history-title", Label).update(
                Text("Your PEPs (Personal Education Plans), newest first: enter opens one", style="bold"))
        if young and summary.get("next_due"):
            from datetime import date as _day

            due.append("Your next PEP meeting should be by ", style="bold")
            due.append(_day.fromisoformat(summary["next_due"]).strftime("%d %B %Y"), style="bold")
        elif young:
            due.append("No PEP meeting is due for you now.", style="dim")
        elif summary.get("next_due"):
            overdue = summary["next_due"] < services.ctx.today().isoformat() and summary.get("current_status") != "approved"
            due.append("Next PEP due: ", style="bold")
            due.append(f"{summary['next_due']}", style="bold reverse" if overdue else "bold")
            if overdue:
                due.append(" OVERDUE", style="bold")
            due.append(f" ({clean(summary.get('due_reason') or '')})")
            from datetime import date as _date

            from pep_tui.services.due_dates import untrusted_note

            note = untrusted_note(_date.fromisoformat(summary["next_due"]), services.ctx.settings.policy.calendar())
            if note:
                due.append(f"\n{note}", style="italic")
        else:
            due.append("No PEP due (not of PEP age or left care)", style="dim")
        self.query_one("#child-due", Static).update(due)
        staff = sees_staff_fields(services.registry, principal)  # QA ratings are the staff's wording
        history = self.query_one("#history", OptionList)
        history.clear_options()
        current_id = summary.get("current_pep_id")
        for pep in reversed(self.peps):
            history.add_option(Option(pep_line(pep, pep.id == current_id, staff, young), id=pep.id))
        if not self.peps:
            history.add_option(Option(Text("No PEPs yet. Press s to start this term's PEP.", style="dim"),
                                      id="none", disabled=True))
        history.highlighted = 0 if self.peps else None
        history.focus()
        self.refresh_bindings()
        return True

    def current_pep(self) -> PEP | None:
        """This term's live PEP, else the newest."""
        from pep_tui.domain import TermRef

        term = TermRef.containing(self.app.services.ctx.today())
        live = [p for p in self.peps if p.term_ref == term and not p.superseded_by]
        return live[-1] if live else (self.peps[-1] if self.peps else None)

    # --- actions -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        registry, principal = self.app.services.registry, self.app.principal
        if action == "start_pep":
            return can(registry, principal, Capability.START_PEP)
        if action == "start_next":
            return self.app.workflow is not None and can(registry, principal, Capability.START_PEP)
        if action == "audit":
            return can(registry, principal, Capability.VIEW_AUDIT)
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != "none":
            self.open_pep(event.option.id)

    def open_pep(self, pep_id: str) -> None:
        """Open a PEP in the editor."""
        from pep_tui.tui.screens.pep import PEPScreen

        self.app.push_screen(PEPScreen(self.child_id, pep_id))

    def action_open_current(self) -> None:
        """Open this term's PEP (or the newest)."""
        pep = self.current_pep()
        if pep is None:
            self.app.notify("No PEP yet: press s to start this term's PEP.", title="No PEP")
            return
        self.open_pep(pep.id)

    def action_start_pep(self) -> None:
        """Start this term's PEP (carrying forward the last PEP's targets)."""
        try:
            pep = self.app.services.peps.start(self.app.principal, self.child_id)
        except (PermissionDenied, WorkflowError) as exc:
            self.app.notify(str(exc), title="Cannot start a PEP", severity="warning")
            return
        self.load()
        self.open_pep(pep.id)

    def action_start_next(self) -> None:
        """Start next term's PEP (workflow service)."""
        workflow = self.app.workflow
        if workflow is None:
            return
        try:
            pep = workflow.start_next_term(self.app.principal, self.child_id)
        except (PermissionDenied, WorkflowError) as exc:
            self.app.notify(str(exc), title="Cannot start next term's PEP", severity="warning")
            return
        self.load()
        self.open_pep(pep.id)

    def action_audit(self) -> None:
        """Show who changed what and when."""
        try:
            events = self.app.services.audit.for_child(self.app.principal, self.child_id)
        except PermissionDenied as exc:
            self.app.notify(str(exc), title="Audit trail", severity="warning")
            return
        self.app.push_screen(AuditScreen(self.record.child.display_name if self.record else "", events))

    def action_record(self) -> None:
        """The child's record: facts, allocations with history, moves and leaving care."""
        from pep_tui.tui.screens.child_record import ChildRecordScreen

        self.app.push_screen(ChildRecordScreen(self.child_id))

    def action_reload(self) -> None:
        """Read the child again."""
        self.load()

    def action_download_pep(self) -> None:
        """This term's PEP as a PDF: a download in a browser, the export command in a terminal."""
        self.app.download_pep(self.child_id)

    def action_back(self) -> None:
        """Back to the list."""
        go_back(self)


class AuditScreen(Screen[None]):
    """A child's audit trail, newest first."""

    HELP_TITLE = "Audit trail"

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "back", "Back", id="audit.back")]

    app: PepApp

    def __init__(self, name: str, events: list[Any]) -> None:
        super().__init__()
        self.child_name = name
        self.events = events

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        yield Label(literal(f"Audit trail: {self.child_name} ({len(self.events)} events)", "bold"))
        table = Table(box=None, expand=True, pad_edge=False)
        for heading in ("When (UTC)", "Who", "Role", "What", "Section", "Rev"):
            table.add_column(heading, no_wrap=heading in ("When (UTC)", "Rev"))
        for event in reversed(self.events[-500:]):
            table.add_row(
                Text(event.at.strftime("%Y-%m-%d %H:%M")), literal(event.actor), literal(event.role),
                literal(event.action + (f": {event.detail['reason']}" if event.detail.get("reason") else "")),
                literal(event.section_id or "-"),
                Text(f"{event.old_revision or 0}→{event.new_revision or 0}"),
            )
        with VerticalScroll(id="audit-body", can_focus=True):
            yield Static(table)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#audit-body").focus()

    def action_back(self) -> None:
        """Back to the child."""
        go_back(self)
