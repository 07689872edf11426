"""The child's record: identity and facts, allocations with their history, moves and periods of care.

Every change goes through the services (``children.update`` and ``services.care``), which check the
role and scope; the keys a role may not use are hidden. Each change opens a small form
(:class:`FieldsDialog`): ``tab`` moves between boxes, ``ctrl+s`` saves, ``escape`` cancels, and a
refusal is shown in the form, keeping what was typed. Fits 80×24; nothing needs a mouse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

from pep_tui.domain.care import KIND_LABELS, AllocationKind, LeavingReason, history, is_closed
from pep_tui.plugins.api import Capability, ChildAttribute, child_attribute
from pep_tui.services import InvalidInput, PermissionDenied, can
from pep_tui.store import Conflict
from pep_tui.tui.forms import DATE_HINT, FieldInputError, parse_date
from pep_tui.tui.text import clean, literal

if TYPE_CHECKING:
    from pep_tui.domain import Child
    from pep_tui.tui.app import PepApp

#: the family's view of the placement, as the record shows the social worker's decision
_PLACEMENT_SHOWN = "carer, placement, school"
_PLACEMENT_HIDDEN = "nothing of the placement"

#: A form field: ``(key, label, initial text)``.
FormField = tuple[str, str, str]


class FieldsDialog(ModalScreen[bool]):
    """A small form of one-line boxes. ``submit(values)`` saves and returns ``None``, or returns the
    message to show (the form stays open with what was typed). Dismisses with ``True`` once saved."""

    DEFAULT_CSS = """
    FieldsDialog .form-row { height: 1; }
    FieldsDialog .form-row Label { width: 22; }
    FieldsDialog .form-row Input { border: none; height: 1; padding: 0; width: 1fr; background: $boost; }
    FieldsDialog .form-row Input:focus { background: $accent 30%; }
    FieldsDialog .form-rows { height: auto; max-height: 13; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "confirm", "Save", id="record_form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="record_form.cancel"),
    ]

    def __init__(self, title: str, fields: Sequence[FormField], submit: Callable[[dict[str, str]], str | None],
                 hint: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.fields = list(fields)
        self.submit = submit
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(literal(self.title_text, "bold"), classes="dialog-title")
            with VerticalScroll(classes="form-rows"):
                for key, label, initial in self.fields:
                    with Horizontal(classes="form-row"):
                        yield Label(Text(f"{label}: "))
                        yield Input(clean(initial), id=f"field-{key}", select_on_focus=False)
            if self.hint:
                yield Static(literal(self.hint, "dim"))
            yield Static("", id="form-error", classes="dialog-error")
            yield Static(Text("ctrl+s save · tab next box · esc cancel", style="dim"))

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def values(self) -> dict[str, str]:
        """What is typed in each box, by key."""
        return {key: self.query_one(f"#field-{key}", Input).value.strip() for key, _label, _initial in self.fields}

    def action_confirm(self) -> None:
        """Save through ``submit``; show its refusal in the form."""
        message = self.submit(self.values())
        if message:
            self.query_one("#form-error", Static).update(literal(message, "bold"))
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(False)


def _day(text: str, label: str) -> date:
    try:
        return parse_date(text)
    except FieldInputError as exc:
        raise FieldInputError(f"{label}: {exc}") from None


def _attribute_text(attribute: ChildAttribute, child: Child, blank: str = "-") -> str:
    """A child attribute's value as the record shows it and the form takes it."""
    value = child_attribute(child, attribute)
    if value is None:
        return blank
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.isoformat() if isinstance(value, date) else str(value)


def _logins(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class ChildRecordScreen(Screen[None]):
    """One child's record over time (opened with ``i`` from the child's screen, or the palette)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="record.back"),
        Binding("e", "edit", "Edit facts", id="record.edit"),
        Binding("o", "allocate", "Allocate", id="record.allocate"),
        Binding("m", "move_school", "School move", id="record.move_school"),
        Binding("l", "move_placement", "Placement move", id="record.move_placement"),
        Binding("g", "grant_family", "Family access", id="record.grant_family"),
        Binding("v", "revoke_family", "End family access", show=False, id="record.revoke_family"),
        Binding("f", "family_placement", "Family sees placement", id="record.family_placement"),
        Binding("c", "close_record", "Left care", id="record.close"),
        Binding("t", "attributes", "Attributes", id="record.attributes"),
        Binding("u", "reopen", "Back in care", id="record.reopen"),
        Binding("r", "reload", "Reload", show=False, id="record.reload"),
    ]

    app: PepApp

    def __init__(self, child_id: str) -> None:
        super().__init__()
        self.child_id = child_id
        self.child: Child | None = None
        #: whether the principal may decide what the family sees of the placement (read on each load)
        self.may_decide_placement = False

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        with VerticalScroll(id="record-body", can_focus=True):
            yield Static("", id="record-facts")
            yield Static("", id="record-allocations")
        yield Footer()

    def on_mount(self) -> None:
        if self.load():
            self.query_one("#record-body").focus()

    # --- reading -------------------------------------------------------------------------------

    def load(self) -> bool:
        """Read the child through the services; back to the last screen if refused."""
        try:
            self.child = self.app.services.children.get(self.app.principal, self.child_id)
        except PermissionDenied as exc:
            self.app.notify(str(exc), title="Not available", severity="error")
            self.app.pop_screen()
            return False
        child = self.child
        self.may_decide_placement = self.app.services.children.may_decide_placement(self.app.principal, child.id)
        self.app.set_where(f"{child.display_name}: record")
        self.query_one("#record-facts", Static).update(self._facts(child))
        self.query_one("#record-allocations", Static).update(self._allocations(child))
        self.refresh_bindings()
        return True

    def _left_care(self) -> bool:
        return self.child is not None and is_closed(self.child, self.app.services.ctx.today())

    def _facts(self, child: Child) -> Table:
        grid = Table.grid(padding=(0, 1), expand=True)
        for _ in range(2):
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column(ratio=1)

        def day(value: date | None) -> Text:
            return Text(value.strftime("%d %b %Y") if value else "-")

        status = (f"LEFT CARE {child.left_care_on:%d %b %Y} ({(child.left_care_reason or 'no reason').replace('_', ' ')})"
                  if child.left_care_on else "in care")
        grid.add_row("Name", literal(f"{child.first_name} {child.last_name}", "bold"),
                     "Known as", literal(child.preferred_name or "-"))
        grid.add_row("Born", day(child.date_of_birth), "Sex", literal({"1": "male", "2": "female"}.get(child.sex or "", "-")))
        grid.add_row("UPN", literal(child.upn or "-"), "LA child id", literal(child.la_child_id or "-"))
        grid.add_row("In care since", day(child.date_entered_care), "Status", literal(status, "bold" if child.left_care_on else ""))
        grid.add_row("Legal status", literal(child.legal_status.value if child.legal_status else "-"),
                     "SEN", literal(child.sen_status.value.replace("_", " ")))
        grid.add_row("EHCP review", day(child.ehcp_review_date), "Placement", literal(child.placement or "-"))
        grid.add_row("School", literal(f"{child.school_urn or 'none'} {child.school_name or ''}"),
                     "Social worker", literal(child.social_worker or "-"))
        grid.add_row("Carer(s)", literal(", ".join(child.carers) or "-"), "IRO", literal(child.iro or "-"))
        grid.add_row("Family access", literal(", ".join(child.family_access) or "-"),
                     "Desig. teacher", literal(child.designated_teacher or "-"))
        grid.add_row("Family sees", Text(_PLACEMENT_SHOWN if child.family_sees_placement else _PLACEMENT_HIDDEN), "", "")
        attributes = self._attributes()
        for at in range(0, len(attributes), 2):
            left, right = attributes[at], (attributes[at + 1] if at + 1 < len(attributes) else None)
            grid.add_row(literal(left.label), literal(_attribute_text(left, child)),
                         literal(right.label) if right else "", literal(_attribute_text(right, child)) if right else "")
        for period in child.past_care_periods:
            grid.add_row("Earlier care", literal(f"{period.start or '?'} to {period.end} "
                                                 f"({(period.reason or 'no reason').replace('_', ' ')})"), "", "")
        return grid

    def _allocations(self, child: Child) -> Table:
        table = Table(title="Allocations (newest last)", title_justify="left", box=None, expand=True, pad_edge=False)
        for heading in ("What", "Who / which", "From", "Until", "By"):
            table.add_column(heading, no_wrap=heading in ("From", "Until"))
        for kind in AllocationKind:
            for start, until, allocation in history(child, kind):
                value = ", ".join(allocation.value) or "(none)"
                table.add_row(Text(KIND_LABELS[kind]), literal(value),
                              Text(start.isoformat() + ("" if allocation.applied else " pending")),
                              Text(until.isoformat() if until else ""), literal(allocation.recorded_by or "-"))
        if child.school_moves:
            table.add_row(Text("School moves", style="bold"),
                          literal(", ".join(f"{m.on:%d %b %Y} {m.from_urn or '-'}→{m.to_urn or '-'}" for m in child.school_moves)),
                          "", "", "")
        if child.placement_moves:
            table.add_row(Text("Placement moves", style="bold"),
                          Text(", ".join(d.strftime("%d %b %Y") for d in child.placement_moves)), "", "", "")
        return table

    def _attributes(self, settable: bool = False) -> list[ChildAttribute]:
        """The installed plugins' child attributes (only those this role may set, with ``settable``)."""
        found = sorted(self.app.services.registry.child_attributes.values(), key=lambda a: a.label)
        return [a for a in found if not settable or self.app.principal.role in a.editors]

    # --- what the role may do ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        registry, principal = self.app.services.registry, self.app.principal
        edits = can(registry, principal, Capability.EDIT_CHILD)
        if action in ("allocate", "move_school", "move_placement", "close_record"):
            return edits and not self._left_care() and (action != "close_record" or self.child is None
                                                     or self.child.left_care_on is None)
        if action == "edit":
            return edits
        if action == "reopen":
            return edits and self.child is not None and self.child.left_care_on is not None
        if action == "family_placement":
            return self.may_decide_placement and not self._left_care()
        if action == "attributes":
            return bool(self._attributes(settable=True)) and not self._left_care()
        if action in ("grant_family", "revoke_family"):
            return can(registry, principal, Capability.GRANT_FAMILY_ACCESS) and not self._left_care()
        return True

    # --- changing -----------------------------------------------------------------------------------

    def _form(self, title: str, fields: Sequence[FormField], save: Callable[[dict[str, str]], Any], hint: str = "") -> None:
        def submit(values: dict[str, str]) -> str | None:
            try:
                save(values)
            except (InvalidInput, PermissionDenied, Conflict, FieldInputError) as exc:
                return str(exc)
            return None

        def done(saved: bool | None) -> None:
            if saved:
                self.app.notify(f"{title}: saved.", title="Child record")
                self.load()

        self.app.push_screen(FieldsDialog(title, fields, submit, hint), done)

    def _today(self) -> str:
        return self.app.services.ctx.today().isoformat()

    def action_edit(self) -> None:
        """Correct the child's identity and facts."""
        child = self.child
        if child is None:
            return
        fields: list[FormField] = [
            ("first_name", "First name", child.first_name), ("last_name", "Last name", child.last_name),
            ("preferred_name", "Known as", child.preferred_name or ""),
            ("date_of_birth", "Date of birth", child.date_of_birth.isoformat()),
            ("sex", "Sex (1 or 2)", child.sex or ""), ("upn", "UPN or UN1-UN5", child.upn or ""),
            ("la_child_id", "LA child id", child.la_child_id or ""),
            ("legal_status", "Legal status", child.legal_status.value if child.legal_status else ""),
            ("sen_status", "SEN status", child.sen_status.value),
            ("ehcp_review_date", "EHCP review", child.ehcp_review_date.isoformat() if child.ehcp_review_date else ""),
            ("date_entered_care", "In care since",
             child.date_entered_care.isoformat() if child.date_entered_care else ""),
        ]

        def save(values: dict[str, str]) -> None:
            changes: dict[str, Any] = {}
            for key, label, initial in fields:
                value = values[key]
                if value == initial:
                    continue
                if key in ("date_of_birth", "ehcp_review_date", "date_entered_care"):
                    changes[key] = _day(value, label) if value else None
                else:
                    changes[key] = value or None
            if changes:
                self.app.services.children.update(self.app.principal, child.id, changes, child.revision)

        self._form("Edit facts", fields, save, hint="Sex: 1 male, 2 female. Legal status: the SSDA903 code (C2, V2…). "
                                                 "SEN: none, sen_support, ehcp or under_assessment.")

    def action_allocate(self) -> None:
        """Allocate a social worker, carers or IRO from a date."""
        child = self.child
        if child is None:
            return
        fields: list[FormField] = [
            ("social_worker", "Social worker", child.social_worker or ""),
            ("carers", "Carer(s)", ", ".join(child.carers)), ("iro", "IRO", child.iro or ""),
            ("designated_teacher", "Designated teacher", child.designated_teacher or ""),
            ("start", "From", self._today()),
        ]

        def save(values: dict[str, str]) -> None:
            changes: dict[AllocationKind | str, Any] = {
                AllocationKind.SOCIAL_WORKER: values["social_worker"] or None,
                AllocationKind.CARERS: _logins(values["carers"]),
                AllocationKind.IRO: values["iro"] or None,
                AllocationKind.DESIGNATED_TEACHER: values["designated_teacher"] or None,
            }
            self.app.services.care.allocate(self.app.principal, child.id, changes, start=_day(values["start"], "From"),
                                            expected_revision=child.revision)

        self._form("Allocate", fields, save, hint=f"Logins; carers separated by commas. Dates: {DATE_HINT}.")

    def action_move_school(self) -> None:
        """Record a school move (a new PEP then falls due)."""
        child = self.child
        if child is None:
            return
        fields: list[FormField] = [("urn", "New school URN", ""), ("name", "School name", ""),
                                   ("on", "Date of the move", self._today())]

        def save(values: dict[str, str]) -> None:
            self.app.services.care.move_school(self.app.principal, child.id, values["urn"] or None,
                                               _day(values["on"], "Date of the move"), school_name=values["name"])

        self._form("School move", fields, save, hint="An empty URN means off roll. A new PEP falls due after the move.")

    def action_move_placement(self) -> None:
        """Record a placement move: new placement and/or carers."""
        child = self.child
        if child is None:
            return
        fields: list[FormField] = [("placement", "New placement", child.placement or ""),
                                   ("carers", "Carer(s)", ", ".join(child.carers)),
                                   ("on", "Date of the move", self._today())]

        def save(values: dict[str, str]) -> None:
            self.app.services.care.move_placement(
                self.app.principal, child.id, _day(values["on"], "Date of the move"),
                placement=values["placement"] or None, carers=_logins(values["carers"]))

        self._form("Placement move", fields, save, hint="Carers' logins separated by commas; the first is the main carer.")

    def action_grant_family(self) -> None:
        """Give a parent/family login access to the child."""
        child = self.child
        if child is None:
            return

        def save(values: dict[str, str]) -> None:
            self.app.services.care.grant_family(self.app.principal, child.id, values["login"])

        self._form("Family access", [("login", "Parent/family login", "")], save,
                   hint="The social worker decides. v ends a login's access.")

    def action_revoke_family(self) -> None:
        """End a parent/family login's access."""
        child = self.child
        if child is None:
            return
        current = child.family_access[0] if len(child.family_access) == 1 else ""

        def save(values: dict[str, str]) -> None:
            self.app.services.care.revoke_family(self.app.principal, child.id, values["login"])

        self._form("End family access", [("login", "Parent/family login", current)], save)

    def action_family_placement(self) -> None:
        """Record whether the family may see where and with whom the child lives (asks first)."""
        child = self.child
        if child is None:
            return
        from pep_tui.tui.screens.dialogs import ChoiceDialog

        show = not child.family_sees_placement
        body = Text()
        body.append("Now: ", style="bold")
        body.append(_PLACEMENT_SHOWN if child.family_sees_placement else _PLACEMENT_HIDDEN)
        body.append("\n\n")
        if show:
            body.append("The family will see the carer, the placement and the school (with its designated "
                        "teacher) on their screens.")
        else:
            body.append("The family will no longer see the carer, the placement or the school.")
        body.append(" Only the child's social worker or the Virtual School decides this; it is recorded in "
                    "the audit trail.")
        title = "Let the family see the placement?" if show else "Hide the placement from the family?"
        revision = child.revision

        def decided(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                self.app.services.children.set_family_sees_placement(self.app.principal, child.id, show, revision)
            except (PermissionDenied, Conflict, InvalidInput) as exc:
                self.app.notify(f"Not recorded: {exc}", title="Family sees placement", severity="error")
                self.load()
                return
            self.app.notify(f"Recorded: the family now sees {_PLACEMENT_SHOWN if show else _PLACEMENT_HIDDEN}.",
                            title="Child record")
            self.load()

        self.app.push_screen(ChoiceDialog(title, body, [("y", "yes, record it", True), ("escape", "no", False)]),
                             decided)

    def action_close_record(self) -> None:
        """Record that the child left care."""
        child = self.child
        if child is None:
            return
        reasons = ", ".join(r.value for r in LeavingReason)

        def save(values: dict[str, str]) -> None:
            self.app.services.care.close(self.app.principal, child.id, _day(values["on"], "Date"), values["reason"])

        self._form("Left care", [("on", "Date", self._today()), ("reason", "Reason", "")], save,
                   hint=f"Reason: {reasons}. The child's PEPs become read-only.")

    def action_reopen(self) -> None:
        """The child comes back into care: a new period starts."""
        child = self.child
        if child is None:
            return

        def save(values: dict[str, str]) -> None:
            self.app.services.care.reopen(self.app.principal, child.id, _day(values["on"], "Date"))

        self._form("Back in care", [("on", "Date", self._today())], save,
                   hint="The earlier period of care and all PEPs are kept.")

    def action_attributes(self) -> None:
        """Set the plugins' attributes of the child (those this role may set)."""
        child = self.child
        if child is None:
            return
        settable = self._attributes(settable=True)
        # Widget ids take no dots: the boxes are keyed by position.
        fields: list[FormField] = [(f"attribute-{n}", a.label, _attribute_text(a, child, blank=""))
                                   for n, a in enumerate(settable)]

        def save(values: dict[str, str]) -> None:
            revision = child.revision  # a change made since the record was read is a conflict, never overwritten
            for n, attribute in enumerate(settable):
                typed = values[f"attribute-{n}"].strip()
                if typed != _attribute_text(attribute, child, blank=""):
                    saved = self.app.services.children.set_attribute(self.app.principal, child.id, attribute.id,
                                                                     typed, expected_revision=revision)
                    revision = saved.revision

        hints = "; ".join(f"{a.label}: {a.help}" for a in settable if a.help)
        self._form("Attributes", fields, save, hint=(hints + ". " if hints else "") +
                   "Yes/no answers take yes or no; dates YYYY-MM-DD; empty clears.")

    def action_reload(self) -> None:
        """Read the record again."""
        self.load()

    def action_back(self) -> None:
        """Back to the child."""
        self.app.pop_screen()
