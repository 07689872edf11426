"""The parent or family role plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import Capability, RoleDefinition, ScopeKind

PEP_TUI_API_VERSION = "1.0"

ROLE = RoleDefinition(
    id="parent",
    title="Parent or family",
    scope=ScopeKind.FAMILY,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_PEP,
    }),
    description="Contributes where the social worker has enabled involvement; sees only what is shared with family.",
    limited_view=True,
    read_only=False,
    order=5,
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The parent or family role."""
    register(ROLE)
