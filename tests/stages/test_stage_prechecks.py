"""The pre-QA checks for Q8 and Q11 come from the stage validators, never from section ids."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from pydantic import BaseModel

from pep_tui.domain import SchoolMove, Term, TermRef
from pep_tui.plugins.api import (
    Finding,
    SectionSpec,
    Severity,
    StageDefinition,
    ValidationContext,
    ValidatorSpec,
)
from pep_tui.plugins.registry import Registry
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.services.prechecks import precheck_findings
from pep_tui.settings import Policy
from pep_tui.store import ChildRecord

SPRING = TermRef(2025, Term.SPRING)
SUMMER = TermRef(2025, Term.SUMMER)
YEAR_5 = date(2016, 3, 1)
YEAR_6 = date(2015, 1, 15)
YEAR_9 = date(2012, 1, 15)
YEAR_11 = date(2010, 1, 15)


def _pre(registry, child, *peps) -> list[Finding]:
    return precheck_findings(registry, Policy(), ChildRecord(child, list(peps)), peps[-1], SAMPLE_TODAY)


def _copy(registry: Registry) -> Registry:
    """A registry of its own, to add a third party's contributions to without touching the shared one."""
    return replace(registry, stages=dict(registry.stages), roles=dict(registry.roles), sections=dict(registry.sections),
                   validators=dict(registry.validators), owner=dict(registry.owner))


def test_year_6_summer_transition_gap_is_the_stage_validators_finding(registry, make_child, make_pep, findings):
    child = make_child(YEAR_6)
    pep = make_pep(child, SUMMER)
    q8 = [f for f in _pre(registry, child, pep) if f.criterion == "Q8"]
    assert q8 and q8 == [f for f in findings(child, pep) if f.criterion == "Q8"]
    assert q8[0].validator_id == "ks2.transition_due"
    plan = {"secondary_school": "Hilltop High (fictional)", "application_made": True, "extra_visits": "Three visits"}
    planned = make_pep(child, SUMMER, {"ks2.transition": plan})
    assert not [f for f in _pre(registry, child, planned) if f.criterion == "Q8"]


def test_year_11_post16_plan_counts_though_its_id_has_no_transition_in_it(registry, make_child, make_pep):
    child = make_child(YEAR_11)
    plan = {"intended_route": "college", "applications": [{"provider": "Northgate College (fictional)",
                                                           "course": "Level 3 Childcare", "status": "applied"}]}
    pep = make_pep(child, SPRING, {"ks4.post16_plan": plan})
    assert not [f for f in _pre(registry, child, pep) if f.criterion == "Q8"]
    assert [f.section_id for f in _pre(registry, child, make_pep(child, SPRING)) if f.criterion == "Q8"] == [
        "ks4.post16_plan"]


def test_school_move_gap_is_flagged_through_the_shared_validator(registry, make_child, make_pep):
    moved = make_child(YEAR_5, school_moves=[SchoolMove(on=date(2026, 1, 12), from_urn="999103", to_urn="999102")])
    previous = make_pep(moved, TermRef(2025, Term.AUTUMN), {"shared.meeting": {"meeting_date": "2025-10-01"}})
    pep = make_pep(moved, SPRING, previous=previous)
    assert [f.section_id for f in _pre(registry, moved, previous, pep) if f.criterion == "Q8"] == ["shared.school_move"]


def test_careers_q11_follows_the_stage_rules(registry, make_child, make_pep):
    child = make_child(YEAR_9)
    q11 = [f for f in _pre(registry, child, make_pep(child, SPRING)) if f.criterion == "Q11"]
    assert {f.validator_id for f in q11} == {"ks3.careers_by_year_9", "ks3.options_recorded"}
    held = {"conversation_held": True, "aspirations": "A vet", "held_on": "2026-01-20"}
    options = {"guidance": "Talked with the careers lead", "choices": [{"subject": "Geography"}]}
    done = make_pep(child, SPRING, {"ks3.careers": held, "ks3.options": options})
    assert not [f for f in _pre(registry, child, done) if f.criterion == "Q11"]


class _MovePlan(BaseModel):
    plan: str = ""


class _Notes(BaseModel):
    note: str = ""


def _move_plan_check(ctx: ValidationContext) -> Iterator[Finding]:
    plan = ctx.sections.get("acme.move_plan")
    if plan is None or not getattr(plan, "plan", ""):
        yield Finding(Severity.WARNING, "Record the move plan", "acme.move_plan", "plan", "Q8")


def test_a_third_party_plugin_joins_q8_by_its_validator_not_by_its_section_id(registry, make_child, make_pep):
    """A section named like a transition is not taken for one; a validator with criterion Q8 is heard."""
    own = _copy(registry)
    own.add_section("acme", SectionSpec(id="acme.transition_notes", title="Notes", model=_Notes,
                                        editors=frozenset({"designated_teacher"})))
    own.add_section("acme", SectionSpec(id="acme.move_plan", title="Move plan", model=_MovePlan,
                                        editors=frozenset({"designated_teacher"})))
    child = make_child(YEAR_5)
    notes = make_pep(child, SPRING, {"acme.transition_notes": {"note": "filled"}})
    assert not [f for f in _pre(own, child, notes) if f.criterion == "Q8"]
    own.add_validator("acme", ValidatorSpec(id="acme.move_plan_due", check=_move_plan_check, criterion="Q8"))
    assert [(f.section_id, f.validator_id) for f in _pre(own, child, notes) if f.criterion == "Q8"] == [
        ("acme.move_plan", "acme.move_plan_due")]
    planned = make_pep(child, SPRING, {"acme.move_plan": {"plan": "Visits"}})
    assert not [f for f in _pre(own, child, planned) if f.criterion == "Q8"]


def test_q3_finds_a_third_party_stages_sections_by_their_declared_stage(registry, make_child, make_pep):
    own = _copy(registry)
    ks2 = own.stages.pop("ks2")
    own.stages["acme_primary"] = StageDefinition(id="acme_primary", title="Primary (Acme)", year_groups=ks2.year_groups)
    own.add_section("acme", SectionSpec(id="acme.reading_age", title="Reading age", model=_Notes,
                                        stages=frozenset({"acme_primary"}), editors=frozenset({"designated_teacher"})))
    child = make_child(YEAR_5)
    pep = make_pep(child, SPRING).model_copy(update={"stage": "acme_primary"})
    assert "acme.reading_age" in {f.section_id for f in _pre(own, child, pep) if f.criterion == "Q3"}
    filled = pep.model_copy(update={"sections": make_pep(child, SPRING, {"acme.reading_age": {"note": "9y"}}).sections})
    assert "acme.reading_age" not in {f.section_id for f in _pre(own, child, filled) if f.criterion == "Q3"}
