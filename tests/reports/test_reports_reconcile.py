"""SSDA903 reconciliation with planted differences: every one is found, and nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pep_tui.domain.upn import make_upn
from pep_tui.services import PermissionDenied

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,DECOM,LS,PLACE,DEC"


def extract_rows(cohort, vs) -> list[dict]:
    rows = []
    for summary in sorted(cohort.children.list(vs), key=lambda s: s["child_id"]):
        child = cohort.children.get(vs, summary["child_id"])
        rows.append({"child": child, "CHILD": child.la_child_id, "DOB": child.date_of_birth.strftime("%d/%m/%Y"),
                     "UPN": child.upn or "", "DEC": ""})
    return rows


def to_csv(rows: list[dict]) -> bytes:
    lines = [HEADER] + [f"{r['CHILD']},1,{r['DOB']},WBRI,{r['UPN']},01/09/2024,C2,U4,{r['DEC']}" for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_an_extract_matching_the_cohort_agrees(cohort):
    vs = cohort.principal_for("vs.head")
    result = cohort.imports.reconcile_903(vs, to_csv(extract_rows(cohort, vs)), name="903.csv")
    assert result.differences == 0 and result.problems == []
    assert result.matched == result.cohort_children == result.extract_children == 60
    assert result.lines()[-1] == "The cohort and the 903 extract agree."


def test_planted_differences_are_each_found(cohort):
    vs = cohort.principal_for("vs.head")
    rows = extract_rows(cohort, vs)
    with_upn = [r for r in rows if r["UPN"].startswith(("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M",
                                                         "N", "P", "Q", "R", "T", "U", "V", "W", "X", "Y", "Z"))
                and len(r["UPN"]) == 13]  # a real UPN, not one of the UN1-UN5 codes
    dropped = rows.pop(rows.index(with_upn[0]))                    # in pep-tui, not in the 903
    new_upn = make_upn(1, 9999, 2019, 999)
    upn_changed = with_upn[1]
    upn_changed["UPN"] = new_upn                                    # UPN differs
    dob_changed = with_upn[2]
    dob_changed["DOB"] = (dob_changed["child"].date_of_birth - timedelta(days=1)).strftime("%d/%m/%Y")
    left = with_upn[3]
    left["DEC"] = "31/01/2026"                                      # left care per the 903
    renumbered = with_upn[4]
    renumbered["CHILD"] = "NEWID0001"                               # same UPN, another child id
    rows.append({"CHILD": "UNKNOWN01", "DOB": "01/01/2015", "UPN": "", "DEC": ""})  # not in pep-tui
    result = cohort.imports.reconcile_903(vs, to_csv(rows), name="903.csv")
    assert [e.la_child_id for e in result.missing_in_pep_tui] == ["UNKNOWN01"]
    assert [c.child_id for c in result.missing_in_903] == [dropped["child"].id]
    assert [(c.child_id, c.upn, e.upn) for c, e in result.upn_mismatches] == [
        (upn_changed["child"].id, upn_changed["child"].upn, new_upn)]
    assert [c.child_id for c, _ in result.dob_mismatches] == [dob_changed["child"].id]
    assert [c.child_id for c, _ in result.left_care_in_903] == [left["child"].id]
    assert [(c.child_id, e.la_child_id) for c, e in result.matched_by_upn] == [(renumbered["child"].id, "NEWID0001")]
    assert result.differences == 6
    text = "\n".join(result.lines())
    assert "In the 903 but not in pep-tui (1):" in text and "UPN differs (1):" in text
    audit = [e for e in cohort.store.audit.events() if e.action == "import.reconcile_903"]
    assert audit and audit[-1].detail["differences"] == 6


def test_an_unreadable_row_is_reported_not_fatal(cohort):
    vs = cohort.principal_for("vs.head")
    rows = extract_rows(cohort, vs)
    rows[0]["DOB"] = "32/01/2015"
    result = cohort.imports.reconcile_903(vs, to_csv(rows), name="903.csv")
    assert [str(p) for p in result.problems] == ["line 2: DOB '32/01/2015' is not a real date"]


def test_only_the_virtual_school_may_reconcile(cohort):
    with pytest.raises(PermissionDenied):
        cohort.imports.reconcile_903(cohort.principal_for("sw.amara"), b"CHILD\n", name="903.csv")


def _real_upn_rows(rows: list[dict]) -> list[dict]:
    return [r for r in rows if len(r["UPN"]) == 13 and not r["UPN"].startswith("UN")]


def test_a_row_with_an_unknown_id_and_a_matched_childs_upn_is_listed_not_counted_as_matched(cohort):
    vs = cohort.principal_for("vs.head")
    rows = extract_rows(cohort, vs)
    owner = _real_upn_rows(rows)[0]
    # The stray row comes first in the file: the owner must still match on their own CHILD id.
    stray = {"CHILD": "STRAY0001", "DOB": owner["DOB"], "UPN": owner["UPN"], "DEC": ""}
    result = cohort.imports.reconcile_903(vs, to_csv([stray, *rows]), name="903.csv")
    assert [(e.la_child_id, o.child_id, m) for e, o, m in result.shared_upn] == [("STRAY0001", owner["child"].id, None)]
    assert result.matched == 60 and result.missing_in_903 == [] and result.matched_by_upn == []
    assert result.extract_total == 61 and sum(result.accounted().values()) == 61
    text = "\n".join(result.lines())
    assert "UPN shared with another child (1):" in text and "CHILD STRAY0001 (line 2)" in text
    assert "Every child of the extract accounted for: 61 children (61 rows) = 60 matched + 1 UPN shared" in text


def test_a_child_given_another_childs_upn_is_a_shared_upn_not_only_a_upn_difference(cohort):
    vs = cohort.principal_for("vs.head")
    rows = extract_rows(cohort, vs)
    first, second = _real_upn_rows(rows)[:2]
    first["UPN"] = second["UPN"]
    result = cohort.imports.reconcile_903(vs, to_csv(rows), name="903.csv")
    assert [(e.la_child_id, o.child_id, m.child_id) for e, o, m in result.shared_upn] == [
        (first["child"].la_child_id, second["child"].id, first["child"].id)]
    assert result.upn_mismatches == []
    assert result.matched == 59 and sum(result.accounted().values()) == result.extract_total == 60
    assert result.differences == 1


def test_every_child_of_a_planted_extract_is_accounted_for(cohort):
    vs = cohort.principal_for("vs.head")
    rows = extract_rows(cohort, vs)
    real = _real_upn_rows(rows)
    real[0]["UPN"] = make_upn(1, 9999, 2019, 998)                   # UPN differs
    real[1]["DOB"] = "01/01/2010"                                    # date of birth differs
    real[2]["DEC"] = "31/01/2026"                                    # left care per the 903
    real[3]["CHILD"] = "NEWID0002"                                   # same UPN, other id
    rows.append({"CHILD": "GONE00001", "DOB": "01/01/2012", "UPN": "", "DEC": "01/02/2025"})  # left, unknown
    rows.append({"CHILD": "UNKNOWN02", "DOB": "01/01/2015", "UPN": "", "DEC": ""})
    result = cohort.imports.reconcile_903(vs, to_csv(rows), name="903.csv")
    counts = result.accounted()
    assert sum(counts.values()) == result.extract_total == 62
    assert (counts["UPN differs"], counts["date of birth differs"], counts["left care in the 903, in care in pep-tui"],
            counts["same UPN, different child id"], counts["left care, not compared"], counts["not in pep-tui"]) == (
        1, 1, 1, 1, 1, 1)
    assert counts["matched"] == 56
