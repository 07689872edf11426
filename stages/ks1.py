"""The Key Stage 1 stage plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import StageDefinition

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="ks1",
    title="Key Stage 1",
    year_groups=(1, 2),
    order=1,
    description="Years 1-2: phonics screening check (Year 1, retake in Year 2); reading, writing and maths against age-related expectations.",
    lead_role="designated_teacher",
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Key Stage 1 stage."""
    register(STAGE)
