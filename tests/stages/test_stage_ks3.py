"""Key Stage 3: subject progress, Year 9 options, the careers conversation from Year 8 (before Year 9)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from pep_tui.domain import Term, TermRef
from pep_tui.plugins.api import Severity
from pep_tui_stages.ks3 import KS3Progress

SPRING = TermRef(2025, Term.SPRING)
YEAR_8 = date(2013, 1, 15)
YEAR_9 = date(2012, 1, 15)


@pytest.mark.parametrize(("dob", "stage", "group"), [
    (date(2011, 9, 1), "ks3", 9),  # 1 September birthday: the oldest in Year 9
    (date(2011, 8, 31), "ks4", 10),  # 31 August birthday: the youngest in Year 10
])
def test_stage_at_the_year_9_year_10_boundary(make_child, make_pep, section_ids, dob, stage, group):
    child = make_child(dob)
    pep = make_pep(child, SPRING)
    assert (pep.stage, pep.year_group) == (stage, group)
    ids = section_ids(child, pep)
    assert ("ks3.options" in ids) is (group == 9)
    assert ("ks4.gcse" in ids) is (group == 10)


def test_options_only_in_year_9(make_child, make_pep, section_ids):
    child = make_child(YEAR_8)
    ids = section_ids(child, make_pep(child, SPRING))
    assert {"ks3.progress", "ks3.careers"} <= set(ids) and "ks3.options" not in ids


def test_subject_progress_refuses_unknown_judgements():
    row = {"subject": "English", "progress": "on_track"}
    assert KS3Progress(subjects=[row]).subjects[0].progress == "on_track"
    with pytest.raises(ValidationError):
        KS3Progress(subjects=[{**row, "progress": "great"}])


def test_year_9_without_careers_entry_is_warned_q11(make_child, make_pep, findings):
    child = make_child(YEAR_9)
    found = findings(child, make_pep(child, SPRING), "ks3.careers_by_year_9")
    assert [(f.section_id, f.criterion) for f in found] == [("ks3.careers", "Q11")]
    held = {"conversation_held": True, "aspirations": "A vet"}
    assert findings(child, make_pep(child, SPRING, {"ks3.careers": held}), "ks3.careers_by_year_9") == []


def test_year_8_without_a_careers_conversation_is_warned(make_child, make_pep, findings):
    # Careers guidance starts before Year 9 (DOMAIN.md, Q11): in Year 8 it is expected, not only nudged.
    child = make_child(YEAR_8)
    found = findings(child, make_pep(child, SPRING), "ks3.careers_by_year_9")
    assert [(f.severity, f.criterion, f.field) for f in found] == [(Severity.WARNING, "Q11", "conversation_held")]
    assert "before Year 9" in found[0].message
    only_hopes = {"aspirations": "Something with animals"}
    assert len(findings(child, make_pep(child, SPRING, {"ks3.careers": only_hopes}), "ks3.careers_by_year_9")) == 1
    held = {"conversation_held": True, "aspirations": "Something with animals"}
    assert findings(child, make_pep(child, SPRING, {"ks3.careers": held}), "ks3.careers_by_year_9") == []
    year_7 = make_child(date(2014, 1, 10))
    assert findings(year_7, make_pep(year_7, SPRING), "ks3.careers_by_year_9") == []


def test_year_9_spring_without_options_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_9)
    assert [f.field for f in findings(child, make_pep(child, SPRING), "ks3.options_recorded")] == ["choices"]


def test_subject_behind_without_catch_up_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_8)
    pep = make_pep(child, SPRING, {"ks3.progress": {"subjects": [{"subject": "Maths", "progress": "below"}]}})
    assert [f.field for f in findings(child, pep, "ks3.progress_recorded")] == ["catch_up"]
