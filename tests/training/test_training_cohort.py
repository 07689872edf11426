"""The training cohort tells every story a trainer needs: each situation is present in a fresh sandbox."""

from __future__ import annotations

from collections import Counter

import pytest

from pep_tui.domain import PEPStatus, year_group
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.training.conditions import current_pep


@pytest.fixture(scope="module")
def cohort_records(sandbox_template):
    """(summaries, records) of the template sandbox, read through the services as the Virtual School Head."""
    from pep_tui.training import open_sandbox

    services = open_sandbox(sandbox_template).services
    head = services.principal_for("vs.head")
    summaries = services.children.list(head)
    records = [services.children.record(head, s["child_id"]) for s in summaries]
    return services, summaries, records


def _current(record):
    return current_pep(record.peps, SAMPLE_TODAY)


def test_about_sixty_children_in_every_stage_and_year_group(cohort_records) -> None:
    services, _summaries, records = cohort_records
    assert len(records) == 60
    groups = {year_group(r.child.date_of_birth, SAMPLE_TODAY) for r in records}
    assert groups == set(range(-2, 14))
    stages = {p.stage for r in records for p in r.peps}
    assert stages == {"early_years", "ks1", "ks2", "ks3", "ks4", "post16"}
    assert all(r.child.training for r in records)
    assert all("(fictional)" in (r.child.school_name or "(fictional)") for r in records)


def test_several_schools_social_workers_carers_and_iros(cohort_records) -> None:
    _services, _summaries, records = cohort_records
    assert len({r.child.school_urn for r in records if r.child.school_urn}) >= 5
    assert len({r.child.social_worker for r in records}) >= 3
    assert len({r.child.carer for r in records}) >= 10
    assert len({r.child.iro for r in records}) >= 2


def test_every_post16_route(cohort_records) -> None:
    _services, _summaries, records = cohort_records
    routes = {p.section("post16.route").get("route") for r in records for p in r.peps}
    assert {"education", "employment", "neet", "custody"} <= routes


def test_peps_in_every_workflow_state_and_qa_rating(cohort_records) -> None:
    _services, _summaries, records = cohort_records
    states = Counter(p.status for r in records for p in r.peps)
    assert set(PEPStatus) <= set(states), states
    ratings = {q.overall for r in records for p in r.peps for q in p.qa_ratings}
    assert {"green", "amber", "red"} <= ratings
    returned = [p for r in records for p in r.peps if p.status is PEPStatus.RETURNED]
    assert returned and all(p.return_reason for p in returned)


def test_overdue_and_on_time_cases(cohort_records) -> None:
    _services, summaries, records = cohort_records
    today = SAMPLE_TODAY.isoformat()
    assert any(s["next_due"] and s["next_due"] < today for s in summaries)  # overdue
    on_time = [p for r in records if (p := _current(r)) and p.status is PEPStatus.APPROVED
               and p.due_date and any(s.step == "approve" and s.at.date() <= p.due_date for s in p.sign_offs)]
    assert on_time
    no_pep_this_term = [r for r in records if r.peps and _current(r) is None]
    assert no_pep_this_term  # last term's PEP is the latest: this term's is still to start


def test_pupil_premium_requests_and_a_budget_year(cohort_records) -> None:
    services, _summaries, records = cohort_records
    requests = [q for r in records for p in r.peps for q in p.section("pupil_premium.requests").get("requests", [])]
    assert len(requests) >= 10 and all(q["target_ids"] for q in requests)
    decided = [p for r in records for p in r.peps if p.plugin_data.get("pupil_premium")]
    assert decided
    from pep_tui.store.plugin_documents import PluginDocuments

    budget = PluginDocuments(services.store, "pupil_premium").read("budget-2025-26")
    assert budget.revision >= 1 and budget.data


def test_attendance_concerns_c2_and_persistent_absence(cohort_records) -> None:
    _services, summaries, records = cohort_records
    part_time = [r for r in records if any(p.section("shared.attendance").get("part_time_timetable") for p in r.peps)]
    assert part_time
    persistent = [s for s in summaries if s["attendance"] is not None and s["attendance"] < 90]
    assert persistent


def test_ehcp_not_on_roll_school_move_ks4_placement_move_and_new_to_care(cohort_records) -> None:
    _services, _summaries, records = cohort_records
    ehcp = [r for r in records if r.child.has_ehcp and r.child.ehcp_review_date
            and any(p.section("shared.ehcp") for p in r.peps)]
    assert ehcp
    not_on_roll = [r for r in records if not r.child.on_roll and 1 <= year_group(r.child.date_of_birth, SAMPLE_TODAY) <= 11
                   and any(p.section("shared.not_on_roll") for p in r.peps)]
    assert not_on_roll
    moved = [r for r in records if r.child.school_moves and any(p.section("shared.school_move") for p in r.peps)]
    assert moved
    ks4_move = [r for r in records if year_group(r.child.date_of_birth, SAMPLE_TODAY) in (10, 11)
                and any(d > SAMPLE_TODAY for d in r.child.placement_moves)
                and any(p.section("ks4.placement_move") for p in r.peps)]
    assert ks4_move
    new_to_care = [r for r in records if not r.peps and r.child.date_entered_care
                   and (SAMPLE_TODAY - r.child.date_entered_care).days <= 20]
    assert new_to_care


def test_children_and_families_can_sign_in_to_their_own_records(cohort_records) -> None:
    _services, _summaries, records = cohort_records
    assert any(r.child.young_person_login for r in records)
    assert any(r.child.family_access for r in records)
