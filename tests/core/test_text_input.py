"""Control characters are refused on the way in, naming the field; nothing is saved."""

from __future__ import annotations

import pytest

from pep_tui.services import InvalidInput
from pep_tui.services.text_input import control_character_problems


def test_problems_name_the_nested_field() -> None:
    problems = control_character_problems({"targets": [{"description": "ok"}, {"owner": "x\x1b[2Jy"}]})
    assert [p.field for p in problems] == ["targets.1.owner"]
    assert "control character" in problems[0].message
    assert control_character_problems({"text": "line one\nline two\ttabbed"}) == []
    assert control_character_problems("\x9b31m") != []  # a C1 CSI is refused too


def test_a_section_save_with_an_escape_sequence_is_refused_and_nothing_saved(cohort, as_login) -> None:
    vs = as_login("vs.head")
    summary = next(s for s in cohort.children.list(vs) if s["current_status"] == "in_progress")
    record = cohort.children.record(vs, summary["child_id"])
    pep = record.pep(summary["current_pep_id"])
    state = next(s for s in cohort.peps.visible_sections(vs, record, pep)
                 if s.editable and s.spec.id == "shared.leisure")
    data = {**pep.section(state.spec.id)}
    text_field = next(name for name, value in state.spec.model.model_fields.items()
                      if value.annotation is str)
    data[text_field] = "football \x1b[2J on Saturdays"
    with pytest.raises(InvalidInput) as info:
        cohort.peps.save_section(vs, summary["child_id"], pep.id, state.spec.id, data, pep.revision)
    assert info.value.problems[0].field == text_field
    assert cohort.store.load_child(summary["child_id"]).pep(pep.id) == pep


def test_child_and_staff_records_refuse_control_characters(cohort, as_login) -> None:
    vs = as_login("vs.head")
    summary = cohort.children.list(vs)[0]
    with pytest.raises(InvalidInput, match="placement"):
        cohort.children.update(vs, summary["child_id"], {"placement": "Foster\x07care"}, summary["revision"])
    with pytest.raises(InvalidInput, match="display_name"):
        cohort.staff.add(vs, {"login": "zed", "display_name": "Zed\x1b]0;pwned\x07", "roles": ["carer"]})
