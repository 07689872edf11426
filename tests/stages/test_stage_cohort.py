"""The sample cohort has complete PEPs for every stage and every post-16 route; ``pep-tui plugins`` lists them."""

from __future__ import annotations

import json

from pep_tui.cli import main
from pep_tui.domain import PEPStatus
from pep_tui.plugins.api import Severity
from pep_tui.sample import POST16_ROUTES, build_cohort
from pep_tui.services.peps import count_completion
from pep_tui.settings import Policy

STAGES = ("early_years", "ks1", "ks2", "ks3", "ks4", "post16")
OURS = ("shared", *STAGES)


def _ours(section_or_validator_id: str | None) -> bool:
    return (section_or_validator_id or "").split(".")[0] in OURS


def test_sample_cohort_has_complete_peps_for_every_stage_and_route(cohort):
    registry = cohort.registry
    complete_stages: set[str] = set()
    complete_routes: set[str] = set()
    problems: list[str] = []
    for child_id in cohort.store.child_ids():
        record = cohort.store.load_child(child_id)
        for pep in record.peps:
            if pep.status is not PEPStatus.APPROVED:
                continue
            sctx = cohort.peps.section_context(record, pep)
            specs = [s for s in registry.sections_for(sctx) if _ours(s.id)]
            gaps = [s.id for s in specs if not pep.section(s.id)]
            gaps += [s.id for s in specs if pep.section(s.id)
                     and (lambda done_total: done_total[0] < done_total[1])(count_completion(s.model, pep.section(s.id)))]
            errors = [f.message for f in cohort.peps.findings_for(record, pep)
                      if f.severity is Severity.ERROR and (_ours(f.section_id) or _ours(f.validator_id))]
            if gaps or errors:
                problems.append(f"{pep.stage} year {pep.year_group} {pep.term.value}: {gaps} {errors}")
                continue
            complete_stages.add(pep.stage)
            if pep.stage == "post16":
                complete_routes.add(pep.section("post16.route")["route"])
    assert problems == []
    assert complete_stages == set(STAGES)
    assert complete_routes == set(POST16_ROUTES)


def test_sample_content_follows_each_childs_story(registry):
    cohort = build_cohort(registry, Policy(), children=60, seed=2026)
    checked = {"c2": 0, "persistent": 0, "ehcp": 0, "not_on_roll": 0, "school_move": 0, "ks4_placement_move": 0}
    for child in cohort.children:
        story = cohort.stories[child.id]
        for pep in cohort.peps[child.id]:
            if pep.status is not PEPStatus.APPROVED:
                continue
            attendance = pep.section("shared.attendance")
            if story.get("attendance_concern") and attendance:
                assert attendance["attendance_percent"] < 90 and attendance["persistent_absence"]
                assert attendance["part_time_timetable"] is (story["attendance_concern"] == "c2")
                checked[story["attendance_concern"]] += 1
            elif attendance:
                assert attendance["attendance_percent"] >= 90 and not attendance["part_time_timetable"]
            if story.get("ehcp"):
                assert pep.section("shared.ehcp")["annual_review_date"] == child.ehcp_review_date.isoformat()
                checked["ehcp"] += 1
            if story.get("not_on_roll"):
                assert pep.section("shared.not_on_roll")["current_provision"]
                checked["not_on_roll"] += 1
            if story.get("school_move") and pep.term_ref.end >= child.school_moves[-1].on:
                assert pep.section("shared.school_move")["moved_on"] == child.school_moves[-1].on.isoformat()
                checked["school_move"] += 1
            if story.get("ks4_placement_move") and pep.stage == "ks4":
                assert pep.section("ks4.placement_move")["approved"] is True
                checked["ks4_placement_move"] += 1
            if "post16_route" in story and pep.stage == "post16":
                assert pep.section("post16.route")["route"] == story["post16_route"]
            targets = pep.section("shared.targets")["targets"]
            assert 2 <= len(targets) <= 4 and any(t["area"] != "academic" for t in targets)
            assert all(t["owner"] and t["review_date"] for t in targets)
            if pep.previous_pep_id:
                previous = next(p for p in cohort.peps[child.id] if p.id == pep.previous_pep_id)
                reviewed = {r["target_id"] for r in pep.section("shared.previous_targets")["reviews"]}
                assert reviewed == {t.id for t in previous.targets}
    assert all(checked.values()), checked


def test_sample_cohort_is_the_same_for_the_same_seed(registry):
    first = build_cohort(registry, Policy(), children=20, seed=7)
    second = build_cohort(registry, Policy(), children=20, seed=7)
    dump = [[p.model_dump(mode="json", exclude={"sections": {"__all__": {"updated_at"}}})
             for p in first.peps[c.id]] for c in first.children]
    again = [[p.model_dump(mode="json", exclude={"sections": {"__all__": {"updated_at"}}})
              for p in second.peps[c.id]] for c in second.children]
    assert dump == again


def test_pep_tui_plugins_lists_the_six_stages_with_their_sections(capsys):
    assert main(["plugins", "--json"]) in (0, 1)
    records = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    expected = {
        "early_years": {"early_years.provision", "early_years.progress", "early_years.progress_check",
                        "early_years.elg", "early_years.eypp", "early_years.transition"},
        "ks1": {"ks1.attainment", "ks1.phonics"},
        "ks2": {"ks2.attainment", "ks2.mtc", "ks2.tests", "ks2.transition"},
        "ks3": {"ks3.progress", "ks3.options", "ks3.careers"},
        "ks4": {"ks4.gcse", "ks4.exams", "ks4.careers", "ks4.post16_plan", "ks4.placement_move"},
        "post16": {"post16.route", "post16.support", "post16.destination"},
    }
    for name, sections in expected.items():
        assert records[name]["kind"] == "stage" and records[name]["error"] is None
        assert records[name]["stages"] == [name]
        assert set(records[name]["sections"]) == sections
    assert {"shared.attendance", "shared.targets", "shared.previous_targets", "shared.meeting"} <= set(
        records["shared_sections"]["sections"])


def test_pep_tui_plugins_table_names_each_stage(capsys):
    main(["plugins"])
    out = capsys.readouterr().out
    for stage in STAGES:
        assert any(line.startswith(stage + " ") and "stage" in line for line in out.splitlines())


def test_every_field_of_the_stage_sections_is_described(registry):
    from pydantic import BaseModel

    def undescribed(model: type[BaseModel], path: str) -> list[str]:
        if not model.__module__.startswith("pep_tui_stages"):
            return []  # domain models (Target, Attendee) are described by the core
        out = []
        for name, info in model.model_fields.items():
            if not info.description:
                out.append(f"{path}.{name}")
            inner = getattr(info.annotation, "__args__", ())
            for arg in inner:
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    out += undescribed(arg, f"{path}.{name}")
        return out

    missing = []
    for spec in registry.sections.values():
        if spec.namespace in OURS:
            assert spec.help and spec.sample is not None and spec.editors, spec.id
            missing += undescribed(spec.model, spec.id)
    assert missing == []
