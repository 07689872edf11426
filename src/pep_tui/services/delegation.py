"""Delegation: a designated teacher lets other school staff work on named children's PEPs.

A delegate holds a role whose scope kind is ``DELEGATED`` (the built-in ``school_staff``, or a
plugin's own). Their staff record's ``scope.child_ids`` names the children they reach, and
``scope.sections``, when not empty, the only sections of the designated teacher's they see and edit
(see ``services.peps.may_view_section``).

**The section limit belongs to the delegate, not to each child.** It describes the delegate's job (the
SENCo writes the SEN sections, the attendance officer the attendance) and applies to every child they
reach. Per-child limits were considered and left out: the people a designated teacher delegates to do
one job across the pupils they are given, and one list per person is what a designated teacher can
check at a glance. So that no one changes a delegate's rights over children they do not answer for,
setting or clearing the limit (:meth:`DelegationService.limit_sections`, or ``sections`` given to
:meth:`DelegationService.delegate`) is refused unless every child the delegate reaches is in the
delegator's own scope. Adding a child to a delegate who already has a limit gives that child under the
same limit. A designated teacher (or the Virtual School) may add or remove only children of their own
scope and may limit sections only to sections they edit themselves. Each change is saved on the staff
record with its revision.
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

    def _sections_problem(self, principal: Principal, sections: list[str]) -> None:
        editable = {s.id for s in self.ctx.registry.sections.values() if principal.role in s.editors}
        unknown = [s for s in sections if s not in editable]
        if unknown:
            raise InvalidInput("Delegation", [FieldProblem("sections", f"not sections you edit: {', '.join(unknown)}")])

    def _answer_for_all(self, principal: Principal, member: StaffMember, adding: str | None = None) -> None:
        """Refuse to change a delegate's section limit while they reach a child outside the principal's scope."""
        for child_id in member.scope.child_ids:
            if child_id == adding:
                continue
            try:
                self.children.record(principal, child_id)
            except PermissionDenied:
                raise PermissionDenied(
                    f"{member.display_name}'s section limit applies to every child they work on, and one of them "
                    "is not in your scope; ask the Virtual School to change it") from None

    def delegate(self, principal: Principal, login: str, child_id: str, sections: list[str] | None = None) -> StaffMember:
        """Let ``login`` work on one child in the principal's scope.

        ``sections`` (not empty) sets the delegate's section limit, which applies to every child they
        reach (see the module notes); ``None`` or empty keeps the limit they have.
        """
        self._check_delegator(principal)
        self.children.record(principal, child_id)  # refuses a child out of the delegator's scope
        member = self._delegate(login)
        scope = member.scope
        if sections:
            self._sections_problem(principal, sections)
            wanted = list(dict.fromkeys(sections))
            if wanted != scope.sections:
                self._answer_for_all(principal, member, adding=child_id)
            scope = scope.model_copy(update={"sections": wanted})
        if child_id not in scope.child_ids:
            scope = scope.model_copy(update={"child_ids": [*scope.child_ids, child_id]})
        return self.ctx.store.save_staff(member.model_copy(update={"scope": scope}), member.revision,
                                         principal.login, principal.role)

    def limit_sections(self, principal: Principal, login: str, sections: list[str]) -> StaffMember:
        """Set (or, with an empty list, clear) a delegate's section limit, for every child they reach.

        Refused unless every child the delegate reaches is in the principal's scope; the sections must
        be sections the principal edits.
        """
        self._check_delegator(principal)
        member = self._delegate(login)
        self._sections_problem(principal, sections)
        self._answer_for_all(principal, member)
        scope = member.scope.model_copy(update={"sections": list(dict.fromkeys(sections))})
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
