"""The carer role plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import Capability, RoleDefinition, ScopeKind

PEP_TUI_API_VERSION = "1.0"

ROLE = RoleDefinition(
    id="carer",
    title="Carer",
    scope=ScopeKind.PLACEMENT,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_PEP,
        Capability.ACKNOWLEDGE_PEP,
    }),
    description="Contributes home-learning support and views; sees the children placed with them.",
    limited_view=False,
    read_only=False,
    order=3,
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The carer role."""
    register(ROLE)
