"""Screens for Pupil Premium Plus: the Virtual School's decision queue, the budget dashboard and a
child's PP+ history. Each is constructed as ``Screen(services, principal)``; every action goes through
:class:`~pep_tui_plugins.pupil_premium.service.PupilPremiumService`, which checks permission.

User text (names, interventions, reasons) is always shown as plain text, never as markup.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from pep_tui.services import InvalidInput, PermissionDenied, Principal, Services, WorkflowError
from pep_tui.store import StoreError
from pep_tui.tui.text import clean, literal
from pep_tui_plugins.pupil_premium.models import DecisionKind
from pep_tui_plugins.pupil_premium.money import Period, format_pence, parse_pounds
from pep_tui_plugins.pupil_premium.service import RequestView, pupil_premium

USER_ERRORS = (InvalidInput, PermissionDenied, WorkflowError, StoreError)
#: The most children the history screen's picker lists at once (type to narrow).
MAX_CHILD_ROWS = 200


class PromptScreen(ModalScreen[dict[str, str] | None]):
    """Asks for a few values (Enter in the last field confirms, Escape cancels)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pupil_premium.prompt.cancel")]
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > IdentityBar { dock: top; }
    PromptScreen > Vertical { width: 70; height: auto; border: round $accent; padding: 1 2; background: $surface; }
    """

    def __init__(self, title: str, fields: list[tuple[str, str]], *, detail: str = "",
                 required: frozenset[str] = frozenset()) -> None:
        """``detail`` says what is being decided (child, amount); ``required`` fields may not be left empty."""
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.detail = detail
        self.required = required
        self._closed_once = False

    def compose(self) -> ComposeResult:
        identity = getattr(self.app, "identity_bar", None)
        if identity is not None:  # who is deciding, and the TRAINING banner, stay in view
            yield identity()
        with Vertical():
            yield Label(literal(self.title_text, "bold"))
            if self.detail:
                yield Static(literal(self.detail))
            for name, label in self.fields:
                yield Label(literal(label))
                yield Input(id=f"prompt-{name}")
            yield Static("", id="prompt-error")
            yield Static(Text("enter: next / confirm · esc: cancel", style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
            return
        values = {name: self.query_one(f"#prompt-{name}", Input).value for name, _ in self.fields}
        empty = next((label for name, label in self.fields if name in self.required and not values[name].strip()), None)
        if empty is not None:  # never close on a missing value: what was typed stays
            self.query_one("#prompt-error", Static).update(literal(f"{empty}: needed; type it, then enter.", "bold"))
            self.query_one(f"#prompt-{next(n for n, lbl in self.fields if lbl == empty)}", Input).focus()
            return
        if not self._closed_once:
            self._closed_once = True
            self.dismiss(values)

    def action_cancel(self) -> None:
        if not self._closed_once:
            self._closed_once = True
            self.dismiss(None)


class DecisionQueueScreen(Screen[None]):
    """Requests awaiting a decision. One key per decision: a approve, p part-approve, d decline,
    r refer to panel."""

    BINDINGS = [
        Binding("a", "decide('approve')", "Approve", id="pupil_premium.queue.approve"),
        Binding("p", "decide('part_approve')", "Part-approve", id="pupil_premium.queue.part_approve"),
        Binding("d", "decide('decline')", "Decline", id="pupil_premium.queue.decline"),
        Binding("r", "decide('refer')", "Refer to panel", id="pupil_premium.queue.refer"),
        Binding("u,ctrl+z", "undo", "Undo decision", id="pupil_premium.queue.undo"),
        Binding("g", "reload", "Reload", id="pupil_premium.queue.reload"),
        Binding("escape,q", "close", "Back", id="pupil_premium.queue.close"),
        Binding("j", "cursor(1)", "Down", show=False, id="pupil_premium.queue.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="pupil_premium.queue.up"),
    ]

    #: seconds in which a confirmed decision can still be undone before it is recorded
    undo_seconds: float = 5.0

    def __init__(self, services: Services, principal: Principal) -> None:
        super().__init__()
        self.services = services
        self.principal = principal
        self.pp = pupil_premium(services)
        self.items: list[RequestView] = []
        #: a confirmed decision waiting out its undo window: (item, kind, values, timer)
        self.pending: tuple[RequestView, DecisionKind, dict[str, str], Any] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("PP+ decision queue", style="bold"), id="pp-title")
        yield DataTable(id="pp-queue", cursor_type="row", zebra_stripes=True)
        yield Static(id="pp-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Child", "School", "Term", "Asked", "Status", "Intervention")
        self.action_reload()
        table.focus()

    def action_reload(self) -> None:
        """Read the queue again."""
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        try:
            self.items = self.pp.queue(self.principal)
        except USER_ERRORS as exc:
            self.items = []
            self.notify(clean(exc), severity="error", markup=False)
        _warn_unreadable(self.app)
        for item in self.items:
            status = item.status.label + (f" (first: {item.first_approver})" if item.first_approver else "")
            table.add_row(literal(item.child_name), literal(item.school_name), literal(item.term),
                          Text(format_pence(item.requested_pence), justify="right"), literal(status),
                          literal(item.request.intervention))
        title = Text(f"PP+ decision queue: {len(self.items)} awaiting", style="bold")
        year = Period.containing("fy", self.pp.ctx.today()).label
        for note in self.pp.settings.rate_notes(year, self.pp.ctx.settings.policy.pp_rates):
            title.append(f"\n! {clean(note)}", style="bold red")
        self.query_one("#pp-title", Static).update(title)
        if self.items:
            table.move_cursor(row=min(row, len(self.items) - 1))
        self._show_detail()

    @property
    def current(self) -> RequestView | None:
        """The request under the cursor."""
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row < 0 or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        item = self.current
        detail = self.query_one("#pp-detail", Static)
        if item is None:
            detail.update(Text("Nothing awaits a decision."))
            return
        r = item.request
        text = Text()
        text.append(f"{clean(item.child_name)} ({item.term} PEP)\n", style="bold")
        text.append(f"{format_pence(item.requested_pence)} for {clean(r.intervention)}, provider {clean(r.provider) or '-'}\n")
        text.append(f"{r.eef_category.label}; {r.start_date:%d %b %Y} to {r.end_date:%d %b %Y}; {len(r.target_ids)} target(s)\n")
        text.append(f"Exit strategy: {clean(r.exit_strategy)}")
        if self.pending is not None and self.pending[0] is item:
            text.append(f"\n{self.pending[1].value.replace('_', '-')} confirmed: recorded in a few seconds (u undoes)",
                        style="bold")
        detail.update(text)

    def action_cursor(self, delta: int) -> None:
        """Move down (``j``) or up (``k``) the queue."""
        table = self.query_one(DataTable)
        if self.items:
            table.move_cursor(row=max(0, min(len(self.items) - 1, table.cursor_row + delta)))

    def action_decide(self, kind: str) -> None:
        """Decide the request under the cursor: always confirmed first (naming the child and the amount),
        with a reason where one is needed, then undoable for a few seconds."""
        item = self.current
        if item is None or (self.pending is not None and self.pending[0] is item):
            return
        decision = DecisionKind(kind)
        detail = (f"{item.child_name} · {item.school_name} · {item.term} PEP\n"
                  f"{format_pence(item.requested_pence)} asked for {item.request.intervention}")
        words = {DecisionKind.APPROVE: "Approve", DecisionKind.PART_APPROVE: "Part-approve",
                 DecisionKind.DECLINE: "Decline", DecisionKind.REFER: "Refer to panel"}
        title = f"{words[decision]} {format_pence(item.requested_pence)} for {item.child_name}?"
        if decision is DecisionKind.PART_APPROVE:
            fields = [("amount", f"Amount to approve (asked {format_pence(item.requested_pence)})"), ("reason", "Reason")]
            required = frozenset({"amount", "reason"})
        elif decision is DecisionKind.DECLINE:
            fields, required = [("reason", "Reason (shared with the school)")], frozenset({"reason"})
        else:
            fields, required = [("note", "Note (optional): enter confirms")], frozenset()
        self.app.push_screen(PromptScreen(title, fields, detail=detail, required=required),
                             lambda v: self._hold(item, decision, v))

    def _hold(self, item: RequestView, kind: DecisionKind, values: dict[str, str] | None) -> None:
        """Keep a confirmed decision for ``undo_seconds`` (``u`` undoes it), then record it."""
        if values is None:
            return
        self.commit_pending()
        timer = self.set_timer(self.undo_seconds, self.commit_pending)
        self.pending = (item, kind, values, timer)
        self.notify(f"{clean(item.child_name)}: {kind.value.replace('_', '-')} {format_pence(item.requested_pence)} "
                    f"in {self.undo_seconds:g} s; u undoes.", markup=False, timeout=self.undo_seconds)
        self._show_detail()

    def action_undo(self) -> None:
        """Undo the decision just confirmed (within its few seconds)."""
        if self.pending is None:
            self.notify("Nothing to undo: decisions already recorded are changed by a new decision.", markup=False)
            return
        item, kind, _values, timer = self.pending
        timer.stop()
        self.pending = None
        self.notify(f"Undone: nothing was recorded for {clean(item.child_name)}.", markup=False)
        self._show_detail()

    def commit_pending(self) -> None:
        """Record the decision waiting out its undo window now (leaving the screen does this too)."""
        if self.pending is None:
            return
        item, kind, values, timer = self.pending
        self.pending = None
        timer.stop()
        self._decide(item, kind, {k: v for k, v in values.items() if k != "note"})

    def on_unmount(self) -> None:
        self.commit_pending()

    def _decide(self, item: RequestView, kind: DecisionKind, values: dict[str, str] | None) -> None:
        if values is None:
            return
        try:
            amount = parse_pounds(values["amount"]) if values.get("amount") else None
            result = self.pp.decide(self.principal, item.child_id, item.pep_id, item.request.id, kind,
                                    amount_pence=amount, reason=values.get("reason", ""),
                                    expected_revision=item.pep_revision)
        except (ValueError, *USER_ERRORS) as exc:
            self.notify(clean(exc), severity="error", markup=False)
            return
        self.notify(f"{clean(item.child_name)}: {result.status.label.lower()}", markup=False)
        if self.is_attached and self.query(DataTable):
            self.action_reload()

    def action_close(self) -> None:
        """Back to where the screen was opened from (recording a decision still undoable)."""
        self.commit_pending()
        if self.app.screen is self:
            self.app.pop_screen()


class BudgetDashboardScreen(Screen[None]):
    """The ledger: grant, top-slice, allocated, paid, committed and remaining, by school or child."""

    BINDINGS = [
        Binding("y", "toggle_year_kind", "FY / AY", id="pupil_premium.budget.year_kind"),
        Binding("left_square_bracket", "year(-1)", "Earlier year", id="pupil_premium.budget.earlier"),
        Binding("right_square_bracket", "year(1)", "Later year", id="pupil_premium.budget.later"),
        Binding("c", "toggle_rows", "Schools / children", id="pupil_premium.budget.rows"),
        Binding("g", "reload", "Reload", id="pupil_premium.budget.reload"),
        Binding("escape", "close", "Back", id="pupil_premium.budget.close"),
    ]

    def __init__(self, services: Services, principal: Principal, today: date | None = None) -> None:
        super().__init__()
        self.services = services
        self.principal = principal
        self.pp = pupil_premium(services)
        self.period = Period.containing("fy", today or services.ctx.today())
        self.by_child = False

    def compose(self) -> ComposeResult:
        yield Static(id="pp-summary")
        yield DataTable(id="pp-rows", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one(DataTable).focus()

    def action_reload(self) -> None:
        """Recompute the ledger."""
        try:
            ledger = self.pp.budget.ledger(self.principal, self.period)
        except USER_ERRORS as exc:
            self.notify(clean(exc), severity="error", markup=False)
            return
        _warn_unreadable(self.app)
        text = Text()
        text.append(f"{self.period.title}  ({self.period.start:%d %b %Y} to {self.period.end:%d %b %Y})\n", style="bold")
        for label, pence in [("Grant", ledger.grant_pence), ("Top-slice", ledger.top_slice_pence),
                             ("Allocated", ledger.allocated_pence), ("Unallocated", ledger.unallocated_pence),
                             ("Paid to schools", ledger.paid_pence), ("Central spending", ledger.central_paid_pence),
                             ("Committed, not yet paid", ledger.committed_pence)]:
            text.append(f"{label:<26}{format_pence(pence):>16}\n")
        end = "31 March" if self.period.kind == "fy" else "31 August"
        text.append(f"{'Not paid out by ' + end:<26}{format_pence(ledger.held_centrally_pence):>16}",
                    style="bold" if self.period.kind == "fy" else "")
        if self.period.kind == "fy" and ledger.held_centrally_pence:
            text.append("  (at risk of recovery)")
        for warning in ledger.warnings:
            text.append(f"\n! {clean(warning)}", style="bold red")
        self.query_one("#pp-summary", Static).update(text)
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns("Child" if self.by_child else "School", "Allocated", "Paid", "Committed", "Requests")
        for row in ledger.per_child if self.by_child else ledger.per_school:
            table.add_row(literal(row.name), *(Text(format_pence(p), justify="right") for p in
                                            (row.allocated_pence, row.paid_pence, row.committed_pence)),
                          Text(str(row.requests), justify="right"))

    def action_toggle_year_kind(self) -> None:
        """Switch between the financial-year and academic-year views."""
        self.period = Period("ay" if self.period.kind == "fy" else "fy", self.period.start_year)
        self.action_reload()

    def action_year(self, step: int) -> None:
        """An earlier or later year."""
        self.period = Period(self.period.kind, self.period.start_year + step)
        self.action_reload()

    def action_toggle_rows(self) -> None:
        """Rows by school or by child."""
        self.by_child = not self.by_child
        self.action_reload()

    def action_close(self) -> None:
        """Back."""
        self.app.pop_screen()


class ChildHistoryScreen(Screen[None]):
    """A child's PP+ history: pick a child (type to filter, Enter), see requests, decisions, payments
    and impact."""

    BINDINGS = [Binding("escape", "close", "Back", id="pupil_premium.history.close")]

    def __init__(self, services: Services, principal: Principal) -> None:
        super().__init__()
        self.services = services
        self.principal = principal
        self.pp = pupil_premium(services)
        self.child_summaries: list[dict] = []
        self.shown: list[dict] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Type to filter children, Enter to choose", id="pp-filter")
        yield DataTable(id="pp-children", cursor_type="row")
        yield DataTable(id="pp-history", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        try:
            self.child_summaries = sorted(self.services.children.list(self.principal), key=lambda s: str(s.get("name", "")))
        except USER_ERRORS as exc:
            self.notify(clean(exc), severity="error", markup=False)
        self.query_one("#pp-children", DataTable).add_columns("Child", "School")
        self.query_one("#pp-history", DataTable).add_columns(
            "Term", "Intervention", "Asked", "Status", "Approved", "Paid", "Impact")
        self._filter("")
        self.query_one("#pp-filter", Input).focus()

    def _filter(self, text: str) -> None:
        table = self.query_one("#pp-children", DataTable)
        table.clear()
        needle = text.lower().strip()
        matches = [s for s in self.child_summaries if needle in str(s.get("name", "")).lower()]
        self.shown = matches[:MAX_CHILD_ROWS]  # a council's whole cohort would make the table slow to fill
        for s in self.shown:
            table.add_row(literal(str(s.get("name", ""))), literal(str(s.get("school_name") or "")))
        if len(matches) > len(self.shown):
            self.notify(f"{len(matches):,} children match: showing the first {len(self.shown)}; type more of a name",
                        markup=False, timeout=3)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        if self.shown:
            self.show_child(self.shown[self.query_one("#pp-children", DataTable).cursor_row]["child_id"])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "pp-children" and self.shown:
            self.show_child(self.shown[event.cursor_row]["child_id"])

    def show_child(self, child_id: str) -> None:
        """Fill the history table for one child."""
        table = self.query_one("#pp-history", DataTable)
        table.clear()
        try:
            items = self.pp.history(self.principal, child_id)
            bases = self.pp.base_payments(self.principal, child_id)
        except USER_ERRORS as exc:
            self.notify(clean(exc), severity="error", markup=False)
            return
        for term, base in bases:
            table.add_row(literal(term), Text("Termly base payment"), Text(""), Text(f"Released ({base.rating})"),
                          Text(format_pence(base.amount_pence)), Text(format_pence(base.amount_pence)), Text(""))
        for v in items:
            impact = v.impact.outcome.value.replace("_", " ") if v.impact else ""
            table.add_row(literal(v.term), literal(v.request.intervention), Text(format_pence(v.requested_pence)),
                          literal(v.status.label), Text(format_pence(v.approved_pence)), Text(format_pence(v.paid_pence)),
                          Text(impact))
        table.focus()

    def action_close(self) -> None:
        """Back."""
        self.app.pop_screen()


def _warn_unreadable(app: object) -> None:
    """Let the app name the child files left out because they cannot be read (a warning, not a refusal)."""
    warn = getattr(app, "warn_unreadable", None)
    if callable(warn):
        warn()
