"""The exercise condition vocabulary: declarative checks, validated when loaded, evaluated without eval."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from pep_tui.domain import PEP, Child, PEPStatus, QARating, SectionData
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.training.conditions import Check, evaluate

NOW = datetime(2026, 2, 9, 10, tzinfo=UTC)


def _child() -> Child:
    return Child(id="child_1", first_name="Uma", last_name="Example", date_of_birth=date(2016, 10, 1),
                 la_child_id="TRN02600006", on_roll=True, training=True)


def _pep(status: PEPStatus = PEPStatus.IN_PROGRESS, sections=None, **extra) -> PEP:
    return PEP(id="pep_1", child_id="child_1", academic_year=2025, term="spring", stage="ks2", year_group=4,
               status=status, sections=sections or {}, created_by="sample", created_at=NOW,
               updated_by="sample", updated_at=NOW, **extra)


def _section(data, by="dt.moorland") -> SectionData:
    return SectionData(data=data, updated_by=by, updated_at=NOW)


def _run(check: dict, peps) -> bool:
    return evaluate(Check.model_validate(check), _child(), peps, SAMPLE_TODAY).passed


def test_status_equals_and_one_of() -> None:
    peps = [_pep(PEPStatus.SUBMITTED)]
    assert _run({"says": "s", "look_at": "status", "equals": "submitted"}, peps)
    assert not _run({"says": "s", "look_at": "status", "equals": "approved"}, peps)
    assert _run({"says": "s", "look_at": "status", "one_of": ["submitted", "approved"]}, peps)


def test_no_current_pep_fails_with_the_reason() -> None:
    autumn = _pep().model_copy(update={"term": "autumn"})
    outcome = evaluate(Check(says="s", look_at="status", equals="in_progress"), _child(), [autumn], SAMPLE_TODAY)
    assert not outcome.passed and "no Spring 2025-26 PEP" in outcome.reason
    assert evaluate(Check(says="s", look_at="status", pep="latest", equals="in_progress"), _child(), [autumn],
                    SAMPLE_TODAY).passed
    assert _run({"says": "s", "look_at": "pep", "is_set": False}, [autumn])
    assert not _run({"says": "s", "look_at": "pep", "is_set": True}, [autumn])


def test_section_field_set_number_bounds_and_changed() -> None:
    saved = [_pep(sections={"ks2.mtc": _section({"score": 21, "nested": {"x": "Yes"}})})]
    sample = [_pep(sections={"ks2.mtc": _section({"score": 21}, by="sample")})]
    base = {"says": "s", "look_at": "section", "section": "ks2.mtc", "field": "score"}
    assert _run({**base, "is_set": True}, saved)
    assert _run({**base, "at_least": 20, "at_most": 25}, saved)
    assert not _run({**base, "at_least": 22}, saved)
    assert _run({**base, "is_set": True, "changed": True}, saved)
    assert not _run({**base, "is_set": True, "changed": True}, sample)
    assert _run({"says": "s", "look_at": "section", "section": "ks2.mtc", "changed": True}, saved)
    assert _run({"says": "s", "look_at": "section", "section": "ks2.mtc", "field": "nested.x", "contains": "yes"}, saved)
    assert not _run({**base, "is_set": True}, [_pep()])


def test_targets_narrowed_then_counted() -> None:
    targets = [
        {"id": "t1", "description": "Learn the 7 times table", "owner": "Class teacher", "review_date": "2026-03-27"},
        {"id": "t2", "description": "Times tables practice at home", "owner": "", "review_date": None},
        {"id": "t3", "description": "Join a club", "owner": "Carer", "review_date": "2026-03-27", "area": "wellbeing"},
    ]
    peps = [_pep(sections={"shared.targets": _section({"targets": targets})})]
    base = {"says": "s", "look_at": "targets"}
    assert _run({**base, "at_least": 3}, peps)
    assert _run({**base, "where_set": ["owner", "review_date"], "at_least": 2}, peps)
    assert not _run({**base, "where_set": ["owner", "review_date"], "at_least": 3}, peps)
    assert _run({**base, "where_mentions": "TIMES TABLE", "where_set": ["owner"], "at_least": 1, "at_most": 1}, peps)
    assert _run({**base, "where_equals": {"area": "wellbeing"}, "at_least": 1}, peps)
    assert _run({**base, "where_equals": {"review_date": date(2026, 3, 27)}, "at_least": 2}, peps)


def test_qa_rating_return_reason_plugin_data_and_child() -> None:
    rating = QARating(overall="amber", by="vs.adviser", at=NOW)
    peps = [_pep(PEPStatus.RETURNED, qa_ratings=[rating], return_reason="Add the child's views",
                 plugin_data={"pupil_premium": {"requests": [{"amount_pence": 40000}]}})]
    assert _run({"says": "s", "look_at": "qa_rating", "one_of": ["amber", "green"]}, peps)
    assert _run({"says": "s", "look_at": "return_reason", "contains": "views"}, peps)
    assert _run({"says": "s", "look_at": "plugin_data", "plugin": "pupil_premium", "field": "requests",
                 "at_least": 1}, peps)
    assert _run({"says": "s", "look_at": "child", "field": "on_roll", "equals": True}, peps)
    assert not _run({"says": "s", "look_at": "child", "field": "on_roll", "equals": False}, peps)


@pytest.mark.parametrize(
    "bad",
    [
        {"says": "s", "look_at": "status"},  # no test
        {"says": "s", "look_at": "section", "is_set": True},  # no section id
        {"says": "s", "look_at": "plugin_data", "is_set": True},  # no plugin
        {"says": "s", "look_at": "status", "changed": True},  # changed is for sections
        {"says": "s", "look_at": "status", "equals": "x", "python": "__import__('os')"},  # unknown key
        {"says": "s", "look_at": "anything", "is_set": True},  # unknown subject
        {"says": "", "look_at": "status", "equals": "x"},  # nothing to tell the trainee
    ],
)
def test_incomplete_or_unknown_checks_are_refused_when_loaded(bad) -> None:
    with pytest.raises(ValidationError):
        Check.model_validate(bad)


def test_where_missing_finds_targets_without_an_owner_or_review_date() -> None:
    targets = [{"id": "t1", "description": "A", "owner": "Teacher", "review_date": "2026-03-27"},
               {"id": "t2", "description": "B", "owner": "", "review_date": "2026-03-27"}]
    peps = [_pep(sections={"shared.targets": _section({"targets": targets})})]
    check = {"says": "every target has an owner and a review date", "look_at": "targets",
             "where_missing": ["owner", "review_date"], "at_most": 0}
    assert not _run(check, peps)
    targets[1]["owner"] = "Carer"
    assert _run(check, [_pep(sections={"shared.targets": _section({"targets": targets})})])


def test_changed_means_saved_after_the_sandbox_was_set_up_not_copied_forward() -> None:
    ready = datetime(2026, 2, 9, 9, tzinfo=UTC)
    later = SectionData(data={"x": 1}, updated_by="dt.moorland", updated_at=datetime(2026, 2, 9, 11, tzinfo=UTC))
    earlier = SectionData(data={"x": 1}, updated_by="vs.adviser", updated_at=datetime(2026, 2, 9, 8, tzinfo=UTC))
    check = Check(says="saved", look_at="section", section="shared.leisure", changed=True)
    assert evaluate(check, _child(), [_pep(sections={"shared.leisure": later})], SAMPLE_TODAY, ready).passed
    assert not evaluate(check, _child(), [_pep(sections={"shared.leisure": earlier})], SAMPLE_TODAY, ready).passed
    copied = _pep(sections={"shared.leisure": later},
                  plugin_data={"carried_forward": {"sections": ["shared.leisure"], "at": later.updated_at.isoformat()}})
    assert not evaluate(check, _child(), [copied], SAMPLE_TODAY, ready).passed
