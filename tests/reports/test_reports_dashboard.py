"""The compliance dashboard on a small cohort whose figures were worked out by hand.

Today is Monday 2 March 2026 (spring term 2025-26; last term autumn 2025). This term's PEPs were due
30 working days after 1 January (12 February), so a PEP not approved by now is overdue.

| child | year | school      | SW    | autumn        | spring               | attendance (spring)       |
|-------|------|-------------|-------|---------------|----------------------|---------------------------|
| A     | 3    | Harbourside | sw.a  | approved      | approved, green      | 95/100                    |
| B     | 5    | Harbourside | sw.a  | approved      | submitted            | 90/100 (10% absent), C2   |
| C     | 8    | Riverbend   | sw.b  | approved      | in progress          | 151/200, 2 susp., 3 days  |
| D     | 12   | none (NEET) | sw.b  | -             | approved, amber      | -                         |
| E     | age 1| none        | sw.a  | -             | -                    | (too young for a PEP)     |
| F     | 1    | Moorland    | sw.a  | -             | - (entered 20 Feb)   | initial PEP due 6 March   |
| G     | 2    | Moorland    | sw.b  | initial, submitted 10 Oct (entered 1 Oct: on time), approved | approved, red | - |
| H     | 4    | Moorland    | sw.b  | left care 15 January: not counted anywhere                        |
| I     | 4    | Moorland    | sw.b  | initial, submitted 1 Dec (entered 3 Nov: late), approved | none | - |
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pep_tui.bootstrap import create_services
from pep_tui.domain import PEP, Child, PEPStatus, QARating, SectionData, SignOff, StaffMember, Term
from pep_tui.services import PermissionDenied
from pep_tui.services.report_render import csv_rows, text_report
from pep_tui.store import ChildRecord

TODAY = date(2026, 3, 2)
HARBOURSIDE = ("999102", "Harbourside Primary (fictional)")
RIVERBEND = ("999105", "Riverbend Academy (fictional)")
MOORLAND = ("999103", "Moorland Primary (fictional)")


def stamp(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def dob(group: int) -> date:
    return date(2020 - group, 12, 1)


def child(key: str, born: date, school, sw: str, **extra) -> Child:
    urn, name = school if school else (None, None)
    return Child(id=f"child_{key}", first_name=key, last_name="Testchild", date_of_birth=born, school_urn=urn,
                 school_name=name, on_roll=school is not None, social_worker=sw, la_child_id=f"LA{key}",
                 date_entered_care=extra.pop("entered", date(2020, 1, 1)), training=True, **extra)


def pep(kid: Child, term: Term, status: PEPStatus, *, group: int, stage: str, qa: str | None = None,
        attendance: dict | None = None, route: str | None = None, initial: bool = False,
        submitted: date | None = None) -> PEP:
    year = 2025
    created = stamp(date(2025, 9, 10) if term is Term.AUTUMN else date(2026, 1, 10))
    sections = {}
    if attendance:
        sections["shared.attendance"] = SectionData(data=attendance)
    if route:
        sections["post16.route"] = SectionData(data={"route": route})
    sign_offs = []
    if submitted or status in (PEPStatus.SUBMITTED, PEPStatus.APPROVED):
        sign_offs.append(SignOff(step="submit", by="dt", role="designated_teacher", at=stamp(submitted or created.date())))
    if status is PEPStatus.APPROVED:
        sign_offs.append(SignOff(step="approve", by="vs.head", role="virtual_school", at=created))
    ratings = [QARating(overall=qa, by="vs.head", at=created)] if qa else []
    return PEP(id=f"pep_{kid.id}_{term.value}", child_id=kid.id, academic_year=year, term=term, stage=stage,
               year_group=group, status=status, initial=initial, sections=sections, sign_offs=sign_offs,
               qa_ratings=ratings, created_by="sw", created_at=created, updated_by="dt", updated_at=created)


def attendance(possible: int, present: int, **extra) -> dict:
    return {"sessions_possible": possible, "sessions_present": present, **extra}


@pytest.fixture
def small_cohort(tmp_path, plugins):
    opened = create_services(tmp_path / "small", "training", plugins=plugins, clock=lambda: TODAY)
    services = opened.services
    services.store.save_staff(StaffMember(login="vs.head", display_name="VS", roles=["virtual_school"], admin=True),
                              None, "test", "system")
    services.store.save_staff(StaffMember(login="sw.a", display_name="SW A", roles=["social_worker"]),
                              None, "test", "system")
    a = child("A", dob(3), HARBOURSIDE, "sw.a")
    b = child("B", dob(5), HARBOURSIDE, "sw.a")
    c = child("C", dob(8), RIVERBEND, "sw.b")
    d = child("D", dob(12), None, "sw.b")
    e = child("E", date(2025, 1, 1), None, "sw.a", entered=date(2025, 6, 1))
    f = child("F", dob(1), MOORLAND, "sw.a", entered=date(2026, 2, 20))
    g = child("G", dob(2), MOORLAND, "sw.b", entered=date(2025, 10, 1))
    h = child("H", dob(4), MOORLAND, "sw.b", left_care_on=date(2026, 1, 15))
    i = child("I", dob(4), MOORLAND, "sw.b", entered=date(2025, 11, 3))
    records = [
        ChildRecord(a, [pep(a, Term.AUTUMN, PEPStatus.APPROVED, group=3, stage="ks2", qa="amber"),
                        pep(a, Term.SPRING, PEPStatus.APPROVED, group=3, stage="ks2", qa="green",
                            attendance=attendance(100, 95))]),
        ChildRecord(b, [pep(b, Term.AUTUMN, PEPStatus.APPROVED, group=5, stage="ks2"),
                        pep(b, Term.SPRING, PEPStatus.SUBMITTED, group=5, stage="ks2",
                            attendance=attendance(100, 90, part_time_timetable=True))]),
        ChildRecord(c, [pep(c, Term.AUTUMN, PEPStatus.APPROVED, group=8, stage="ks3"),
                        pep(c, Term.SPRING, PEPStatus.IN_PROGRESS, group=8, stage="ks3",
                            attendance=attendance(200, 151, suspensions=2, suspension_days=3))]),
        ChildRecord(d, [pep(d, Term.SPRING, PEPStatus.APPROVED, group=12, stage="post16", qa="amber", route="neet")]),
        ChildRecord(e, []),
        ChildRecord(f, []),
        ChildRecord(g, [pep(g, Term.AUTUMN, PEPStatus.APPROVED, group=2, stage="ks1", initial=True,
                            submitted=date(2025, 10, 10)),
                        pep(g, Term.SPRING, PEPStatus.APPROVED, group=2, stage="ks1", qa="red")]),
        ChildRecord(h, [pep(h, Term.AUTUMN, PEPStatus.APPROVED, group=4, stage="ks2")]),
        ChildRecord(i, [pep(i, Term.AUTUMN, PEPStatus.APPROVED, group=4, stage="ks2", initial=True,
                            submitted=date(2025, 12, 1))]),
    ]
    services.store.import_records(records, "test", "system")
    return services


def check_figures(report) -> None:
    t = report.total
    assert (t.children, t.pep_required, t.completed, t.approved, t.overdue, t.in_date) == (8, 7, 4, 3, 3, 3)
    assert t.in_date_pct == 42.9
    assert (t.rated, t.good_or_better, t.good_pct) == (3, 1, 33.3)
    assert (t.attendance_recorded, t.sessions_possible, t.sessions_present, t.attendance_pct) == (3, 400, 336, 84.0)
    assert (t.persistent_absence, t.part_time_timetable, t.suspended) == (2, 1, 1)
    assert (report.suspensions, report.suspension_days, report.permanent_exclusions) == (2, 3.0, 0)
    assert (report.post16, report.neet) == (1, 1)
    i = report.initial
    assert (i.entered_care, i.on_time, i.late, i.not_yet_due, i.overdue) == (3, 1, 1, 1, 0)
    assert report.by_stage == {"Key Stage 1": 2, "Key Stage 2": 3, "Key Stage 3": 1, "Post-16": 1, "(no stage)": 1}
    assert report.pep_status == {"not_started": 2, "in_progress": 1, "returned": 0, "submitted": 1, "approved": 3}
    assert report.qa_ratings == {"green": 1, "amber": 1, "red": 1}
    schools = {b.group: (b.children, b.pep_required, b.in_date, b.overdue, b.persistent_absence, b.part_time_timetable)
               for b in report.schools}
    assert schools == {
        "Harbourside Primary (fictional)": (2, 2, 1, 1, 1, 1),
        "Moorland Primary (fictional)": (3, 3, 1, 1, 0, 0),
        "Riverbend Academy (fictional)": (1, 1, 0, 1, 1, 0),
        "(not on a school roll)": (2, 1, 1, 0, 0, 0),
    }
    workers = {b.group: (b.children, b.pep_required, b.in_date, b.overdue) for b in report.social_workers}
    assert workers == {"sw.a": (4, 3, 1, 1), "sw.b": (4, 4, 2, 2)}


def test_figures_match_the_hand_count(small_cohort):
    report = small_cohort.reports.compliance(small_cohort.principal_for("vs.head"))
    assert report.children_read_from_records == 0  # all from the index
    check_figures(report)


def test_summaries_without_report_facts_are_read_from_records_with_the_same_figures(small_cohort):
    for facts in small_cohort.store.facts().values():
        facts.pop("report", None)
    report = small_cohort.reports.compliance(small_cohort.principal_for("vs.head"))
    assert report.children_read_from_records == 9
    check_figures(report)


def test_text_has_charts_and_breakdowns_and_csv_has_every_measure(small_cohort):
    report = small_cohort.reports.compliance(small_cohort.principal_for("vs.head"))
    text = text_report(report)
    assert "With an in-date PEP:                  3 (42.9%)" in text
    assert "  Key Stage 2  ############################## 3" in text
    assert "Harbourside Primary (fictional)" in text and "sw.b" in text
    rows = csv_rows(report)
    assert rows[0] == ["scope", "group", "measure", "value"]
    assert ["all", "All children", "overdue", "3"] in rows
    assert ["school", "Riverbend Academy (fictional)", "persistent_absence", "1"] in rows
    assert ["all", "All children", "neet", "1"] in rows


def test_done_at_submitted_counts_a_submitted_pep_as_done(small_cohort):
    policy = small_cohort.ctx.settings.policy
    if "pep_done_at" not in type(policy).model_fields:
        pytest.skip("this policy has no pep_done_at setting")
    small_cohort.ctx.settings = small_cohort.ctx.settings.model_copy(
        update={"policy": policy.model_copy(update={"pep_done_at": "submitted"})})
    report = small_cohort.reports.compliance(small_cohort.principal_for("vs.head"))
    assert (report.total.overdue, report.total.in_date) == (2, 4)  # B is now done


def test_a_social_worker_may_not_see_cohort_reports(small_cohort):
    with pytest.raises(PermissionDenied):
        small_cohort.reports.compliance(small_cohort.principal_for("sw.a"))
