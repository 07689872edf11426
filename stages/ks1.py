"""The Key Stage 1 stage plugin: Years 1 and 2.

Sections: the phonics screening check (Year 1 in June, retaken in Year 2 by children who did not meet
the standard; a mark out of 40) and reading, writing and maths against age-related expectations (KS1
tests have not been statutory since 2023/24).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum

from pep_tui.domain import Term
from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    Finding,
    SampleContext,
    SectionSpec,
    Severity,
    StageDefinition,
    ValidationContext,
    ValidatorSpec,
)
from pep_tui_stages.attainment import PrimaryAttainment, catch_up_check, sample_attainment
from pep_tui_stages.fields import long_text, optional, text, whole_number
from pep_tui_stages.ownership import EDUCATION
from pep_tui_stages.sample_content import first_name, meeting_day
from pep_tui_stages.shared_checks import parsed
from pep_tui_stages.shared_models import Section

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="ks1",
    title="Key Stage 1",
    year_groups=(1, 2),
    order=1,
    description="Years 1-2: phonics screening check (Year 1, retake in Year 2); reading, writing and maths against age-related expectations.",
    lead_role="designated_teacher",
)
STAGES = frozenset({STAGE.id})

PhonicsMark = whole_number(0, 40)


class PhonicsResult(StrEnum):
    """Where the child is with the phonics screening check."""

    NOT_YET_DUE = "not_yet_due"
    MET_IN_YEAR_1 = "met_in_year_1"
    NOT_MET_IN_YEAR_1 = "not_met_in_year_1"  # retake due in June of Year 2
    MET_AT_RETAKE = "met_at_retake"
    NOT_MET_AT_RETAKE = "not_met_at_retake"
    NOT_TAKEN = "not_taken"  # absent or disapplied


RETAKE_RESULTS = frozenset({PhonicsResult.MET_AT_RETAKE, PhonicsResult.NOT_MET_AT_RETAKE})
NOT_MET = frozenset({PhonicsResult.NOT_MET_IN_YEAR_1, PhonicsResult.NOT_MET_AT_RETAKE})


class PhonicsCheck(Section):
    """The phonics screening check: 40 words read aloud in June of Year 1; retaken in Year 2 if not met."""

    result: PhonicsResult | None = optional("Where the child is with the check", required=True)
    year1_mark: PhonicsMark | None = optional("Year 1 mark out of 40 (June)")
    year2_retake_mark: PhonicsMark | None = optional("Year 2 retake mark out of 40, if retaken")
    not_taken_reason: str = text("If the check was not taken: why (e.g. absent, disapplied)")
    phonics_support: str = long_text("Phonics support in place (programme, group, how often)")


def sample_phonics(ctx: SampleContext) -> PhonicsCheck:
    """Year 1 before June: not yet due; after June (or in Year 2): a mark, with a retake where not met."""
    rng = ctx.rng
    june_passed = ctx.pep.term is Term.SUMMER and meeting_day(ctx).month >= 6
    if ctx.pep.year_group == 1 and not june_passed:
        return PhonicsCheck(result=PhonicsResult.NOT_YET_DUE,
                            phonics_support="Daily phonics lesson with the class and a catch-up group three times a week.")
    mark = rng.randint(22, 40)
    if mark >= 32:
        return PhonicsCheck(result=PhonicsResult.MET_IN_YEAR_1, year1_mark=mark)
    support = f"Daily 15-minute phonics catch-up for {first_name(ctx)} with a trained teaching assistant."
    if ctx.pep.year_group == 2 and june_passed:
        retake = rng.randint(mark, 40)
        result = PhonicsResult.MET_AT_RETAKE if retake >= 32 else PhonicsResult.NOT_MET_AT_RETAKE
        return PhonicsCheck(result=result, year1_mark=mark, year2_retake_mark=retake, phonics_support=support)
    return PhonicsCheck(result=PhonicsResult.NOT_MET_IN_YEAR_1, year1_mark=mark, phonics_support=support)


def check_phonics(ctx: ValidationContext) -> Iterator[Finding]:
    """Q3: the result and its mark; a retake only after a Year 1 "not met"; support where not met."""
    section = parsed(ctx, "ks1.phonics", PhonicsCheck)
    if section is None or section.result is None:
        return
    result = section.result
    if ctx.pep.year_group == 2 and result is PhonicsResult.NOT_YET_DUE:
        yield Finding(Severity.WARNING, "Year 2: the Year 1 phonics check is past; record its result",
                      "ks1.phonics", "result", "Q3")
    if result not in (PhonicsResult.NOT_YET_DUE, PhonicsResult.NOT_TAKEN) and section.year1_mark is None:
        yield Finding(Severity.WARNING, "Record the Year 1 mark out of 40", "ks1.phonics", "year1_mark", "Q3")
    if result in RETAKE_RESULTS and section.year2_retake_mark is None:
        yield Finding(Severity.WARNING, "Record the Year 2 retake mark out of 40", "ks1.phonics", "year2_retake_mark", "Q3")
    if result is PhonicsResult.MET_IN_YEAR_1 and section.year2_retake_mark is not None:
        yield Finding(Severity.WARNING, "A retake is recorded although the standard was met in Year 1",
                      "ks1.phonics", "year2_retake_mark", "Q3")
    if result is PhonicsResult.NOT_TAKEN and not section.not_taken_reason.strip():
        yield Finding(Severity.WARNING, "Say why the check was not taken", "ks1.phonics", "not_taken_reason", "Q3")
    if result in NOT_MET and not section.phonics_support.strip():
        yield Finding(Severity.WARNING, "The phonics standard was not met: record the support in place",
                      "ks1.phonics", "phonics_support", "Q3")


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(id="ks1.attainment", title="Reading, writing and maths", model=PrimaryAttainment, stages=STAGES,
                editors=EDUCATION, order=50, sample=sample_attainment,
                help="Reading, writing and maths against age-related expectations, strengths and catch-up support."),
    SectionSpec(id="ks1.phonics", title="Phonics screening check", model=PhonicsCheck, stages=STAGES,
                editors=EDUCATION, order=52, sample=sample_phonics,
                help="The Year 1 phonics check (mark out of 40) and the Year 2 retake for children who did not meet it."),
)

VALIDATORS: tuple[ValidatorSpec, ...] = (
    ValidatorSpec(id="ks1.phonics_recorded", check=check_phonics, stages=STAGES, criterion="Q3",
                  description="The phonics check mark, the retake and support where the standard was not met"),
    ValidatorSpec(id="ks1.catch_up", check=catch_up_check("ks1.attainment"), stages=STAGES, criterion="Q3",
                  description="Catch-up support where reading, writing or maths is behind"),
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Key Stage 1 stage."""
    register(STAGE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The Key Stage 1 sections."""
    for spec in SECTIONS:
        register(spec)


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The Key Stage 1 checks."""
    for spec in VALIDATORS:
        register(spec)
