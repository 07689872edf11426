"""Reading the audit trail (permission-checked)."""

from __future__ import annotations

from pep_tui.domain import AuditEvent
from pep_tui.plugins.api import Capability
from pep_tui.services.access import require
from pep_tui.services.children import ChildService
from pep_tui.services.context import ServiceContext
from pep_tui.services.principal import Principal


class AuditService:
    """Who changed what and when, for roles that may see it."""

    def __init__(self, ctx: ServiceContext, children: ChildService) -> None:
        self.ctx = ctx
        self.children = children

    def for_child(self, principal: Principal, child_id: str) -> list[AuditEvent]:
        """The audit trail of one child, oldest first."""
        record = self.children.record(principal, child_id)
        require(self.ctx.registry, principal, Capability.VIEW_AUDIT, record.child)
        return self.ctx.store.audit.for_child(child_id)
