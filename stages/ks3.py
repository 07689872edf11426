"""The Key Stage 3 stage plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import StageDefinition

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="ks3",
    title="Key Stage 3",
    year_groups=(7, 8, 9),
    order=3,
    description="Years 7-9: subject progress, Year 9 options, careers conversation started before the end of Year 9.",
    lead_role="designated_teacher",
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Key Stage 3 stage."""
    register(STAGE)
