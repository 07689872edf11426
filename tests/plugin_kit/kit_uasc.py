"""A circumstance plugin written against the documented plugin API 1.2 alone: unaccompanied
asylum-seeking children (UASC). Used by tests/plugin_kit/test_api_1_2.py.

* a child attribute, set on the child record by the social worker or the Virtual School;
* a section that appears in the PEPs of a child with the attribute, and its validator;
* a summary field and a service that lists those children (what a view or report reads);
* a ``pep-tui uasc`` command, and a sample writer that flags one child of the training cohort.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    ChildAttribute,
    CliCommand,
    Finding,
    SampleCohort,
    SectionContext,
    SectionSpec,
    ServiceSpec,
    Severity,
    SummaryField,
    ValidationContext,
    ValidatorSpec,
    child_attribute,
    form_field,
    summary_value,
)

PEP_TUI_API_VERSION = "1.2"

UNACCOMPANIED = ChildAttribute(
    id="uasc.unaccompanied", label="Unaccompanied asylum-seeking child", type=bool,
    editors=frozenset({"social_worker", "virtual_school"}),
    help="Arrived in the UK without a parent or carer and claimed asylum",
)
SECTION_ID = "uasc.support"


class Support(BaseModel):
    """Education support for an unaccompanied child."""

    model_config = ConfigDict(extra="forbid")

    english: str = form_field("English as an additional language: level and support", label="EAL support",
                              required=True, default="", max_length=1000)
    interpreter: bool = form_field("An interpreter is needed at the PEP meeting", default=False)


def is_unaccompanied(ctx: SectionContext) -> bool:
    """The section applies to children flagged on their record."""
    return bool(child_attribute(ctx.child, UNACCOMPANIED))


def check_support(ctx: ValidationContext) -> Iterator[Finding]:
    """An unaccompanied child's PEP records their English support."""
    if SECTION_ID not in ctx.sections:
        return
    section = ctx.sections[SECTION_ID]
    if not isinstance(section, Support) or not section.english.strip():
        yield Finding(Severity.WARNING, "Record the child's English language support", SECTION_ID, "english",
                      criterion="Q5")


class UASCService:
    """The plugin's use cases, over the core services."""

    def __init__(self, services: Any) -> None:
        self.services = services

    def children(self, principal: Any) -> list[str]:
        """Ids of the children in the principal's scope flagged unaccompanied (from the index summaries)."""
        return [s["child_id"] for s in self.services.children.list(principal, with_facts=True)
                if summary_value(s, "uasc")]


def _run(args: argparse.Namespace) -> int:
    from pep_tui.cli.common import open_from_args, principal_from_args
    from pep_tui.cli.exit_codes import OK
    from pep_tui.cli.output import say

    opened = open_from_args(args)
    services = opened.services
    if services.store.kind == "training":  # fictional data: any sample login (as pep-tui demo allows)
        principal = services.principal_for(getattr(args, "login", None) or "vs.head")
    else:
        principal = principal_from_args(opened, args)
    found = services.plugin_service("uasc").children(principal)
    say(f"{len(found)} unaccompanied child(ren)")
    return OK


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(func=_run)


def flag_first_child(services: Any, cohort: SampleCohort) -> None:
    """Flag the first sample child of the cohort, as the Virtual School would."""
    head = services.principal_for("vs.head")
    services.children.set_attribute(head, cohort.children[0].id, UNACCOMPANIED.id, True)


@hookimpl
def register_child_attributes(register: Callable[[ChildAttribute], None]) -> None:
    """The UASC flag."""
    register(UNACCOMPANIED)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The UASC support section."""
    register(SectionSpec(id=SECTION_ID, title="UASC support", model=Support, applies=is_unaccompanied,
                         editors=frozenset({"designated_teacher", "social_worker"}), required=False))


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """English support recorded."""
    register(ValidatorSpec(id="uasc.english", check=check_support, criterion="Q5",
                           description="English language support is recorded"))


@hookimpl
def register_summary_fields(register: Callable[[SummaryField], None]) -> None:
    """Whether the child is flagged, for lists and reports."""
    register(SummaryField(name="uasc", compute=lambda child, peps: bool(child_attribute(child, UNACCOMPANIED))))


@hookimpl
def register_services(register: Callable[[ServiceSpec], None]) -> None:
    """The UASC service."""
    register(ServiceSpec(name="uasc", factory=UASCService, description="Unaccompanied children"))


@hookimpl
def register_cli_commands(register: Callable[[CliCommand], None]) -> None:
    """``pep-tui uasc``."""
    register(CliCommand(name="uasc", configure=_configure, help="unaccompanied asylum-seeking children"))


@hookimpl
def register_sample_writers(register: Callable[[Callable[[Any, SampleCohort], None]], None]) -> None:
    """Flag one child of the training cohort."""
    register(flag_first_child)
