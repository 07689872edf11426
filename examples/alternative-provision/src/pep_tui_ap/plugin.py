"""The plugin module named by the entry point: it declares the API version and implements the hooks.

Alternative provision is a circumstance, not a stage: a child in Year 4 or Year 10 may be taught by
a provider other than a school, and pep-tui's built-in stages already claim every year group. So
the plugin adds sections that apply, whatever the stage, to children of compulsory school age
(Years 1 to 11) who are not on a school roll, and leaves the stages alone.
"""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import SectionContext, SectionSpec, ValidatorSpec, ViewSpec
from pep_tui_ap.checks import PLACEMENT, PROGRESS, check_full_time_education, check_provider
from pep_tui_ap.models import APPlacement, APProgress
from pep_tui_ap.sample import sample_placement, sample_progress

#: The plugin API version this plugin was written for.
PEP_TUI_API_VERSION = "1.0"
#: How ``pep-tui plugins`` lists it: it adds content to PEPs, like a stage plugin.
PEP_TUI_PLUGIN_KIND = "stage"

#: Who completes the sections: the Virtual School leads the PEP of a child not on a school roll.
EDITORS = frozenset({"virtual_school", "social_worker"})


def in_alternative_provision(ctx: SectionContext) -> bool:
    """Whether a PEP is for a child of compulsory school age who is not on a school roll."""
    return not ctx.child.on_roll and 1 <= ctx.pep.year_group <= 11


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The placement and the progress sections, for children in alternative provision."""
    register(SectionSpec(
        id=PLACEMENT,
        title="Alternative provision",
        model=APPlacement,
        applies=in_alternative_provision,
        editors=EDITORS,
        order=900,
        sample=sample_placement,
        help="Where the child is taught while not on a school roll, for how many hours, and its checks.",
    ))
    register(SectionSpec(
        id=PROGRESS,
        title="Progress in AP",
        model=APProgress,
        applies=in_alternative_provision,
        editors=EDITORS,
        order=901,
        sample=sample_progress,
        help="Attendance and progress at the provider, and the plan for a return to school.",
    ))


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """Two checks: full-time education, and the provider's checks and review."""
    register(ValidatorSpec(
        id="ap.full_time_education",
        check=check_full_time_education,
        description="A part-time timetable has a reason and a plan; attendance at the provider is watched.",
        criterion="Q4",
    ))
    register(ValidatorSpec(
        id="ap.provider_checks",
        check=check_provider,
        description="An unregistered provider is safeguarding-checked; the placement review is on time.",
    ))


@hookimpl
def register_views(register: Callable[[ViewSpec], None]) -> None:
    """The Virtual School's list of every child in alternative provision."""
    register(ViewSpec(
        id="ap.overview",
        title="Children in alternative provision",
        roles=frozenset({"virtual_school", "social_worker"}),
        screen="pep_tui_ap.views:APOverviewScreen",
        description="Provider, hours and next review for each child in your scope who is not on a school roll.",
    ))
