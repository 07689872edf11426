"""Staff records: mapping OS/SSH logins to roles and scopes (Virtual School administrators only).

Every change is made by a Virtual School administrator acting in that role, is checked (known roles,
one-line plain text, a valid login) and is recorded in the store's audit trail by login only.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from pep_tui.domain import StaffMember
from pep_tui.services.access import PermissionDenied, log_denied
from pep_tui.services.context import ServiceContext
from pep_tui.services.errors import FieldProblem, InvalidInput
from pep_tui.services.principal import Principal
from pep_tui.services.text_input import refuse_control_characters
from pep_tui.store import NotFound

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StaffService:
    """Adding, listing, editing, disabling and re-enabling staff records."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _require_admin(self, principal: Principal) -> None:
        if not principal.admin or principal.role != "virtual_school":
            log_denied(principal, "manage staff records")
            raise PermissionDenied("only Virtual School administrators may manage staff records")

    def list(self, principal: Principal) -> list[StaffMember]:
        """Every staff record."""
        self._require_admin(principal)
        return self.ctx.store.list_staff()

    def add(self, principal: Principal, data: dict[str, Any] | StaffMember) -> StaffMember:
        """Add a staff record; unknown roles are refused with the list of known ones."""
        self._require_admin(principal)
        raw = data.model_dump(mode="json") if isinstance(data, StaffMember) else data
        member = self._validated("Staff record", raw)
        self._check_roles(member)
        existing = self.ctx.store.get_staff(member.login)
        if existing is not None:
            hint = (f"re-enable it with 'pep-tui staff enable {member.login}'" if not existing.active
                    else f"change it with 'pep-tui staff edit {member.login}'")
            raise InvalidInput("Staff record", [FieldProblem("login", f"{member.login!r} already exists; {hint}")])
        return self.ctx.store.save_staff(member, None, principal.login, principal.role)

    @staticmethod
    def _validated(where: str, raw: dict[str, Any]) -> StaffMember:
        """A staff record from ``raw``: every text one line of plain text, then the model's own rules."""
        refuse_control_characters(where, raw, one_line=True)
        try:
            return StaffMember.model_validate(raw)
        except ValidationError as exc:
            raise InvalidInput.from_validation_error(where, exc) from None

    def _check_roles(self, member: StaffMember) -> None:
        unknown = [r for r in member.roles if r not in self.ctx.registry.roles]
        if unknown:
            known = ", ".join(sorted(self.ctx.registry.roles))
            raise InvalidInput("Staff record", [FieldProblem("roles", f"unknown role(s) {', '.join(unknown)}; known: {known}")])
        sections = [s for s in member.scope.sections if s not in self.ctx.registry.sections]
        if sections:
            raise InvalidInput("Staff record", [FieldProblem(
                "scope.sections", f"unknown section(s) {', '.join(sections)}; 'pep-tui plugins' lists each plugin's sections")])

    def _get(self, login: str) -> StaffMember:
        member = self.ctx.store.get_staff(login)
        if member is None:
            raise NotFound(f"no staff login {login!r}; 'pep-tui staff list' shows them")
        return member

    def set_active(self, principal: Principal, login: str, active: bool) -> StaffMember:
        """Disable (or re-enable) a login; a disabled login can no longer sign in."""
        self._require_admin(principal)
        member = self._get(login)
        if login == principal.login and not active:
            raise PermissionDenied("you cannot disable your own login")
        return self.ctx.store.save_staff(member.model_copy(update={"active": active}), member.revision,
                                         principal.login, principal.role)

    def enable_staff(self, principal: Principal, *, login: str) -> StaffMember:
        """Let a disabled login sign in again, with the roles and scope it had; the updated record.

        Virtual School administrators only (:class:`PermissionDenied` otherwise); :class:`NotFound`
        for an unknown login; :class:`InvalidInput` if the login is already active. Audited as
        ``staff.save`` by the administrator's login.
        """
        self._require_admin(principal)
        member = self._get(login)
        if member.active:
            raise InvalidInput("Staff record", [FieldProblem("login", f"{login!r} is already active")])
        return self.ctx.store.save_staff(member.model_copy(update={"active": True}), member.revision,
                                         principal.login, principal.role)

    def edit_staff(
        self,
        principal: Principal,
        *,
        login: str,
        display_name: str | None = None,
        email: str | None = None,
        roles: list[str] | None = None,
        school_urns: list[str] | None = None,
        child_ids: list[str] | None = None,
        sections: list[str] | None = None,
        admin: bool | None = None,
        manager: str | None = None,
        digest: str | None = None,
        expected_revision: int | None = None,
    ) -> StaffMember:
        """Change a staff record; each argument left ``None`` keeps its value. The updated record.

        ``email=""`` removes the e-mail address and ``manager=""`` the manager (another staff login, to
        whom long-overdue items are escalated); ``digest`` is ``daily``, ``weekly`` or ``none``; ``roles``, ``school_urns``, ``child_ids`` and
        ``sections`` replace the whole list. ``expected_revision`` (the revision the caller showed)
        refuses the change with ``Conflict`` if someone saved the record since.

        Virtual School administrators only. Refused with :class:`InvalidInput` naming the field: a
        line break or control character in any text, an unknown role, a bad URN or e-mail, or no
        change at all; with :class:`PermissionDenied`: an administrator taking away their own
        administrator rights (ask another administrator). Audited as ``staff.save``.
        """
        self._require_admin(principal)
        member = self._get(login)
        changes: dict[str, Any] = {}
        if display_name is not None:
            changes["display_name"] = display_name.strip()
        if email is not None:
            changes["email"] = email.strip() or None
        if manager is not None:
            manager = manager.strip() or None
            if manager and (manager == login or self.ctx.store.get_staff(manager) is None):
                raise InvalidInput("Staff record", [FieldProblem("manager", f"expected another staff login; got {manager!r}")])
            changes["manager"] = manager
        if digest is not None:
            changes["digest"] = digest
        if roles is not None:
            changes["roles"] = list(dict.fromkeys(roles))
        if admin is not None:
            changes["admin"] = admin
        scope = member.scope.model_dump(mode="json")
        for key, value in (("school_urns", school_urns), ("child_ids", child_ids), ("sections", sections)):
            if value is not None:
                scope[key] = list(dict.fromkeys(value))
        if scope != member.scope.model_dump(mode="json"):
            changes["scope"] = scope
        if not changes:
            raise InvalidInput("Staff record", [FieldProblem(
                "(form)", "nothing to change; give --name, --email, --manager, --digest, --as, --school, --child, --section or --admin")])
        updated = self._validated(f"Staff record {login}", {**member.model_dump(mode="json"), **changes})
        self._check_emails_and_urns(updated)
        self._check_roles(updated)
        if child_ids:
            stored = set(self.ctx.store.child_ids())
            missing = [c for c in child_ids if c not in stored]
            if missing:
                raise InvalidInput("Staff record", [FieldProblem("scope.child_ids", f"no child {', '.join(missing)} "
                                                                                     f"in this store")])
        if login == principal.login and (not updated.admin or "virtual_school" not in updated.roles):
            raise PermissionDenied("you cannot take away your own administrator rights; ask another "
                                   "Virtual School administrator")
        return self.ctx.store.save_staff(updated, member.revision if expected_revision is None else expected_revision,
                                         principal.login, principal.role)

    def update(self, principal: Principal, login: str, changes: dict[str, Any]) -> StaffMember:
        """Change a staff record's contact details and reminder settings (``email``, ``manager``,
        ``digest``, ``display_name``): :meth:`edit_staff` with a dictionary, for callers that hold one."""
        allowed = {"email", "manager", "digest", "display_name"}
        unknown = sorted(set(changes) - allowed)
        if unknown:
            raise InvalidInput("Staff record", [FieldProblem(k, "cannot be changed here") for k in unknown])
        refuse_control_characters("Staff record", changes)
        return self.edit_staff(principal, login=login, **{k: ("" if v is None and k in ("email", "manager") else v)
                                                          for k, v in changes.items()})

    @staticmethod
    def _check_emails_and_urns(member: StaffMember) -> None:
        problems = []
        if member.email is not None and not _EMAIL.match(member.email):
            problems.append(FieldProblem("email", f"{member.email!r} is not an e-mail address (name@example.org)"))
        bad = [u for u in member.scope.school_urns if not (u.isdigit() and len(u) == 6)]
        if bad:
            problems.append(FieldProblem("scope.school_urns", f"{', '.join(bad)}: a school URN is 6 digits"))
        if problems:
            raise InvalidInput("Staff record", problems)

    def bootstrap_admin(self, login: str, display_name: str, *, actor: str | None = None) -> StaffMember:
        """Create the first Virtual School administrator of an empty store (used by ``pep-tui init``).

        ``actor`` is the OS account that ran ``init`` (recorded in the audit trail); ``login`` by default.
        """
        if self.ctx.store.list_staff():
            raise PermissionDenied("this store already has staff; add more with 'pep-tui staff add'")
        data = {"login": login, "display_name": display_name, "roles": ["virtual_school"], "admin": True}
        member = self._validated("Staff record", data)
        return self.ctx.store.save_staff(member, None, actor or login, "system")
