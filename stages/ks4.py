"""The Key Stage 4 stage plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import StageDefinition

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="ks4",
    title="Key Stage 4",
    year_groups=(10, 11),
    order=4,
    description="Years 10-11: GCSE predicted and actual grades, access arrangements, careers guidance, post-16 transition plan.",
    lead_role="designated_teacher",
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Key Stage 4 stage."""
    register(STAGE)
