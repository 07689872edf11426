"""Pupil Premium Plus: requests tied to PEP targets, Virtual School decisions, and the budget by year.

A feature plugin. It contributes:

* the PEP section ``pupil_premium.requests`` (designated teacher and Virtual School edit it while the
  PEP is being written; every request must name the PEP targets it serves, QA criterion Q7);
* the Q7 validator;
* views for the Virtual School (decision queue, budget dashboard) and a child's PP+ history;
* a year of sample requests, decisions and payments for the training cohort;
* a summary field (``summary["plugins"]["pupil_premium"]``: open requests, months with PP+ money, the
  dates the grant count needs) so the queue, the ledger and the budget dashboard open only the
  children they need.

Decisions, allocations, payments and impact reviews go through :class:`PupilPremiumService` (see
:func:`pupil_premium`), never through section editing: they happen after a PEP is submitted.
"""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    CliCommand,
    SampleContributor,
    SampleWriter,
    SectionSpec,
    ServiceSpec,
    SummaryField,
    ValidatorSpec,
    ViewSpec,
)
from pep_tui_plugins.pupil_premium.models import Q7, REQUESTS_SECTION, RequestsSection
from pep_tui_plugins.pupil_premium.reading import read_requests

PEP_TUI_API_VERSION = "1.2"  # register_services, register_cli_commands, register_sample_writers

SECTION = SectionSpec(
    id=REQUESTS_SECTION,
    title="Pupil Premium Plus",
    purpose="funding_requests",
    model=RequestsSection,
    editors=frozenset({"designated_teacher", "virtual_school"}),
    order=75,
    required=False,
    help=(
        "Requests for Pupil Premium Plus this term. Each request is costed and names the PEP target(s) it "
        "serves, with the intervention, provider, EEF category, dates and how the support will end. The "
        "Virtual School decides once the PEP is submitted."
    ),
    reader=read_requests,  # the carer and others who only read it: pounds and targets in words
)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The PP+ requests section."""
    register(SECTION)


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """QA criterion Q7."""
    from pep_tui_plugins.pupil_premium.validation import check_q7

    register(ValidatorSpec(id="pupil_premium.q7", check=check_q7, criterion=Q7,
                           description="PP+ costed, linked to specific targets, impact reviewed next term"))


@hookimpl
def register_views(register: Callable[[ViewSpec], None]) -> None:
    """The Virtual School's decision queue and budget dashboard; a child's PP+ history."""
    module = "pep_tui_plugins.pupil_premium.views"
    register(ViewSpec(id="pupil_premium.decisions", title="PP+ decision queue", roles=frozenset({"virtual_school"}),
                      screen=f"{module}:DecisionQueueScreen",
                      description="Requests awaiting a decision: one key per decision"))
    register(ViewSpec(id="pupil_premium.budget", title="PP+ budget", roles=frozenset({"virtual_school"}),
                      screen=f"{module}:BudgetDashboardScreen",
                      description="Grant, top-slice, allocations, payments and what is at risk at 31 March"))
    register(ViewSpec(id="pupil_premium.history", title="PP+ history",
                      roles=frozenset({"virtual_school", "designated_teacher"}),
                      screen=f"{module}:ChildHistoryScreen", description="A child's PP+ requests, decisions and impact"))


@hookimpl
def register_sample_data(register: Callable[[SampleContributor], None]) -> None:
    """A year of PP+ in the training cohort."""
    from pep_tui_plugins.pupil_premium.sample import add_sample_funding

    register(add_sample_funding)


@hookimpl
def register_sample_writers(register: Callable[[SampleWriter], None]) -> None:
    """The training cohort's PP+ budget year, written once the cohort is in the sandbox."""
    from pep_tui_plugins.pupil_premium.sample import write_sample_budget

    register(write_sample_budget)


@hookimpl
def register_services(register: Callable[[ServiceSpec], None]) -> None:
    """The PP+ service: requests, decisions, payments, impact and the budget."""
    from pep_tui_plugins.pupil_premium.service import PupilPremiumService

    register(ServiceSpec(name="pupil_premium", factory=PupilPremiumService,
                         description="PP+ requests, decisions, payments, impact reviews and the budget"))


@hookimpl
def register_cli_commands(register: Callable[[CliCommand], None]) -> None:
    """``pep-tui pupil-premium`` (alias ``pp``): the queue, decisions, payments, base payments, the ledger."""
    from pep_tui_plugins.pupil_premium.cli import configure

    register(CliCommand(name="pupil-premium", aliases=("pp",), configure=configure,
                        help="Pupil Premium Plus: queue, decisions, ledger"))


@hookimpl
def register_summary_fields(register: Callable[[SummaryField], None]) -> None:
    """Open requests and months with PP+ money, kept in each child's index summary."""
    from pep_tui_plugins.pupil_premium.summary import SUMMARY_FIELD

    register(SUMMARY_FIELD)


def pupil_premium(services):  # -> PupilPremiumService
    """The PP+ service of ``services`` (see :mod:`pep_tui_plugins.pupil_premium.service`)."""
    from pep_tui_plugins.pupil_premium.service import pupil_premium as get

    return get(services)
