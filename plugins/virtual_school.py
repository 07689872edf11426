"""The virtual school role plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import Capability, RoleDefinition, ScopeKind

PEP_TUI_API_VERSION = "1.0"

ROLE = RoleDefinition(
    id="virtual_school",
    title="Virtual School",
    scope=ScopeKind.ALL,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_CHILD,
        Capability.CREATE_CHILD,
        Capability.START_PEP,
        Capability.EDIT_PEP,
        Capability.SUBMIT_PEP,
        Capability.APPROVE_PEP,
        Capability.RETURN_PEP,
        Capability.RATE_QA,
        Capability.VIEW_AUDIT,
        Capability.GRANT_FAMILY_ACCESS,
        Capability.REQUEST_FUNDING,
        Capability.DECIDE_FUNDING,
        Capability.VIEW_REPORTS,
        Capability.EXPORT_DATA,
        Capability.IMPORT_DATA,
    }),
    description="The Virtual School Head and education advisers: quality-assure PEPs, approve or return them, control PP+; see every child of the LA.",
    limited_view=False,
    read_only=False,
    order=2,
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The virtual school role."""
    register(ROLE)
