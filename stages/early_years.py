"""The Early Years stage plugin."""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import StageDefinition

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="early_years",
    title="Early Years",
    year_groups=(-2, -1, 0),
    order=0,
    description="From the council's early-years start age to the end of Reception: EYFS areas, the 2-year progress check, funded hours, Early Years Pupil Premium, transition to Reception. The lead may be a key person rather than a designated teacher.",
    lead_role="key_person",
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Early Years stage."""
    register(STAGE)
