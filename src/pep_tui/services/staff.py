"""Staff records: mapping OS/SSH logins to roles and scopes (Virtual School administrators only)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from pep_tui.domain import StaffMember
from pep_tui.services.access import PermissionDenied
from pep_tui.services.context import ServiceContext
from pep_tui.services.errors import InvalidInput
from pep_tui.services.principal import Principal
from pep_tui.services.text_input import refuse_control_characters
from pep_tui.store import NotFound


class StaffService:
    """Adding, listing and disabling staff records."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _require_admin(self, principal: Principal) -> None:
        if not principal.admin or principal.role != "virtual_school":
            raise PermissionDenied("only Virtual School administrators may manage staff records")

    def list(self, principal: Principal) -> list[StaffMember]:
        """Every staff record."""
        self._require_admin(principal)
        return self.ctx.store.list_staff()

    def add(self, principal: Principal, data: dict[str, Any] | StaffMember) -> StaffMember:
        """Add a staff record; unknown roles are refused with the list of known ones."""
        self._require_admin(principal)
        try:
            raw = data.model_dump(mode="json") if isinstance(data, StaffMember) else data
            refuse_control_characters("Staff record", raw)
            member = data if isinstance(data, StaffMember) else StaffMember.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput.from_validation_error("Staff record", exc) from None
        self._check_roles(member)
        return self.ctx.store.save_staff(member, None, principal.login, principal.role)

    def _check_roles(self, member: StaffMember) -> None:
        unknown = [r for r in member.roles if r not in self.ctx.registry.roles]
        if unknown:
            from pep_tui.services.errors import FieldProblem

            known = ", ".join(sorted(self.ctx.registry.roles))
            raise InvalidInput("Staff record", [FieldProblem("roles", f"unknown role(s) {', '.join(unknown)}; known: {known}")])

    def set_active(self, principal: Principal, login: str, active: bool) -> StaffMember:
        """Disable (or re-enable) a login; a disabled login can no longer sign in."""
        self._require_admin(principal)
        member = self.ctx.store.get_staff(login)
        if member is None:
            raise NotFound(f"no staff login {login!r}")
        if login == principal.login and not active:
            raise PermissionDenied("you cannot disable your own login")
        return self.ctx.store.save_staff(member.model_copy(update={"active": active}), member.revision,
                                         principal.login, principal.role)

    def update(self, principal: Principal, login: str, changes: dict[str, Any]) -> StaffMember:
        """Change a staff record's contact details and reminder settings: ``email``, ``manager`` (a
        staff login) and ``digest`` (daily, weekly or none). Each field is validated and named if wrong."""
        self._require_admin(principal)
        member = self.ctx.store.get_staff(login)
        if member is None:
            raise NotFound(f"no staff login {login!r}")
        allowed = {"email", "manager", "digest", "display_name", "organisation"}
        unknown = sorted(set(changes) - allowed)
        from pep_tui.services.errors import FieldProblem

        if unknown:
            raise InvalidInput("Staff record", [FieldProblem(k, "cannot be changed here") for k in unknown])
        refuse_control_characters("Staff record", changes)
        manager = changes.get("manager")
        if manager and (manager == login or self.ctx.store.get_staff(manager) is None):
            raise InvalidInput("Staff record", [FieldProblem("manager", f"expected another staff login; got {manager!r}")])
        try:
            updated = StaffMember.model_validate({**member.model_dump(), **changes})
        except ValidationError as exc:
            raise InvalidInput.from_validation_error("Staff record", exc) from None
        return self.ctx.store.save_staff(updated, member.revision, principal.login, principal.role)

    def bootstrap_admin(self, login: str, display_name: str) -> StaffMember:
        """Create the first Virtual School administrator of an empty store (used by ``pep-tui init``)."""
        if self.ctx.store.list_staff():
            raise PermissionDenied("this store already has staff; add more with 'pep-tui staff add'")
        member = StaffMember(login=login, display_name=display_name, roles=["virtual_school"], admin=True)
        return self.ctx.store.save_staff(member, None, login, "system")
