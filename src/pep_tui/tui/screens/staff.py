"""Staff records, for Virtual School administrators: add, edit, disable and enable staff.

Everything goes through :class:`pep_tui.services.staff.StaffService`, which refuses anyone but a Virtual
School administrator (the key and the palette entry are shown only to them as well). A change opens a
small form (:class:`~pep_tui.tui.screens.child_record.FieldsDialog`): ``tab`` moves between boxes,
``ctrl+s`` saves, ``escape`` cancels; a refusal, or someone else's change saved meanwhile, is shown in the
form, keeping what was typed. Disabling asks first. Names and addresses are shown as typed, never read as
markup. Fits 80×24; nothing needs a mouse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from pep_tui.services import InvalidInput, PermissionDenied
from pep_tui.store import Conflict, NotFound
from pep_tui.tui.forms import FieldInputError
from pep_tui.tui.navigation import go_back
from pep_tui.tui.screens.child_record import FieldsDialog, FormField
from pep_tui.tui.text import literal
from pep_tui.tui.widgets.lists import KeyList

if TYPE_CHECKING:
    from pep_tui.domain import StaffMember
    from pep_tui.tui.app import PepApp

_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false", ""}


def _words(text: str) -> list[str]:
    """A list typed in one box: items separated by commas, semicolons or spaces."""
    return [part for part in text.replace(";", " ").replace(",", " ").split() if part]


def _yes_no(text: str, label: str) -> bool:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise FieldInputError(f"{label}: expected yes or no; got {text!r}")


def _fields(member: StaffMember | None) -> list[FormField]:
    """The boxes of the add and edit forms, filled from ``member`` (empty for a new one)."""
    scope = member.scope if member is not None else None
    fields: list[FormField] = [] if member is not None else [("login", "Login", "")]
    return fields + [
        ("display_name", "Name", member.display_name if member else ""),
        ("email", "E-mail", (member.email or "") if member else ""),
        ("roles", "Roles", ", ".join(member.roles) if member else ""),
        ("school_urns", "Schools (URNs)", ", ".join(scope.school_urns) if scope else ""),
        ("child_ids", "Children (ids)", ", ".join(scope.child_ids) if scope else ""),
        ("sections", "Sections only", ", ".join(scope.sections) if scope else ""),
        ("manager", "Manager (login)", (member.manager or "") if member else ""),
        ("digest", "Digest", member.digest if member else "daily"),
        ("admin", "Administrator", ("yes" if member.admin else "no") if member else "no"),
    ]


FORM_HINT = ("Roles, schools, children, sections: separated by commas. Roles: {roles}. Digest: daily, weekly "
             "or none. Administrator: yes or no.")


def member_line(member: StaffMember) -> Text:
    """One staff member in the list: login, name, roles and whether they may sign in."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append_text(literal(f"{member.login:<16.16}", "bold" if member.active else "dim"))
    text.append(" ")
    text.append_text(literal(f"{member.display_name:<26.26}"))
    text.append(" ")
    text.append_text(literal(f"{', '.join(member.roles) + (' (admin)' if member.admin else ''):<24.24}"))
    text.append(" active" if member.active else " DISABLED", style="" if member.active else "bold")
    return text


def member_details(member: StaffMember) -> Text:
    """Everything in one staff record, for the panel under the list."""
    scope = member.scope
    text = Text()

    def pair(label: str, value: str, end: str = "   ") -> None:
        text.append(f"{label}: ", style="bold")
        text.append_text(literal(value or "-"))
        text.append(end)

    pair("Login", member.login)
    pair("Name", member.display_name, "\n")
    pair("Status", "may sign in" if member.active else "DISABLED: cannot sign in")
    pair("Administrator", "yes" if member.admin else "no", "\n")
    pair("E-mail", member.email or "")
    pair("Digest", member.digest)
    pair("Manager", member.manager or "", "\n")
    pair("Roles", ", ".join(member.roles), "\n")
    pair("Schools", ", ".join(scope.school_urns))
    pair("Children", ", ".join(scope.child_ids))
    pair("Sections", ", ".join(scope.sections) or "all the role's", "")
    return text


class StaffScreen(Screen[None]):
    """Every staff record (Virtual School administrators only). ``enter`` or ``e`` edits the highlighted one."""

    HELP_TITLE = "Staff"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="staff.back"),
        Binding("a", "add", "Add", id="staff.add"),
        Binding("e", "edit", "Edit", id="staff.edit"),
        Binding("d", "disable", "Disable", id="staff.disable"),
        Binding("n", "enable", "Enable", id="staff.enable"),
        Binding("slash", "find", "Find", id="staff.find"),
        Binding("r", "reload", "Reload", show=False, id="staff.reload"),
    ]

    DEFAULT_CSS = """
    StaffScreen #staff-find-row { height: 1; }
    StaffScreen #staff-find-label { width: 6; }
    StaffScreen #staff-find { border: none; height: 1; padding: 0; width: 1fr; background: $boost; }
    StaffScreen #staff-list { height: 1fr; }
    StaffScreen #staff-details { height: auto; max-height: 7; padding: 0 1; border-top: solid $primary 50%; }
    """

    app: PepApp

    def __init__(self) -> None:
        super().__init__()
        self.members: list[StaffMember] = []

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        with Horizontal(id="staff-find-row"):
            yield Static(Text("Find: ", style="bold"), id="staff-find-label")
            yield Input(placeholder="/ then a login, name, role or school", id="staff-find", select_on_focus=False)
        yield KeyList(id="staff-list")
        yield Static("", id="staff-details")
        yield Footer()

    def on_mount(self) -> None:
        self.app.set_where("Staff")
        if self.load():
            self.staff_list.focus()

    @property
    def staff_list(self) -> KeyList:
        """The list of staff records."""
        return self.query_one("#staff-list", KeyList)

    @property
    def find_box(self) -> Input:
        """The box that filters the list."""
        return self.query_one("#staff-find", Input)

    # --- reading -------------------------------------------------------------------------------

    def load(self, keep: str | None = None) -> bool:
        """Read every staff record through the service (back, with the refusal, for anyone else)."""
        try:
            self.members = self.app.services.staff.list(self.app.principal)
        except PermissionDenied as exc:
            self.app.notify(str(exc), title="Staff", severity="error")
            go_back(self)
            return False
        self.show(keep if keep is not None else self.current_login())
        return True

    def visible(self) -> list[StaffMember]:
        """The records whose login, name, roles, schools or e-mail hold every word typed in the find box."""
        words = self.find_box.value.lower().split()
        if not words:
            return list(self.members)

        def haystack(m: StaffMember) -> str:
            return " ".join([m.login, m.display_name, m.email or "", *m.roles, *m.scope.school_urns,
                             "disabled" if not m.active else "active", "admin" if m.admin else ""]).lower()

        return [m for m in self.members if all(w in haystack(m) for w in words)]

    def show(self, login: str | None = None) -> None:
        """Fill the list (keeping ``login`` highlighted where it is still shown)."""
        members = self.visible()
        listing = self.staff_list
        listing.clear_options()
        for member in members:
            listing.add_option(Option(member_line(member), id=member.login))
        if not members:
            listing.add_option(Option(Text("No staff record matches what is typed in Find.", style="dim"),
                                      id="none", disabled=True))
            listing.highlighted = None
        else:
            logins = [m.login for m in members]
            listing.highlighted = logins.index(login) if login in logins else 0
        self._show_details()
        self.refresh_bindings()

    def current(self) -> StaffMember | None:
        """The highlighted staff record."""
        login = self.current_login()
        return next((m for m in self.members if m.login == login), None)

    def current_login(self) -> str | None:
        """The highlighted record's login."""
        if not self.is_mounted:
            return None
        listing = self.staff_list
        if listing.highlighted is None or listing.option_count == 0:
            return None
        option = listing.get_option_at_index(listing.highlighted)
        return None if option.id == "none" else option.id

    def _show_details(self) -> None:
        member = self.current()
        details = self.query_one("#staff-details", Static)
        details.update(member_details(member) if member else Text(f"{len(self.members)} staff record(s).", style="dim"))

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._show_details()
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != "none":
            self.action_edit()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "staff-find":
            self.show(self.current_login())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "staff-find":
            self.staff_list.focus()

    # --- what may be done ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        member = self.current()
        if action in ("edit", "disable"):
            return member is not None and (action != "disable" or member.active)
        if action == "enable":
            return member is not None and not member.active
        return True

    # --- changing -----------------------------------------------------------------------------

    def _form(self, title: str, fields: Sequence[FormField], save: Callable[[dict[str, str]], StaffMember]) -> None:
        saved: list[StaffMember] = []

        def submit(values: dict[str, str]) -> str | None:
            try:
                saved.append(save(values))
            except Conflict as exc:
                return (f"Not saved: {exc}. What you typed is kept: esc, then e to see their change "
                        f"and type yours again.")
            except (InvalidInput, PermissionDenied, NotFound, FieldInputError) as exc:
                return str(exc)
            return None

        def done(ok: bool | None) -> None:
            if ok and saved:
                self.app.notify(f"Staff record {saved[-1].login}: saved.", title="Staff")
                self.load(keep=saved[-1].login)

        hint = FORM_HINT.format(roles=", ".join(sorted(self.app.services.registry.roles)))
        self.app.push_screen(FieldsDialog(title, fields, submit, hint), done)

    def action_add(self) -> None:
        """Add a staff record: login, name, roles and scope."""
        def save(values: dict[str, str]) -> StaffMember:
            data: dict[str, Any] = {
                "login": values["login"], "display_name": values["display_name"],
                "email": values["email"] or None, "roles": _words(values["roles"]),
                "scope": {"school_urns": _words(values["school_urns"]), "child_ids": _words(values["child_ids"]),
                          "sections": _words(values["sections"])},
                "manager": values["manager"] or None, "digest": values["digest"] or "daily",
                "admin": _yes_no(values["admin"], "Administrator"),
            }
            return self.app.services.staff.add(self.app.principal, data)

        self._form("Add a member of staff", _fields(None), save)

    def action_edit(self) -> None:
        """Change the highlighted record: name, e-mail, roles, scope, manager, digest, administrator."""
        member = self.current()
        if member is None:
            return
        fields = _fields(member)
        revision = member.revision  # what the form shows: a change saved meanwhile is a conflict

        def save(values: dict[str, str]) -> StaffMember:
            initial = {key: text for key, _label, text in fields}
            changed = {key for key in initial if values[key] != initial[key]}
            if not changed:
                raise FieldInputError("Nothing to save: no box was changed (esc closes the form)")
            lists = {key: _words(values[key]) for key in ("roles", "school_urns", "child_ids", "sections")
                     if key in changed}
            return self.app.services.staff.edit_staff(
                self.app.principal, login=member.login,
                display_name=values["display_name"] if "display_name" in changed else None,
                email=values["email"] if "email" in changed else None,
                manager=values["manager"] if "manager" in changed else None,
                digest=values["digest"] if "digest" in changed else None,
                admin=_yes_no(values["admin"], "Administrator") if "admin" in changed else None,
                expected_revision=revision, **lists)

        self._form(f"Edit staff record {member.login}", fields, save)

    def action_disable(self) -> None:
        """Stop the highlighted login signing in (asks first); the record and audit trail stay."""
        member = self.current()
        if member is None or not member.active:
            return
        from pep_tui.tui.screens.dialogs import ChoiceDialog

        body = literal(f"{member.display_name} ({member.login}) will no longer be able to sign in. Their record "
                       f"and audit trail stay; n on this screen enables them again.")

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self._set_active(member.login, False)

        self.app.push_screen(ChoiceDialog(f"Disable {member.login}?", body,
                                          [("y", "yes, disable", True), ("escape", "no", False)]), decided)

    def action_enable(self) -> None:
        """Let the highlighted disabled login sign in again, with the roles and scope it had."""
        member = self.current()
        if member is None or member.active:
            return
        self._set_active(member.login, True)

    def _set_active(self, login: str, active: bool) -> None:
        staff, principal = self.app.services.staff, self.app.principal
        try:
            if active:
                staff.enable_staff(principal, login=login)
            else:
                staff.set_active(principal, login, False)
        except (InvalidInput, PermissionDenied, NotFound, Conflict) as exc:
            self.app.notify(str(exc), title="Staff", severity="error")
        else:
            self.app.notify(f"{login} {'may sign in again' if active else 'is disabled'}.", title="Staff")
        self.load(keep=login)

    # --- moving -------------------------------------------------------------------------------

    def action_find(self) -> None:
        """Type in the find box to filter the list."""
        self.find_box.focus()

    def action_reload(self) -> None:
        """Read the staff records again."""
        self.load()

    def action_back(self) -> None:
        """From the find box: clear it and return to the list; from the list: back."""
        if self.focused is self.find_box:
            self.find_box.value = ""
            self.staff_list.focus()
            return
        go_back(self)
