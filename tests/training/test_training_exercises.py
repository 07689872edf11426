"""Every exercise's check fails on a fresh sandbox and passes once its task is done through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pep_tui.domain import PEP, new_id, year_group
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.services import Principal, Services
from pep_tui.services.access import in_scope
from pep_tui.training import (
    Exercise,
    built_in_exercises,
    check_exercise,
    get_exercise,
    list_exercises,
    load_exercises,
)
from pep_tui.training.conditions import current_pep
from pep_tui.training.exercises import find_child_id

EXERCISES = built_in_exercises()


# --- doing the tasks, as a trainee would in the app (through the services) ---------------------


def _who(services: Services, exercise: Exercise) -> Principal:
    return services.principal_for(exercise.login, exercise.role)


def _child_id(services: Services, exercise: Exercise) -> str:
    child_id = find_child_id(services, exercise.child)
    assert child_id is not None, exercise.child
    return child_id


def _pep(services: Services, principal: Principal, child_id: str) -> PEP:
    pep = current_pep(services.children.record(principal, child_id).peps, SAMPLE_TODAY)
    assert pep is not None
    return pep


def _save(services: Services, principal: Principal, child_id: str, section_id: str, changes: dict[str, Any]) -> PEP:
    """Save a section as the form would: what is there, with the trainee's changes."""
    pep = _pep(services, principal, child_id)
    full = services.peps.get(principal, child_id, pep.id)
    data = {**full.section(section_id), **changes}
    return services.peps.save_section(principal, child_id, pep.id, section_id, data, pep.revision)


def _add_target(services, principal, child_id, **fields) -> PEP:
    pep = _pep(services, principal, child_id)
    target = {"id": new_id("target"), "need": "Identified at the PEP meeting", "success_measure": "Checked by the class teacher",
              "actions": "Short daily practice", "frequency": "5 x 10 minutes a week",
              "review_date": date(2026, 3, 27).isoformat(), **fields}
    targets = [t.model_dump(mode="json") for t in pep.targets]
    return _save(services, principal, child_id, "shared.targets", {"targets": [*targets, target]})


def do_ey_prime_areas(services, who, child_id) -> None:
    _save(services, who, child_id, "early_years.progress", {
        "communication_and_language": "below", "physical_development": "on_track",
        "personal_social_emotional": "on_track",
        "communication_and_language_next_steps": "Model two-word phrases at snack time",
        "personal_social_emotional_next_steps": "Key person greets Rhys at the door each morning",
    })


def do_ey_care_context(services, who, child_id) -> None:
    _save(services, who, child_id, "social_worker.care_context", {
        "about_me": "Ben loves the sand tray and singing.", "health_needs": "None known."})


def do_ey_qa_approve(services, who, child_id) -> None:
    pep = _pep(services, who, child_id)
    rated = services.qa.rate(who, child_id, pep.id, "green", {}, "Clear next steps.", {}, pep.revision)
    services.workflow.approve(who, child_id, pep.id, rated.revision)


def do_ks1_resubmit(services, who, child_id) -> None:
    saved = _save(services, who, child_id, "child.my_views", {
        "going_well": "Reading with my carer", "hard": "Playtimes", "how_gathered": "gathered_beforehand",
        "gathered_by": "Class teacher"})
    services.workflow.submit(who, child_id, saved.id, saved.revision)


def do_ks2_times_tables(services, who, child_id) -> None:
    _save(services, who, child_id, "ks2.mtc", {"status": "not_yet_due", "support": "Times Table Rock Stars daily"})
    _add_target(services, who, child_id, description="Uma will recall the 3, 4 and 8 times tables in under 6 seconds each",
                owner="Class teacher")


def do_ks2_pp_plus_request(services, who, child_id) -> None:
    from pep_tui_plugins.pupil_premium.service import pupil_premium

    do_ks2_times_tables(services, who, child_id)
    pep = _pep(services, who, child_id)
    target = next(t for t in pep.targets if "times tables" in t.description)
    pupil_premium(services).add_request(who, child_id, pep.id, {
        "target_ids": [target.id], "amount": "400", "intervention": "Small-group times-tables tuition",
        "eef_category": "targeted_academic_support", "start_date": "2026-02-23", "end_date": "2026-07-17",
        "exit_strategy": "Class teacher continues daily practice after the summer",
    }, pep.revision)


def do_ks2_attendance(services, who, child_id) -> None:
    _save(services, who, child_id, "shared.attendance", {
        "sessions_possible": 190, "sessions_present": 160, "sessions_authorised_absence": 18,
        "sessions_unauthorised_absence": 12, "support": "Morning check-in with the learning mentor"})
    _add_target(services, who, child_id, area="attendance", description="Eliza will attend 95% of sessions",
                owner="Designated teacher")


def do_ks2_new_to_care(services, who, child_id) -> None:
    services.peps.start(who, child_id)
    _save(services, who, child_id, "social_worker.care_context", {
        "about_me": "Bilal is curious and loves football.", "lives_with": "Two foster carers",
        "care_context": "Came into care this month.", "health_needs": "None known."})


def do_ks3_not_on_roll(services, who, child_id) -> None:
    services.workflow.start_next_term(who, child_id)
    _save(services, who, child_id, "shared.not_on_roll", {
        "current_provision": "Tuition 15 hours a week", "actions_to_secure_place": "Fair access panel on 2 March"})


def do_ks3_return_with_reason(services, who, child_id) -> None:
    pep = _pep(services, who, child_id)
    rated = services.qa.rate(who, child_id, pep.id, "amber", {}, "Targets need linking to outcomes.", {}, pep.revision)
    services.workflow.return_pep(who, child_id, pep.id, "Please link each target to an EHCP outcome.", rated.revision)


def do_ks4_placement_move(services, who, child_id) -> None:
    _save(services, who, child_id, "ks4.placement_move", {
        "nominated_officer": "Head of Service (fictional)", "approved": True, "approved_on": "2026-02-06",
        "keeping_school_place": "Taxi to Riverbend Academy until the summer"})


def do_ks2_carer_home_learning(services, who, child_id) -> None:
    _save(services, who, child_id, "carer.home_learning", {"reading_at_home": "We read together every evening"})


def do_post16_college_course(services, who, child_id) -> None:
    _save(services, who, child_id, "post16.route", {
        "route": "education", "provider": "Northgate College (fictional)", "course": "Level 2 Health and Social Care",
        "attendance_percent": 88, "attendance_support": "Weekly tutorial with the designated person"})


def do_post16_neet_plan(services, who, child_id) -> None:
    _save(services, who, child_id, "post16.route", {
        "route": "neet", "action_plan": "Taster day at Northgate College on 3 March", "adviser": "Personal adviser (fictional)"})


def do_post16_custody(services, who, child_id) -> None:
    _save(services, who, child_id, "post16.route", {
        "route": "custody", "establishment": "A young offender institution (fictional)",
        "education_offer": "Functional skills maths and English, 15 hours a week",
        "education_on_release": "College place to be arranged by the Virtual School"})


TASKS: dict[str, Callable[[Services, Principal, str], None]] = {
    "ey-prime-areas": do_ey_prime_areas,
    "ey-care-context": do_ey_care_context,
    "ey-qa-approve": do_ey_qa_approve,
    "ks1-resubmit": do_ks1_resubmit,
    "ks2-times-tables": do_ks2_times_tables,
    "ks2-pp-plus-request": do_ks2_pp_plus_request,
    "ks2-attendance": do_ks2_attendance,
    "ks2-new-to-care": do_ks2_new_to_care,
    "ks3-not-on-roll": do_ks3_not_on_roll,
    "ks3-return-with-reason": do_ks3_return_with_reason,
    "ks4-placement-move": do_ks4_placement_move,
    "ks2-carer-home-learning": do_ks2_carer_home_learning,
    "post16-college-course": do_post16_college_course,
    "post16-neet-plan": do_post16_neet_plan,
    "post16-custody": do_post16_custody,
}


# --- the tests ---------------------------------------------------------------------------------


def test_there_are_exercises_for_every_audience_and_lead_role() -> None:
    assert load_exercises().problems == []
    assert len(EXERCISES) >= 9
    for audience in ("early_years", "school_age", "post16"):
        roles = {e.role for e in list_exercises(audience)}
        assert {"designated_teacher", "social_worker", "virtual_school"} <= roles, audience
    assert [e.number for e in EXERCISES] == list(range(1, len(EXERCISES) + 1))
    assert {e.id for e in list_exercises("ks2")} == {e.id for e in EXERCISES if e.stage == "ks2"}
    assert all(e.role == "carer" for e in list_exercises("carer"))


def test_every_built_in_exercise_has_a_task_done_in_these_tests() -> None:
    assert set(TASKS) == {e.id for e in EXERCISES}


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_exercise_fails_before_and_passes_after_its_task(exercise: Exercise, sandbox) -> None:
    services = sandbox.services
    before = check_exercise(services, exercise.id)
    assert not before.done
    assert before.message.startswith("not yet: ")
    TASKS[exercise.id](services, services.principal_for(exercise.login, exercise.role), _child_id(services, exercise))
    after = check_exercise(services, exercise.id)
    assert after.done, after.message
    assert after.message == "done ✓"
    assert after.passed == len(exercise.checks)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_exercise_names_a_real_child_login_section_and_field(exercise: Exercise, sandbox) -> None:
    """The exercise's words match the seed-2026 cohort, and the login can do the task."""
    services = sandbox.services
    record = services.children.record(services.principal_for("vs.head"), _child_id(services, exercise))
    assert f"{record.child.first_name} {record.child.last_name}" == exercise.child_name
    assert year_group(record.child.date_of_birth, SAMPLE_TODAY) == exercise.year_group
    member = services.store.get_staff(exercise.login)
    assert member is not None and exercise.role in member.roles
    who = _who(services, exercise)
    assert in_scope(services.registry, who, record.child)
    for check in exercise.checks:
        if check.look_at == "section":
            spec = services.registry.sections[check.section]
            assert exercise.role in spec.editors, (check.section, exercise.role)
            if check.field:
                assert check.field.split(".")[0] in spec.model.model_fields, (check.section, check.field)


def test_half_a_task_is_not_done_and_the_message_says_what_is_missing(sandbox) -> None:
    services = sandbox.services
    exercise = get_exercise(services, "ks2-times-tables")
    who, child_id = _who(services, exercise), _child_id(services, exercise)
    _save(services, who, child_id, "ks2.mtc", {"status": "not_yet_due", "support": "Daily practice"})
    result = check_exercise(services, exercise.id)
    assert not result.done
    assert result.message == "not yet: a times-tables target has an owner and a review date (0 found)"
    assert result.passed == 3


def test_a_section_carried_forward_from_last_term_does_not_count_until_saved(sandbox) -> None:
    services = sandbox.services
    exercise = get_exercise(services, "ks3-not-on-roll")
    who, child_id = _who(services, exercise), _child_id(services, exercise)
    services.workflow.start_next_term(who, child_id)
    result = check_exercise(services, exercise.id)
    assert not result.done and "'Education while not on roll' is saved this term" in result.message


def test_trainers_add_exercises_in_their_own_folder(sandbox_copy, tmp_path: Path) -> None:
    from pep_tui.training import open_sandbox, prepare_sandbox

    folder = tmp_path / "trainer"
    folder.mkdir()
    (folder / "local.toml").write_text('''
[[exercise]]
id = "local-views"
title = "Ask Uma what is going well"
stage = "ks2"
role = "designated_teacher"
login = "dt.moorland"
child = "TRN02600006"
task = "Record Uma's views."
hint = "The 'My views' section."

[[exercise.check]]
says = "Uma's views are saved"
look_at = "section"
section = "child.my_views"
changed = true
''')
    (folder / "broken.toml").write_text("[[exercise]]\nid = 'BAD ID'\n")
    (folder / "again.toml").write_text((folder / "local.toml").read_text())
    sandbox_dir = sandbox_copy("with-trainer")
    opened, _ = prepare_sandbox(sandbox_dir, exercise_folders=[folder])
    found = load_exercises(sandbox_dir)
    assert found.exercises[-1].id == "local-views" and found.exercises[-1].number == len(EXERCISES) + 1
    assert any("broken.toml" in p and "id" in p for p in found.problems)
    assert any("again.toml" in p and "already used" in p for p in found.problems)
    assert [e.id for e in list_exercises(folder=sandbox_dir)][-1] == "local-views"
    assert "local-views" not in [e.id for e in list_exercises()]  # only in sandboxes that name the folder
    assert not check_exercise(opened.services, "local-views").done
    who = opened.services.principal_for("dt.moorland")
    child_id = find_child_id(opened.services, "TRN02600006")
    _save(opened.services, who, child_id, "child.my_views", {"going_well": "Art club"})
    assert check_exercise(open_sandbox(sandbox_dir).services, "local-views").done


def test_an_exercise_for_another_cohort_says_so(sandbox, tmp_path: Path) -> None:
    exercise = get_exercise(sandbox.services, "ks2-times-tables").model_copy(update={"child_name": "Someone Else"})
    result = check_exercise(sandbox.services, exercise)
    assert not result.done and "another --seed" in result.message
    missing = exercise.model_copy(update={"child": "TRN99999999"})
    assert "not in this sandbox" in check_exercise(sandbox.services, missing).message


def test_a_shared_exercises_folder_in_the_training_folder_reaches_every_trainee(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PEP_TUI_TRAINING_DIR", str(tmp_path))
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "room.toml").write_text('''
[[exercise]]
id = "room-1"
title = "Look at Uma's PEP"
stage = "ks2"
role = "designated_teacher"
login = "dt.moorland"
child = "TRN02600006"
task = "Open it."
hint = "It is in the list."

[[exercise.check]]
says = "Uma has a PEP"
look_at = "pep"
is_set = true
''')
    assert [e.id for e in list_exercises()][-1] == "room-1"
    assert [e.id for e in list_exercises(folder=tmp_path / "alex")][-1] == "room-1"
