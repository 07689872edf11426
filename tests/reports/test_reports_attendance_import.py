"""Attendance import: national codes (retired ones only for past dates), recomputed figures written into
the current PEP through the PEP service, C2 / E / persistent-absence flags, nothing half-applied."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pep_tui.services import PermissionDenied

ATTENDANCE = "shared.attendance"


def pick(cohort, vs, *, statuses: set[str], count: int = 1) -> list:
    """Children of school age on roll whose current PEP has the given status and an attendance section."""
    found = []
    for summary in sorted(cohort.children.list(vs), key=lambda s: s["child_id"]):
        if (summary["current_status"] not in statuses or not summary.get("current_pep_id")
                or len(summary.get("upn") or "") != 13):  # a real UPN, not UN1-UN5
            continue
        record = cohort.children.record(vs, summary["child_id"])
        pep = record.pep(summary["current_pep_id"])
        if any(s.spec.id == ATTENDANCE for s in cohort.peps.visible_sections(vs, record, pep)):
            found.append((record.child, pep))
        if len(found) == count:
            return found
    pytest.skip("the sample cohort has no such child")


def school_days(start: date, n: int) -> list[date]:
    days, day = [], start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def sessions_csv(rows: list[tuple[str, date, str, str]]) -> bytes:
    lines = ["UPN,DATE,SESSION,CODE"] + [f"{u},{d:%d/%m/%Y},{s},{c}" for u, d, s, c in rows]
    return ("\n".join(lines) + "\n").encode()


def test_sessions_are_counted_with_the_national_codes_and_flags_raised(cohort):
    vs = cohort.principal_for("vs.head")
    [(child, pep)] = pick(cohort, vs, statuses={"in_progress", "returned"})
    days = school_days(date(2026, 1, 12), 5)
    codes = [("/", "\\"), ("L", "C2"), ("E", "E"), ("I", "O"), ("X", "K")]
    rows = [(child.upn, day, session, code) for day, pair in zip(days, codes, strict=True)
            for session, code in zip(("AM", "PM"), pair, strict=True)]
    rows.append((child.upn, date(2024, 5, 1), "AM", "H"))  # retired code, before its retirement: fine
    result = cohort.imports.attendance(vs, sessions_csv(rows), name="register.csv")
    assert result.rejected == [] and result.applied
    [plan] = result.saved
    after = cohort.peps.get(vs, child.id, pep.id)
    data = after.section(ATTENDANCE)
    # X is not a possible session; / \ L K are present; C2 E E I authorised; O unauthorised
    assert (data["sessions_possible"], data["sessions_present"]) == (9, 4)
    assert (data["sessions_authorised_absence"], data["sessions_unauthorised_absence"]) == (4, 1)
    assert (data["suspensions"], data["suspension_days"], data["part_time_timetable"]) == (1, 1.0, True)
    assert after.revision == pep.revision + 1
    assert plan.figures.earlier_sessions == 1
    flags = "; ".join(plan.flags)
    assert "C2 part-time timetable (1 sessions)" in flags
    assert "E suspension (1 suspension(s), 1 day(s))" in flags
    assert "persistent absence (44.4% attendance)" in flags
    audit = [e for e in cohort.store.audit.events() if e.action == "import.attendance"]
    assert audit[-1].detail["saved"] == 1


def test_bad_codes_dates_and_duplicates_are_reported_and_nothing_is_written(cohort):
    vs = cohort.principal_for("vs.head")
    (good, good_pep), (other, other_pep) = pick(cohort, vs, statuses={"in_progress", "returned"}, count=2)
    rows = [
        (good.upn, date(2026, 1, 12), "AM", "/"),          # line 2: fine
        (other.upn, date(2026, 1, 12), "AM", "ZZ"),        # line 3: unknown code
        (other.upn, date(2026, 1, 13), "AM", "H"),         # line 4: retired code used after retirement
        (other.upn, date(2026, 1, 14), "XX", "/"),         # line 5: bad session
        (good.upn, date(2026, 1, 12), "AM", "/"),          # line 6: duplicate of line 2
        (good.upn, date(2026, 1, 12), "PM", "/"),          # line 7: fine
        (good.upn, date(2026, 1, 12), "PM", "N"),          # line 8: a second, different mark
        (other.upn, date(2026, 5, 1), "AM", "/"),          # line 9: in the future
    ]
    data = sessions_csv(rows) + b"P001910512103,31/02/2026,AM,/\n"  # line 10: no such date
    result = cohort.imports.attendance(vs, data, name="register.csv")
    assert [str(p) for p in result.rejected] == [
        "line 3: CODE 'ZZ' is not a national attendance code",
        "line 4: CODE 'H' (Holiday authorised by the school (retired)) was retired on 19/08/2024 and cannot be "
        "used for 13/01/2026",
        "line 5: SESSION 'XX' should be AM or PM",
        "line 6: duplicate of line 2; ignored",
        f"line 8: UPN {good.upn} already has code '/' for 12/01/2026 PM (line 7)",
        "line 9: DATE '01/05/2026' is in the future",
        "line 10: DATE '31/02/2026' is not a real date",
    ]
    assert result.blocked and result.saved == []
    assert cohort.peps.get(vs, good.id, good_pep.id).revision == good_pep.revision
    assert cohort.peps.get(vs, other.id, other_pep.id).revision == other_pep.revision


def test_termly_totals_are_checked_and_written(cohort):
    vs = cohort.principal_for("vs.head")
    (child, pep), (other, _) = pick(cohort, vs, statuses={"in_progress", "returned"}, count=2)
    text = ("CHILD,POSSIBLE,PRESENT,AUTHORISED,UNAUTHORISED,SUSPENSIONS,SUSPENSION_DAYS,PART_TIME\n"
            f"{child.la_child_id},120,100,15,5,0,0,N\n"
            f"{other.la_child_id},120,100,15,4,0,0,N\n"
            "NOSUCHCHILD,10,10,0,0,0,0,N\n")
    result = cohort.imports.attendance(vs, text.encode(), name="totals.csv", skip_rejected=True)
    assert [str(p) for p in result.rejected] == [
        "line 3: PRESENT + AUTHORISED + UNAUTHORISED (119) should equal POSSIBLE (120)",
        "line 4: CHILD NOSUCHCHILD is not a child in pep-tui",
    ]
    assert result.applied and [p.child_id for p in result.saved] == [child.id]
    data = cohort.peps.get(vs, child.id, pep.id).section(ATTENDANCE)
    assert (data["sessions_possible"], data["sessions_present"], data["sessions_unauthorised_absence"]) == (120, 100, 5)
    assert result.saved[0].flags == ["persistent absence (83.3% attendance)"]


def test_an_approved_pep_is_not_changed(cohort):
    vs = cohort.principal_for("vs.head")
    [(child, pep)] = pick(cohort, vs, statuses={"approved"})
    text = f"UPN,POSSIBLE,PRESENT\n{child.upn},100,99\n".encode()
    result = cohort.imports.attendance(vs, text, name="totals.csv")
    assert [str(p) for p in result.rejected] == [
        f"line 2: UPN {child.upn}: the Spring 2025-26 PEP is approved; its attendance cannot be changed"]
    assert cohort.peps.get(vs, child.id, pep.id).revision == pep.revision


def test_a_save_failing_midway_reports_what_was_saved(cohort, monkeypatch):
    vs = cohort.principal_for("vs.head")
    picked = pick(cohort, vs, statuses={"in_progress", "returned"}, count=3)
    text = "UPN,POSSIBLE,PRESENT\n" + "".join(f"{c.upn},100,97\n" for c, _ in picked)
    real = cohort.peps.save_section
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(cohort.peps, "save_section", flaky)
    result = cohort.imports.attendance(vs, text.encode(), name="totals.csv")
    assert len(result.saved) == 1 and result.failed is not None and len(result.not_attempted) == 1
    lines = "\n".join(result.lines())
    assert f"Stopped at UPN {picked[1][0].upn}: disk full" in lines
    assert f"Saved before the stop (1): UPN {picked[0][0].upn}." in lines


def test_a_designated_teacher_may_not_import(cohort):
    with pytest.raises(PermissionDenied):
        cohort.imports.attendance(cohort.principal_for("dt.moorland"), b"UPN,POSSIBLE,PRESENT\n", name="x.csv")
