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
