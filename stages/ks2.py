"""The Key Stage 2 stage plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import StageDefinition

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="ks2",
    title="Key Stage 2",
    year_groups=(3, 4, 5, 6),
    order=2,
    description="Years 3-6: multiplication tables check (Year 4); KS2 tests in Year 6; transition to Year 7.",
    lead_role="designated_teacher",
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Key Stage 2 stage."""
    register(STAGE)
