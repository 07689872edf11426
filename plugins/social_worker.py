"""The social worker role plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import Capability, RoleDefinition, ScopeKind

PEP_TUI_API_VERSION = "1.0"

ROLE = RoleDefinition(
    id="social_worker",
    title="Social worker",
    scope=ScopeKind.CASELOAD,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_CHILD,
        Capability.CREATE_CHILD,
        Capability.START_PEP,
        Capability.EDIT_PEP,
        Capability.FINALISE_PEP,
        Capability.VIEW_AUDIT,
        Capability.GRANT_FAMILY_ACCESS,
    }),
    description="Initiates the PEP with the care plan, completes the personal and care context, makes sure reviews happen; sees their caseload.",
    limited_view=False,
    read_only=False,
    order=0,
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The social worker role."""
    register(ROLE)
