"""The designated teacher role plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import Capability, RoleDefinition, ScopeKind

PEP_TUI_API_VERSION = "1.0"

ROLE = RoleDefinition(
    id="designated_teacher",
    title="Designated teacher",
    scope=ScopeKind.SCHOOL,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.START_PEP,
        Capability.EDIT_PEP,
        Capability.SUBMIT_PEP,
        Capability.REQUEST_FUNDING,
        Capability.VIEW_AUDIT,
    }),
    description="Leads the PEP in school: attainment, attendance, targets, the PP+ request; sees pupils on roll at their school(s).",
    limited_view=False,
    read_only=False,
    order=1,
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The designated teacher role."""
    register(ROLE)
