"""Quality assurance: the scales, the overall rules, rating history, the queue and the pre-QA checks."""

from __future__ import annotations

import pytest

from pep_tui.domain import PEPStatus
from pep_tui.services import InvalidInput, PermissionDenied
from pep_tui.services.qa import overall_rating, scale_values


def test_scales_best_first() -> None:
    assert scale_values("rag") == ["green", "amber", "red"]
    assert scale_values("ggar") == ["gold", "green", "amber", "red"]
    with pytest.raises(ValueError, match="unknown QA scale"):
        scale_values("stars")


@pytest.mark.parametrize(("ratings", "expected"), [
    (["green", "green", "amber"], "green"),      # majority
    (["green", "amber", "amber"], "amber"),
    (["green", "amber"], "amber"),               # a tie goes to the lower rating
    (["green", "green", "green", "red"], "red"),  # any red → red
    (["amber"], "amber"),
])
def test_rag_any_red_else_majority(ratings, expected) -> None:
    assert overall_rating("rag", "any_red_else_majority", ratings) == expected


@pytest.mark.parametrize(("ratings", "expected"), [
    (["gold", "gold", "gold"], "gold"),
    (["gold", "gold", "green"], "gold"),          # all but one gold → gold
    (["gold", "green", "green"], "green"),        # two not gold → the lowest
    (["gold", "gold", "amber"], "amber"),         # the exception must be green
    (["gold", "gold", "gold", "red"], "red"),     # any red → red
    (["green"], "green"),                         # gold needs at least one gold section
])
def test_ggar_any_red_else_all_but_one_gold(ratings, expected) -> None:
    assert overall_rating("ggar", "any_red_else_all_but_one_gold", ratings) == expected


@pytest.mark.parametrize(("scale", "ratings", "expected"), [
    ("rag", ["green", "green", "amber"], "amber"),
    ("ggar", ["gold", "gold", "green"], "green"),
    ("ggar", ["gold", "red"], "red"),
])
def test_worst_rule(scale, ratings, expected) -> None:
    assert overall_rating(scale, "worst", ratings) == expected


def test_ggar_majority_rule_and_rag_all_but_one_gold() -> None:
    assert overall_rating("ggar", "any_red_else_majority", ["gold", "gold", "amber"]) == "gold"
    assert overall_rating("rag", "any_red_else_all_but_one_gold", ["green", "amber"]) == "amber"  # worst on rag


def test_values_off_the_scale_are_refused() -> None:
    with pytest.raises(ValueError, match="not on the rag scale"):
        overall_rating("rag", "worst", ["gold"])
    with pytest.raises(ValueError, match="at least one"):
        overall_rating("rag", "worst", [])


def test_rating_by_rule_keeps_history_and_refuses_bad_values(cohort, as_login, use_policy, stored) -> None:
    use_policy(qa_scale="ggar", qa_overall_rule="any_red_else_all_but_one_gold")
    vs = as_login("vs.adviser")
    assert cohort.qa.scale_values() == ["gold", "green", "amber", "red"]
    row = cohort.qa.queue(vs)[0]
    child_id, pep_id = row["child_id"], row["pep_id"]
    pep = stored(child_id, pep_id)
    before = list(pep.qa_ratings)
    with pytest.raises(InvalidInput, match="sections.child.my_views: must be one of gold"):
        cohort.qa.rate(vs, child_id, pep_id, None, {"child.my_views": "purple"}, "", {}, pep.revision)
    with pytest.raises(InvalidInput, match="not a section of this PEP"):
        cohort.qa.rate(vs, child_id, pep_id, None, {"nowhere.section": "gold"}, "", {}, pep.revision)
    with pytest.raises(InvalidInput, match="overall"):
        cohort.qa.rate(vs, child_id, pep_id, None, {}, "", {}, pep.revision)
    assert stored(child_id, pep_id) == pep
    rated = cohort.qa.rate(vs, child_id, pep_id, None, {"child.my_views": "gold", "carer.home_learning": "green"},
                           "Strong voice of the child.", {"carer.home_learning": "More on reading."}, pep.revision)
    again = cohort.qa.rate(vs, child_id, pep_id, "amber", {}, "On reflection, targets too vague.", {}, rated.revision)
    assert [q.overall for q in again.qa_ratings] == [*(q.overall for q in before), "gold", "amber"]
    assert again.qa_ratings[-2].section_feedback == {"carer.home_learning": "More on reading."}
    assert cohort.qa.history(vs, child_id, pep_id) == again.qa_ratings
    events = [e for e in cohort.store.audit.for_child(child_id) if e.action == "qa.rate"]
    assert [e.detail["overall"] for e in events] == ["gold", "amber"]


def test_only_the_virtual_school_rates_and_sees_the_queue(cohort, as_login) -> None:
    assert cohort.qa.queue(as_login("vs.adviser"))
    for login in ("dt.harbourside", "sw.amara", "carer.01", "iro.ivy"):
        with pytest.raises(PermissionDenied):
            cohort.qa.queue(as_login(login))


def test_queue_lists_exactly_the_peps_waiting_oldest_first(cohort, as_login) -> None:
    vs = as_login("vs.adviser")
    queue = cohort.qa.queue(vs)
    waiting = set()
    for child_id in cohort.store.child_ids():
        for pep in cohort.store.load_child(child_id).peps:
            if pep.status in (PEPStatus.SUBMITTED, PEPStatus.FINALISED) and pep.superseded_by is None:
                waiting.add(pep.id)
    assert {r["pep_id"] for r in queue} == waiting and waiting
    dates = [r["submitted_on"] for r in queue]
    assert dates == sorted(dates)
    assert any(r["resubmission"] for r in queue)


def test_precheck_flags_what_software_can_judge(cohort, as_login, stored) -> None:
    vs = as_login("vs.adviser")
    row = next(r for r in cohort.children.list(vs) if r["current_status"] == "not_started" and r["current_pep_id"])
    findings = cohort.qa.precheck(vs, row["child_id"], row["current_pep_id"])
    criteria = {f.criterion for f in findings}
    assert {"Q1", "Q6", "Q9", "Q10"} <= criteria
    # The core checks warn; for Q1, Q7, Q8, Q9 and Q11 the owning plugins' validators' findings come with
    # their own severity.
    assert all(f.severity.value == "warning" for f in findings if f.criterion not in ("Q1", "Q7", "Q8", "Q9", "Q11"))
    dt = as_login(row["designated_teacher"]) if row["designated_teacher"] else None
    if dt is not None:
        assert {f.criterion for f in cohort.qa.precheck(dt, row["child_id"], row["current_pep_id"])} == criteria


def test_precheck_is_not_shown_to_the_childs_or_familys_view(cohort, as_login) -> None:
    parent = as_login("parent.pat")
    row = next(r for r in cohort.children.list(parent) if r["current_pep_id"])
    with pytest.raises(PermissionDenied):
        cohort.qa.precheck(parent, row["child_id"], row["current_pep_id"])


def test_the_queue_shows_which_submissions_are_already_rated(cohort, as_login) -> None:
    vs = as_login("vs.head")
    row = next(r for r in cohort.qa.queue(vs) if r["rating"] is None)
    pep = cohort.store.load_child(row["child_id"]).pep(row["pep_id"])
    cohort.qa.rate(vs, row["child_id"], row["pep_id"], "amber", {}, "Targets need dates.", {}, pep.revision)
    rated = next(r for r in cohort.qa.queue(vs) if r["pep_id"] == row["pep_id"])
    assert rated["rating"] == "amber"
