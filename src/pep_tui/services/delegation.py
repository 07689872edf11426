"""Delegation: a designated teacher lets other school staff work on named children's PEPs.

A delegate holds a role whose scope kind is ``DELEGATED`` (the built-in ``school_staff``). Their staff
record's ``scope.child_ids`` names the children they reach and ``scope.sections``, when not empty, the
only sections they see and edit (with the designated teacher's section rights). A designated teacher
(or the Virtual School) may add or remove children of their own scope; they may limit sections only to
sections they may edit themselves. Each change is saved on the staff record with its revision.
"""

from __future__ import annotations

from pep_tui.domain import StaffMember
from pep_tui.plugins.api import Capability, ScopeKind
from pep_tui.services.access import PermissionDenied, require, role_of
from pep_tui.services.children import ChildService
from pep_tui.services.context import ServiceContext
from pep_tui.services.errors import FieldProblem, InvalidInput
from pep_tui.services.principal import Principal

#: Roles that may delegate: those reaching a school's pupils, and the Virtual School.
DELEGATING_SCOPES = frozenset({ScopeKind.SCHOOL, ScopeKind.ALL})


class DelegationService:
    """Granting and withdrawing delegated access for school staff."""

    def __init__(self, ctx: ServiceContext, children: ChildService) -> None:
        self.ctx = ctx
        self.children = children

    def _delegate(self, login: str) -> StaffMember:
        member = self.ctx.store.get_staff(login)
        registry = self.ctx.registry
        if member is None or not member.active:
            raise InvalidInput("Delegation", [FieldProblem("login", f"{login!r} is not an active pep-tui user")])
        if not any(registry.roles.get(r) is not None and registry.roles[r].scope is ScopeKind.DELEGATED for r in member.roles):
            raise InvalidInput("Delegation", [FieldProblem(
                "login", f"{login} does not hold a delegated school-staff role; ask a Virtual School administrator")])
        return member

    def _check_delegator(self, principal: Principal) -> None:
        role = role_of(self.ctx.registry, principal)
        require(self.ctx.registry, principal, Capability.EDIT_PEP)
        if role.scope not in DELEGATING_SCOPES:
            raise PermissionDenied(f"{role.title} may not delegate access")

    def delegate(self, principal: Principal, login: str, child_id: str, sections: list[str] | None = None) -> StaffMember:
        """Let ``login`` work on one child in the principal's scope, optionally only in ``sections``.

        ``sections`` replaces the delegate's section list (empty or ``None`` leaves it unchanged).
        """
        self._check_delegator(principal)
        self.children.record(principal, child_id)  # refuses a child out of the delegator's scope
        member = self._delegate(login)
        scope = member.scope
        if sections:
            editable = {s.id for s in self.ctx.registry.sections.values() if principal.role in s.editors}
            unknown = [s for s in sections if s not in editable]
            if unknown:
                raise InvalidInput("Delegation", [FieldProblem("sections", f"not sections you edit: {', '.join(unknown)}")])
            scope = scope.model_copy(update={"sections": list(dict.fromkeys(sections))})
        if child_id not in scope.child_ids:
            scope = scope.model_copy(update={"child_ids": [*scope.child_ids, child_id]})
        return self.ctx.store.save_staff(member.model_copy(update={"scope": scope}), member.revision,
                                         principal.login, principal.role)

    def withdraw(self, principal: Principal, login: str, child_id: str) -> StaffMember:
        """Stop ``login`` reaching one child (who must be in the principal's scope)."""
        self._check_delegator(principal)
        self.children.record(principal, child_id)
        member = self._delegate(login)
        scope = member.scope.model_copy(update={"child_ids": [c for c in member.scope.child_ids if c != child_id]})
        return self.ctx.store.save_staff(member.model_copy(update={"scope": scope}), member.revision,
                                         principal.login, principal.role)
