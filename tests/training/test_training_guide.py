"""The trainer's guide (docs/training.md) tells the truth about the seed-2026 cohort a sandbox holds.

A trainer hands the guide's tables to a room; every login, name, child id and situation in them must be
what trainees find in their own `pep-tui demo`. These tests read the tables and check each claim.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pep_tui.domain import PEPStatus, year_group
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.training import built_in_exercises
from pep_tui.training.conditions import current_pep

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "training.md").read_text(encoding="utf-8")
NAMED_CHILD = re.compile(r"([A-Z][a-z]+ [A-Z][a-z]+) \(?(TRN\d{8})\)?(?: \(([^)]*)\))?")
CHILD_ID = re.compile(r"TRN\d{8}")
LOGIN = re.compile(r"`((?:vs|sw|dt|ta|iro|parent|yp|carer)\.[a-z0-9]+)`")


class Cohort:
    """The template sandbox read through the services as the Virtual School Head, by council child id."""

    def __init__(self, folder: Path) -> None:
        from pep_tui.training import open_sandbox

        self.services = open_sandbox(folder).services
        head = self.services.principal_for("vs.head")
        self.summaries: dict[str, dict[str, Any]] = {}
        self.records: dict[str, Any] = {}
        for summary in self.services.children.list(head):
            record = self.services.children.record(head, summary["child_id"])
            self.records[record.child.la_child_id] = record
            self.summaries[record.child.la_child_id] = summary
        self.logins = {m.login: m for m in self.services.store.list_staff()}

    def current(self, key: str):
        return current_pep(self.records[key].peps, SAMPLE_TODAY)

    def sees(self, login: str, key: str) -> bool:
        member = self.logins[login]
        principal = self.services.principal_for(login, member.roles[0])
        return self.records[key].child.id in {s["child_id"] for s in self.services.children.list(principal)}


@pytest.fixture(scope="module")
def cohort(sandbox_template: Path) -> Cohort:
    return Cohort(sandbox_template)


def _table(heading: str) -> list[list[str]]:
    """The body rows of the first table after ``heading``, as lists of cells."""
    start = GUIDE.index(heading)
    rows = []
    for line in GUIDE[start:].splitlines()[1:]:
        if rows and not line.startswith("|"):
            break
        if line.startswith("|") and not set(line) <= set("|-: "):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows[1:]  # without the header row


def test_every_child_named_in_the_guide_has_that_name_school_and_year(cohort: Cohort) -> None:
    named = NAMED_CHILD.findall(GUIDE)
    assert len(named) > 40
    for name, key, note in named:
        child = cohort.records[key].child
        assert f"{child.first_name} {child.last_name}" == name, (key, name)
        year = re.fullmatch(r"Year (\d+)", note or "")
        if year:
            assert year_group(child.date_of_birth, SAMPLE_TODAY) == int(year[1]), (key, note)
        elif note and re.search(r"High|Academy|Primary|College|Nursery|Junior", note):
            assert (child.school_name or "").startswith(note), (key, note, child.school_name)


def test_every_login_in_the_guide_exists_and_sees_the_children_it_is_said_to(cohort: Cohort) -> None:
    logins = set(LOGIN.findall(GUIDE)) | {f"carer.{n:02d}" for n in range(1, 13)}
    assert {"vs.head", "dt.moorland", "ta.harbourside", "parent.pat", "carer.07"} <= logins
    assert logins <= set(cohort.logins), logins - set(cohort.logins)
    for row in _table("### Who's who"):
        for login in LOGIN.findall(row[0]):
            for key in CHILD_ID.findall(row[-1]):
                assert cohort.sees(login, key), (login, key)
    assert cohort.records["TRN02600006"].child.carer == "carer.07"  # "as Uma's foster carer sees it"


def _status(value: PEPStatus) -> Callable[[Cohort, str], bool]:
    return lambda c, key: (pep := c.current(key)) is not None and pep.status is value


def _rated(value: str) -> Callable[[Cohort, str], bool]:
    return lambda c, key: (pep := c.current(key)) is not None and pep.status is PEPStatus.APPROVED and (
        pep.qa_ratings and pep.qa_ratings[-1].overall == value)


def _signed(step: str, role: str) -> Callable[[Cohort, str], bool]:
    return lambda c, key: (pep := c.current(key)) is not None and any(
        s.step == step and s.role == role for s in pep.sign_offs)


def _route(route: str) -> Callable[[Cohort, str], bool]:
    """The route of the latest PEP that records one (this term's may still be in progress)."""
    def latest_route(c: Cohort, key: str) -> str | None:
        return next((p.section("post16.route")["route"] for p in reversed(c.records[key].peps)
                     if p.section("post16.route").get("route")), None)

    return lambda c, key: latest_route(c, key) == route


def _new_to_care(overdue: bool) -> Callable[[Cohort, str], bool]:
    return lambda c, key: not c.records[key].peps and (c.summaries[key]["next_due"] < SAMPLE_TODAY.isoformat()) is overdue


def _school_move_due(c: Cohort, key: str) -> bool:
    return bool(c.records[key].child.school_moves) and "school move" in (c.summaries[key]["due_reason"] or "")


#: For each row of "Children who show each situation": what must be true of the children it names. A
#: row whose cell is split by " / " or "; " names a group of children for each claim, in order.
SITUATIONS: dict[str, list[Callable[[Cohort, str], bool]]] = {
    "PEP in progress / not started": [_status(PEPStatus.IN_PROGRESS), _status(PEPStatus.NOT_STARTED)],
    "submitted, waiting for the Virtual School": [_status(PEPStatus.SUBMITTED)],
    "returned with a reason": [lambda c, k: _status(PEPStatus.RETURNED)(c, k) and bool(c.current(k).return_reason)],
    "resubmitted after a return": [lambda c, k: _status(PEPStatus.SUBMITTED)(c, k) and _signed("return", "virtual_school")(c, k)],
    "finalised by the social worker; acknowledged by the carer": [
        lambda c, k: _status(PEPStatus.FINALISED)(c, k) and _signed("finalise", "social_worker")(c, k),
        _signed("acknowledge", "carer"),
    ],
    "approved, QA rated green / amber / red": [_rated("green"), _rated("amber"), _rated("red")],
    "this term's PEP not yet started": [lambda c, k: bool(c.records[k].peps) and c.current(k) is None],
    "new to care, first PEP overdue / due in days": [_new_to_care(True), _new_to_care(False)],
    "part-time timetable": [lambda c, k: bool(c.records[k].peps[-1].section("shared.attendance").get("part_time_timetable"))],
    "persistent absence": [lambda c, k: c.summaries[k]["attendance"] is not None and c.summaries[k]["attendance"] <= 90],
    "EHC plan": [lambda c, k: c.records[k].child.has_ehcp],
    "not on a school roll": [lambda c, k: not c.records[k].child.on_roll],
    "school move": [_school_move_due],
    "placement move planned during KS4": [
        lambda c, k: year_group(c.records[k].child.date_of_birth, SAMPLE_TODAY) in (10, 11)
        and any(d > SAMPLE_TODAY for d in c.records[k].child.placement_moves)
    ],
    "post-16: education / employment / NEET / custody": [_route("education"), _route("employment"),
                                                          _route("neet"), _route("custody")],
}


def test_every_situation_in_the_guide_is_what_those_children_show(cohort: Cohort) -> None:
    rows = {label: cell for label, cell in _table("### Children who show each situation")}
    checked = 0
    for label, cell in rows.items():
        claims = next((v for k, v in SITUATIONS.items() if label.startswith(k)), None)
        if claims is None:
            assert not CHILD_ID.search(re.sub(r"\([^)]*\)", "", cell)) or label == "every stage", \
                f"add the claim of the row {label!r} to SITUATIONS"
            continue
        aside = re.findall(r"\(([^)]*TRN[^)]*)\)", cell)  # a child named in brackets is an aside, not an example
        groups = re.split(r" / |; ", re.sub(r"\([^)]*TRN[^)]*\)", "", cell))
        if len(claims) == 1:
            groups = [" ".join(groups)]
        assert len(groups) == len(claims), (label, groups)
        for claim, group in zip(claims, groups, strict=True):
            keys = CHILD_ID.findall(group)
            assert keys, (label, group)
            for key in keys:
                assert claim(cohort, key), f"{label}: {key} is not an example of this"
                checked += 1
        if label.startswith("school move"):
            for key in CHILD_ID.findall(" ".join(aside)):
                assert cohort.records[key].child.school_moves and not _school_move_due(cohort, key), key
    assert checked >= 30


def test_the_exercise_table_matches_the_built_in_exercises(cohort: Cohort) -> None:
    rows = _table("## The exercises")
    exercises = {e.number: e for e in built_in_exercises()}
    assert [int(r[0]) for r in rows] == sorted(exercises)
    for number, title, _audience, login, child in rows:
        exercise = exercises[int(number)]
        assert title == exercise.title.replace("'About me and care context'", '"About me and care context"'), number
        assert f"`{exercise.login}`" == login, number
        assert CHILD_ID.findall(child) == [exercise.child], number
        assert cohort.sees(exercise.login, exercise.child), number
