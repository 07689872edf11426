"""A child's record over time: allocations with effective dates, school and placement moves, family
access, leaving care and coming back. Every change is permission-checked, dated and audited.

The rules (see :mod:`pep_tui.domain.care` for the model):

* **Allocating** (social worker, carers, IRO, school, designated teacher, placement) needs
  ``EDIT_CHILD`` and the child in the principal's scope: a social worker changes only their own
  caseload; designated teachers, carers, IROs and families change nothing. Each login must be an
  active staff member holding the matching role; an unknown login is refused naming it.
* An allocation starts on a date (today by default). From that date the child's fields, and so
  every scope and list, follow it; before it, the allocation is *pending*. A start earlier than the
  latest recorded allocation of the same kind is refused (history is never rewritten).
* A change of school where there was one is a **school move**: it is recorded in ``school_moves``, so
  the due-date rules ask for a new PEP within the policy's working days of the move. A change of
  placement or carers where there was one is a **placement move** (``placement_moves``), shown to the
  next PEP.
* **Family access** is granted and revoked only with ``GRANT_FAMILY_ACCESS`` (the child's social
  worker, or the Virtual School), to logins holding the parent role.
* **Leaving care** records the date and reason; from that date the child is off active lists and
  their PEPs are read-only. **Coming back** keeps the finished period in ``past_care_periods`` and
  starts a new one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pep_tui.domain import Child, SchoolMove, StaffMember, utcnow
from pep_tui.domain.care import (
    Allocation,
    AllocationKind,
    CarePeriod,
    LeavingReason,
    apply_allocation,
    current_value,
    effective,
    value_on,
)
from pep_tui.plugins.api import Capability
from pep_tui.services.access import require
from pep_tui.services.care_rules import ChildClosed, require_open  # noqa: F401  (ChildClosed re-exported)
from pep_tui.services.children import ChildService
from pep_tui.services.context import ServiceContext
from pep_tui.services.errors import FieldProblem, InvalidInput
from pep_tui.services.principal import Principal
from pep_tui.services.text_input import refuse_control_characters

#: The role a login must hold to be allocated as each kind.
ROLE_FOR: dict[AllocationKind, str] = {
    AllocationKind.SOCIAL_WORKER: "social_worker",
    AllocationKind.CARERS: "carer",
    AllocationKind.IRO: "iro",
    AllocationKind.DESIGNATED_TEACHER: "designated_teacher",
    AllocationKind.FAMILY: "parent",
}
_PLACEMENT_KINDS = (AllocationKind.PLACEMENT, AllocationKind.CARERS)


class CareService:
    """Allocations, moves, family access and periods of care (``services.care``)."""

    def __init__(self, ctx: ServiceContext, children: ChildService) -> None:
        self.ctx = ctx
        self.children = children

    # --- allocations ---------------------------------------------------------------------------

    def allocate(
        self,
        principal: Principal,
        child_id: str,
        changes: dict[AllocationKind | str, list[str] | str | None],
        *,
        start: date | None = None,
        school_name: str | None = None,
        source: str = "pep-tui",
        expected_revision: int | None = None,
        capability: Capability = Capability.EDIT_CHILD,
    ) -> Child:
        """Allocate from ``start`` (default today). ``changes`` maps a kind to its new value: a login
        (or list of logins for carers and family access), a school URN, a placement description, or
        ``None``/``[]`` for none. Values that equal what is already in effect on ``start`` are left
        out; when nothing changes the child is returned unsaved. Refused: out of scope, without the
        capability, an unknown or inactive login, a start before the latest allocation of that kind,
        a child who has left care. ``expected_revision`` guards against a record saved since it was read.
        """
        record = self.children.record(principal, child_id)
        child = record.child
        require(self.ctx.registry, principal, capability, child)
        today = self.ctx.today()
        require_open(child, today)
        day = start or today
        wanted = self._check(child, {AllocationKind(k): _as_list(v) for k, v in changes.items()}, day)
        if school_name is not None:
            refuse_control_characters("School", {"school_name": school_name})
        if not wanted:
            return child
        updates: dict[str, Any] = {}
        allocations = list(child.allocations)
        moves = list(child.school_moves)
        placement_moves = list(child.placement_moves)
        now = utcnow()
        for kind, value in wanted.items():
            before = value_on(child, kind, day)
            if before is None:
                before = current_value(child, kind)
            allocation = Allocation(kind=kind, value=value, start=day, recorded_by=principal.login, recorded_at=now,
                                    source=source, applied=day <= today,
                                    label=(school_name or "") if kind is AllocationKind.SCHOOL else "")
            allocations.append(allocation)
            if kind is AllocationKind.SCHOOL and before and value != before:
                moves.append(SchoolMove(on=day, from_urn=before[0], to_urn=value[0] if value else None))
            if kind in _PLACEMENT_KINDS and before and day not in placement_moves:
                placement_moves.append(day)
        updates["allocations"] = allocations
        updates["school_moves"] = sorted(moves, key=lambda m: m.on)
        updates["placement_moves"] = sorted(placement_moves)
        updated = child.model_copy(update=updates)
        for allocation in allocations[len(child.allocations):]:
            if allocation.applied:
                updated = updated.model_copy(update=apply_allocation(updated, allocation))
        revision = record.child.revision if expected_revision is None else expected_revision
        fields = sorted({f"allocation.{k.value}" for k in wanted})
        return self._save(principal, updated, revision, fields)

    def move_school(self, principal: Principal, child_id: str, urn: str | None, on: date, *,
                    school_name: str | None = None, designated_teacher: str | None = None) -> Child:
        """Record a school move on ``on`` (``urn=None``: off roll). The due-date rules then ask for a
        new PEP within the policy's working days of the move."""
        changes: dict[AllocationKind | str, list[str] | str | None] = {AllocationKind.SCHOOL: urn}
        if designated_teacher:
            changes[AllocationKind.DESIGNATED_TEACHER] = designated_teacher
        return self.allocate(principal, child_id, changes, start=on, school_name=school_name)

    def move_placement(self, principal: Principal, child_id: str, on: date, *, placement: str | None = None,
                       carers: list[str] | None = None) -> Child:
        """Record a placement move on ``on``: the new placement and/or carers (shown to the next PEP)."""
        changes: dict[AllocationKind | str, list[str] | str | None] = {}
        if placement is not None:
            changes[AllocationKind.PLACEMENT] = placement
        if carers is not None:
            changes[AllocationKind.CARERS] = carers
        if not changes:
            raise InvalidInput("Placement move", [FieldProblem("placement", "give the new placement or carer(s)")])
        return self.allocate(principal, child_id, changes, start=on)

    def grant_family(self, principal: Principal, child_id: str, login: str, on: date | None = None) -> Child:
        """Give a parent/family login access to the child (their social worker or the Virtual School)."""
        child = self.children.get(principal, child_id)
        require(self.ctx.registry, principal, Capability.GRANT_FAMILY_ACCESS, child)
        if login in child.family_access:
            return child
        return self.allocate(principal, child_id, {AllocationKind.FAMILY: [*child.family_access, login]}, start=on,
                             capability=Capability.GRANT_FAMILY_ACCESS)

    def revoke_family(self, principal: Principal, child_id: str, login: str, on: date | None = None) -> Child:
        """Take a family login's access away (their social worker or the Virtual School)."""
        child = self.children.get(principal, child_id)
        require(self.ctx.registry, principal, Capability.GRANT_FAMILY_ACCESS, child)
        if login not in child.family_access:
            raise InvalidInput("Family access", [FieldProblem("login", f"{login!r} has no family access to this child")])
        remaining = [x for x in child.family_access if x != login]
        return self.allocate(principal, child_id, {AllocationKind.FAMILY: remaining}, start=on,
                             capability=Capability.GRANT_FAMILY_ACCESS)

    # --- periods of care -----------------------------------------------------------------------

    def close(self, principal: Principal, child_id: str, on: date, reason: LeavingReason | str) -> Child:
        """Record that the child left care on ``on`` for ``reason``: from that date they are off active
        lists and their PEPs are read-only; reports for the time they were looked after still count them."""
        record = self.children.record(principal, child_id)
        child = record.child
        require(self.ctx.registry, principal, Capability.EDIT_CHILD, child)
        try:
            why = LeavingReason(reason)
        except ValueError:
            known = ", ".join(r.value for r in LeavingReason)
            raise InvalidInput("Leaving care", [FieldProblem("reason", f"{reason!r} is not one of {known}")]) from None
        if child.left_care_on is not None:
            raise InvalidInput("Leaving care", [FieldProblem(
                "date", f"the record already shows leaving care on {child.left_care_on:%d %b %Y}; reopen it first")])
        if child.date_entered_care is not None and on < child.date_entered_care:
            raise InvalidInput("Leaving care", [FieldProblem(
                "date", f"{on:%d %b %Y} is before the child entered care ({child.date_entered_care:%d %b %Y})")])
        updated = child.model_copy(update={"left_care_on": on, "left_care_reason": why})
        return self._save(principal, updated, child.revision, ["left_care_on", "left_care_reason"])

    def reopen(self, principal: Principal, child_id: str, on: date) -> Child:
        """The child comes back into care on ``on``: the finished period is kept, a new one starts."""
        record = self.children.record(principal, child_id)
        child = record.child
        require(self.ctx.registry, principal, Capability.EDIT_CHILD, child)
        if child.left_care_on is None:
            raise InvalidInput("Coming back into care", [FieldProblem("date", "this child's record is open already")])
        if on <= child.left_care_on:
            raise InvalidInput("Coming back into care", [FieldProblem(
                "date", f"must be after the day the child left care ({child.left_care_on:%d %b %Y})")])
        period = CarePeriod(start=child.date_entered_care, end=child.left_care_on, reason=child.left_care_reason)
        updated = child.model_copy(update={
            "past_care_periods": [*child.past_care_periods, period], "date_entered_care": on,
            "left_care_on": None, "left_care_reason": None,
        })
        return self._save(principal, updated, child.revision, ["date_entered_care", "left_care_on", "past_care_periods"])

    # --- internals -----------------------------------------------------------------------------

    def _check(self, child: Child, changes: dict[AllocationKind, list[str]], day: date) -> dict[AllocationKind, list[str]]:
        """The changes that really change something on ``day``; refuses bad values naming them."""
        problems: list[FieldProblem] = []
        staff = self._staff()
        wanted: dict[AllocationKind, list[str]] = {}
        for kind, value in changes.items():
            refuse_control_characters("Allocation", {kind.value: value})
            if len(set(value)) != len(value):
                problems.append(FieldProblem(kind.value, "a login is given twice"))
                continue
            if kind is AllocationKind.SCHOOL and value and not (len(value) == 1 and value[0].isdigit()
                                                                 and len(value[0]) == 6):
                problems.append(FieldProblem("school", f"{value[0]!r} should be a school URN of 6 digits"))
                continue
            if kind in (AllocationKind.SCHOOL, AllocationKind.PLACEMENT, AllocationKind.SOCIAL_WORKER,
                        AllocationKind.IRO, AllocationKind.DESIGNATED_TEACHER) and len(value) > 1:
                problems.append(FieldProblem(kind.value, "takes one value"))
                continue
            problems += self.login_problems(kind, value, staff)
            latest = max((a.start for a in child.allocations if a.kind is kind), default=None)
            if latest is not None and day < latest:
                problems.append(FieldProblem(kind.value, f"a change from {latest:%d %b %Y} is already recorded; "
                                                         f"a new one must start on or after it"))
                continue
            before = value_on(child, kind, day)
            if before is None:
                before = current_value(child, kind)
            if value != before:
                wanted[kind] = value
        if problems:
            raise InvalidInput("Allocation", problems)
        return wanted

    def _staff(self) -> dict[str, StaffMember]:
        return {m.login: m for m in self.ctx.store.list_staff()}

    def login_problems(self, kind: AllocationKind, value: list[str],
                       staff: dict[str, StaffMember] | None = None) -> list[FieldProblem]:
        """What is wrong with allocating these logins as ``kind``: each must be an active staff login
        holding the matching role (see :data:`ROLE_FOR`). Empty when all is well."""
        role = ROLE_FOR.get(kind)
        if role is None:
            return []
        staff = self._staff() if staff is None else staff
        problems = []
        for login in value:
            member = staff.get(login)
            if member is None or not member.active:
                problems.append(FieldProblem(kind.value, f"{login!r} is not an active pep-tui login "
                                                         f"(add it with 'pep-tui staff add')"))
            elif role not in member.roles:
                problems.append(FieldProblem(kind.value, f"{login!r} does not hold the {role} role"))
        return problems

    def check_logins(self, changes: dict[AllocationKind, list[str]]) -> None:
        """Refuse (:class:`InvalidInput`) logins that may not be allocated as their kind."""
        problems = [p for kind, value in changes.items() for p in self.login_problems(kind, value)]
        if problems:
            raise InvalidInput("Allocation", problems)

    def _save(self, principal: Principal, child: Child, expected_revision: int, fields: list[str]) -> Child:
        return effective(
            self.ctx.store.save_child(child, expected_revision, principal.login, principal.role, fields),
            self.ctx.today())


def _as_list(value: list[str] | str | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if v]
