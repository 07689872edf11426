"""The role plugins' own checks: the child's views (Q1) and a KS4 placement move in the care context."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from pep_tui.domain import PEP, Child, SectionData, Term
from pep_tui.plugins.api import SectionContext, Severity, ValidationContext
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.services import InvalidInput
from pep_tui.settings import Policy
from pep_tui_plugins.child import MyViews

NOW = datetime(2026, 2, 9, 10, tzinfo=UTC)


def _findings(registry, child: Child, sections: dict, validator: str, year_group: int = 5):
    pep = PEP(id="pep_t", child_id=child.id, academic_year=2025, term=Term.SPRING, stage="ks2" if year_group < 7 else "ks4",
              year_group=year_group, sections={k: SectionData(data=v) for k, v in sections.items()},
              created_by="x", created_at=NOW, updated_by="x", updated_at=NOW)
    parsed, _ = registry.parse_sections(SectionContext(child=child, pep=pep))
    ctx = ValidationContext(child=child, pep=pep, sections=parsed, previous=None, policy=Policy(), today=SAMPLE_TODAY)
    return [f for f in registry.validate(ctx) if f.validator_id == validator]


def _child(**changes) -> Child:
    return Child(**{"id": "child_r", "first_name": "Test", "last_name": "Child (fictional)",
                    "date_of_birth": date(2016, 3, 1), **changes})


def test_views_need_how_they_were_gathered_and_some_words_q1(registry) -> None:
    child = _child()
    found = _findings(registry, child, {"child.my_views": {"going_well": "Art"}}, "child.my_views")
    assert [(f.field, f.criterion) for f in found] == [("how_gathered", "Q1")]
    found = _findings(registry, child, {"child.my_views": {"how_gathered": "written"}}, "child.my_views")
    assert [(f.field, f.severity) for f in found] == [("going_well", Severity.WARNING)]
    fine = {"how_gathered": "not_gathered", "why_not": "Unwell on the day; the social worker will ask next visit"}
    assert _findings(registry, child, {"child.my_views": fine}, "child.my_views") == []


def test_not_gathered_without_a_reason_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        MyViews(how_gathered="not_gathered")
    (problem,) = InvalidInput.from_validation_error("My views", err.value).problems
    assert problem.field == "why_not" and "why" in problem.message


def test_a_ks4_placement_move_needs_the_school_protected_in_the_care_context(registry) -> None:
    moving = _child(date_of_birth=date(2010, 1, 15), placement_moves=[date(2026, 3, 2)])
    context = {"social_worker.care_context": {"about_me": "Loves football"}}
    found = _findings(registry, moving, context, "social_worker.care_context", year_group=11)
    assert [(f.field, f.criterion) for f in found] == [("placement_stability", "Q8")]
    protected = {"social_worker.care_context": {"about_me": "x", "placement_stability": "Taxi to school until June"}}
    assert _findings(registry, moving, protected, "social_worker.care_context", year_group=11) == []
    assert _findings(registry, _child(placement_moves=[date(2026, 3, 2)]), context, "social_worker.care_context") == []
