"""The designated teacher role plugin, and the school staff a designated teacher delegates to.

The designated teacher leads the PEP in school (education, attainment, attendance, targets, the PP+
request) for pupils on roll at their school(s). They may delegate part of the work to other school
staff (a head of year, a SENCo, a teaching assistant): a ``school_staff`` login reaches only the
children named in its ``StaffScope.child_ids`` and, when ``StaffScope.sections`` is given, sees and
edits only those of the designated teacher's sections. A delegate borrows the designated teacher's
section rights inside that limit, and cannot start, submit or sign anything. The section limit is the
delegate's (their job), the same for every child they reach; another plugin's delegated role keeps the
rights of the sections naming it as well. Delegations are made through ``services.delegation``.
"""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.domain import StaffMember, StaffScope
from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    Capability,
    RoleDefinition,
    SampleCohort,
    SampleContributor,
    ScopeKind,
)

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

#: The role a designated teacher delegates to (its scope kind is ``DELEGATED``).
SCHOOL_STAFF_ROLE = RoleDefinition(
    id="school_staff",
    title="School staff (delegated)",
    scope=ScopeKind.DELEGATED,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_PEP,
    }),
    description="School staff the designated teacher delegates to: only the named children and, if given, sections.",
    limited_view=False,
    read_only=False,
    order=7,
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The designated teacher and delegated school staff roles."""
    register(ROLE)
    register(SCHOOL_STAFF_ROLE)


#: The sample delegate: a teaching assistant at Harbourside who records attendance for one pupil.
SAMPLE_DELEGATE = "ta.harbourside"
SAMPLE_DELEGATE_SECTIONS = ["shared.attendance"]


def add_sample_delegate(cohort: SampleCohort) -> None:
    """Add a delegated member of school staff to the sample cohort, reaching one Harbourside pupil."""
    dt = next((m for m in cohort.staff if m.login == "dt.harbourside"), None)
    if dt is None or any(m.login == SAMPLE_DELEGATE for m in cohort.staff):
        return
    pupils = sorted(c.id for c in cohort.children if c.school_urn in dt.scope.school_urns and c.on_roll
                    and cohort.peps.get(c.id))
    if not pupils:
        return
    chosen = pupils[cohort.rng.randrange(len(pupils))]
    cohort.staff.append(StaffMember(
        login=SAMPLE_DELEGATE, display_name="Tess Assistant (teaching assistant, fictional)", roles=["school_staff"],
        scope=StaffScope(child_ids=[chosen], sections=list(SAMPLE_DELEGATE_SECTIONS)),
        organisation="Harbourside Primary (fictional)",
    ))


@hookimpl
def register_sample_data(register: Callable[[SampleContributor], None]) -> None:
    """A delegated teaching assistant in the sample cohort."""
    register(add_sample_delegate)
