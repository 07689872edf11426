"""Children: listing the ones in scope, reading and changing their records."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from pep_tui.domain import Child, new_id
from pep_tui.plugins.api import Capability, ScopeKind
from pep_tui.services.access import PermissionDenied, in_scope, require, role_of, summary_in_scope
from pep_tui.services.context import ServiceContext
from pep_tui.services.errors import InvalidInput
from pep_tui.services.family_view import (
    is_family,
    placement_visible,
    redact_summary,
    sees_staff_fields,
)
from pep_tui.services.principal import Principal
from pep_tui.services.text_input import refuse_control_characters
from pep_tui.store import ChildRecord, NotFound

#: special educational needs in plain words
SEN_WORDS = {"none": "none", "sen_support": "SEN support at school", "ehcp": "an education, health and care plan",
             "under_assessment": "being assessed for an EHC plan"}


class ChildService:
    """Use cases about children's records. Every call takes the :class:`Principal` it is made for."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def list(self, principal: Principal, with_facts: bool = False) -> list[dict[str, Any]]:
        """Summaries of the children in the principal's scope (from the index; no child file is read).

        ``with_facts=True`` adds each child's facts: the compliance report's (``"report"``) and the
        plugins' summary fields (``"plugins"``, read with :func:`~pep_tui.plugins.api.summary_value`).
        They are kept apart from the list and read only when asked for, so ask only where they are used.
        """
        require(self.ctx.registry, principal, Capability.VIEW_CHILD)
        summaries = self.ctx.store.summaries(with_facts=with_facts)
        registry = self.ctx.registry
        return [redact_summary(registry, principal, s) for s in summaries.values()
                if summary_in_scope(registry, principal, s)]

    def record(self, principal: Principal, child_id: str) -> ChildRecord:
        """A child with their PEPs; refused (without reading data out) if out of scope."""
        require(self.ctx.registry, principal, Capability.VIEW_CHILD)
        try:
            record = self.ctx.store.load_child(child_id)
        except NotFound:
            raise PermissionDenied("no such child in your scope") from None
        if not in_scope(self.ctx.registry, principal, record.child):
            raise PermissionDenied(f"this child is not in your scope as {role_of(self.ctx.registry, principal).title.lower()}")
        return record

    def get(self, principal: Principal, child_id: str) -> Child:
        """A child's record."""
        return self.record(principal, child_id).child

    def create(self, principal: Principal, data: dict[str, Any] | Child) -> Child:
        """Add a child (Virtual School, social worker). ``data`` may omit ``id``."""
        require(self.ctx.registry, principal, Capability.CREATE_CHILD)
        if isinstance(data, Child):
            child = data
        else:
            try:
                refuse_control_characters("New child", data)
                child = Child.model_validate({"id": new_id("child"), **data})
            except ValidationError as exc:
                raise InvalidInput.from_validation_error("New child", exc) from None
        # The store's kind decides: a sandbox's children are fictional, a live store's never are.
        child = child.model_copy(update={"training": self.ctx.store.kind == "training"})
        if not in_scope(self.ctx.registry, principal, child):
            raise PermissionDenied("you may only add children who will be in your own scope")
        return self.ctx.store.create_child(child, principal.login, principal.role)

    def update(self, principal: Principal, child_id: str, changes: dict[str, Any], expected_revision: int) -> Child:
        """Change fields of a child's record, refusing a stale revision (``Conflict``) or bad values."""
        record = self.record(principal, child_id)
        require(self.ctx.registry, principal, Capability.EDIT_CHILD, record.child)
        forbidden = {"id", "revision", "training"} & set(changes)
        if forbidden:
            raise PermissionDenied(f"{', '.join(sorted(forbidden))} cannot be changed")
        try:
            refuse_control_characters("Child record", changes)
            updated = Child.model_validate({**record.child.model_dump(), **changes})
        except ValidationError as exc:
            raise InvalidInput.from_validation_error(f"{record.child.display_name}'s record", exc) from None
        if "family_access" in changes:
            require(self.ctx.registry, principal, Capability.GRANT_FAMILY_ACCESS, record.child)
        if "family_sees_placement" in changes:
            self._may_decide_placement(principal, record.child)
        return self.ctx.store.save_child(updated, expected_revision, principal.login, principal.role, sorted(changes))

    def _may_decide_placement(self, principal: Principal, child: Child) -> None:
        require(self.ctx.registry, principal, Capability.GRANT_FAMILY_ACCESS, child)
        role = role_of(self.ctx.registry, principal)
        mine = role.scope is ScopeKind.CASELOAD and child.social_worker == principal.login
        if not (mine or role.scope is ScopeKind.ALL):
            raise PermissionDenied("only the child's social worker or the Virtual School decides what the family "
                                   "may see of the placement")

    def set_family_sees_placement(self, principal: Principal, child_id: str, visible: bool,
                                  expected_revision: int) -> Child:
        """Record the social worker's decision on whether the family may see where and with whom the child
        lives (carer, placement, school). Only the child's social worker or the Virtual School may; audited."""
        record = self.record(principal, child_id)
        self._may_decide_placement(principal, record.child)
        updated = record.child.model_copy(update={"family_sees_placement": bool(visible)})
        return self.ctx.store.save_child(updated, expected_revision, principal.login, principal.role,
                                         ["family_sees_placement"])

    def facts(self, principal: Principal, child_id: str) -> list[tuple[str, str]]:
        """The child's key facts as this principal may see them, in plain words: people by name (never a
        login), and for the family nothing of the placement until the social worker has decided so."""
        from pep_tui.domain import year_group, year_group_label

        child = self.record(principal, child_id).child
        registry = self.ctx.registry
        staff = sees_staff_fields(registry, principal)
        placement = placement_visible(registry, principal, child.family_sees_placement)

        def name(login: str | None) -> str:
            if not login:
                return "-"
            member = self.ctx.store.get_staff(login)
            return member.display_name if member is not None else (login if staff else "-")

        rows: list[tuple[str, str]] = [
            ("Name", child.display_name),
            ("Born", child.date_of_birth.strftime("%d %b %Y")),
            ("Year", year_group_label(year_group(child.date_of_birth, self.ctx.today()))),
        ]
        if placement:
            rows.append(("School", child.school_name or "-"))
        if staff:
            rows += [("UPN", child.upn or "-"), ("On roll", "yes" if child.on_roll else "NO")]
        rows.append(("SEN", SEN_WORDS.get(child.sen_status.value, child.sen_status.value.replace("_", " "))))
        if staff:
            rows.append(("In care since", child.date_entered_care.strftime("%d %b %Y") if child.date_entered_care else "-"))
        rows.append(("Social worker", name(child.social_worker)))
        if placement:
            rows.append(("Designated teacher", name(child.designated_teacher)))
        # the carer's own screen and the young person's do not need the placement spelt out; the family
        # sees the carer only once the social worker has decided they may
        if staff or (is_family(registry, principal) and placement):
            rows.append(("Carer", name(child.carer)))
        if staff:
            rows.append(("IRO", name(child.iro)))
        return rows
