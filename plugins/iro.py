"""The independent reviewing officer role plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import Capability, RoleDefinition, ScopeKind

PEP_TUI_API_VERSION = "1.0"

ROLE = RoleDefinition(
    id="iro",
    title="Independent reviewing officer",
    scope=ScopeKind.REVIEWING,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.VIEW_AUDIT,
    }),
    description="Reads the PEP before each care-plan review; read-only.",
    limited_view=False,
    read_only=True,
    order=6,
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The independent reviewing officer role."""
    register(ROLE)
