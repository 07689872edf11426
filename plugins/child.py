"""The child or young person role plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import Capability, RoleDefinition, ScopeKind

PEP_TUI_API_VERSION = "1.0"

ROLE = RoleDefinition(
    id="child",
    title="Child or young person",
    scope=ScopeKind.OWN,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_PEP,
        Capability.ACKNOWLEDGE_PEP,
    }),
    description="My views, in plain words; sees their own PEP only.",
    limited_view=True,
    read_only=False,
    order=4,
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The child or young person role."""
    register(ROLE)
