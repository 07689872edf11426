"""Children: listing the ones in scope, reading and changing their records."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from pep_tui.domain import Child, new_id
from pep_tui.plugins.api import Capability
from pep_tui.services.access import (
    PermissionDenied,
    in_scope,
    log_denied,
    require,
    role_of,
    summary_in_scope,
)
from pep_tui.services.context import ServiceContext
from pep_tui.services.errors import InvalidInput
from pep_tui.services.principal import Principal
from pep_tui.services.text_input import refuse_control_characters
from pep_tui.store import ChildRecord, NotFound

#: Fields of a child's record that are one line: a tab or line break in them is refused like any
#: other control character (a CR in a name would let a terminal print over the rest of a row).
ONE_LINE_CHILD_FIELDS = frozenset({
    "first_name", "last_name", "preferred_name", "upn", "la_child_id", "sex", "placement", "school_urn",
    "school_name", "social_worker", "designated_teacher", "carer", "iro", "young_person_login", "family_access",
})


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
        return [s for s in summaries.values() if summary_in_scope(self.ctx.registry, principal, s)]

    def record(self, principal: Principal, child_id: str) -> ChildRecord:
        """A child with their PEPs; refused (without reading data out) if out of scope."""
        require(self.ctx.registry, principal, Capability.VIEW_CHILD)
        try:
            record = self.ctx.store.load_child(child_id)
        except NotFound:
            log_denied(principal, "read a child that does not exist", child_id)
            raise PermissionDenied("no such child in your scope") from None
        if not in_scope(self.ctx.registry, principal, record.child):
            log_denied(principal, "read a child out of scope", child_id)
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
                refuse_control_characters("New child", data, one_line=ONE_LINE_CHILD_FIELDS)
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
            refuse_control_characters("Child record", changes, one_line=ONE_LINE_CHILD_FIELDS)
            updated = Child.model_validate({**record.child.model_dump(), **changes})
        except ValidationError as exc:
            raise InvalidInput.from_validation_error(f"{record.child.display_name}'s record", exc) from None
        if "family_access" in changes:
            require(self.ctx.registry, principal, Capability.GRANT_FAMILY_ACCESS, record.child)
        return self.ctx.store.save_child(updated, expected_revision, principal.login, principal.role, sorted(changes))
