"""The Post-16 stage plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import StageDefinition

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="post16",
    title="Post-16",
    year_groups=(12, 13),
    order=5,
    description="Years 12-13, to 18: education, employment or training (or NEET, or in custody), the pathway plan, 16-19 bursary.",
    lead_role="designated_person",
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Post-16 stage."""
    register(STAGE)
