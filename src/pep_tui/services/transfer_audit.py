"""Recording imports and exports in the audit trail (who moved which data in or out, and when)."""

from __future__ import annotations

from typing import Any

from pep_tui.domain import AuditEvent, utcnow
from pep_tui.services.context import ServiceContext
from pep_tui.services.principal import Principal


def audit_transfer(
    ctx: ServiceContext,
    principal: Principal,
    action: str,
    detail: dict[str, Any],
    child_id: str | None = None,
    pep_id: str | None = None,
) -> AuditEvent:
    """Append one event such as ``import.cohort`` or ``export.pep``.

    ``detail`` carries counts, formats and file names only, never the personal data that moved.
    """
    event = AuditEvent(
        at=utcnow(), actor=principal.login, role=principal.role, action=action,
        child_id=child_id, pep_id=pep_id, detail=detail,
    )
    ctx.store.audit.append(event)
    return event
