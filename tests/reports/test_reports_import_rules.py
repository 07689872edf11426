"""Import rules found in review: nothing half-applied by text the services would refuse, one UPN per
child, the SSDA903 header and episodes as two files, and every role but the Virtual School refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from pep_tui.domain import StaffMember
from pep_tui.services import PermissionDenied

DATA = Path(__file__).parent / "data"
HEADER = "CHILD,FORENAME,SURNAME,SEX,DOB,UPN\n"


@pytest.fixture
def vs_store(make_store):
    opened = make_store("training", name="imports")
    opened.services.store.save_staff(
        StaffMember(login="vs.head", display_name="VS Head", roles=["virtual_school"], admin=True), None, "test",
        "system")
    return opened.services


def children_by_la_id(services, principal):
    return {services.children.get(principal, s["child_id"]).la_child_id: services.children.get(principal, s["child_id"])
            for s in services.children.list(principal)}


def test_a_control_character_in_a_name_is_a_rejected_row_not_a_failed_save(vs_store):
    vs = vs_store.principal_for("vs.head")
    data = (HEADER + "IMP0201,Ann,Able,2,01/03/2015,\n"
                     "IMP0202,Bo\x1b[31m,Baker,1,01/03/2015,\n"
                     "IMP0203,Cy,Cole,1,01/03/2015,\n").encode()
    result = vs_store.imports.cohort(vs, data, name="names.csv")
    assert [str(p) for p in result.rejected] == [
        "line 3: FORENAME contains a control character ('\\x1b'); type plain text only"]
    assert result.blocked and result.failed is None
    assert vs_store.children.list(vs) == []  # nothing half-applied
    result = vs_store.imports.cohort(vs, data, name="names.csv", skip_rejected=True)
    assert result.applied and sorted(children_by_la_id(vs_store, vs)) == ["IMP0201", "IMP0203"]


def test_a_known_child_cannot_take_a_upn_another_child_holds(vs_store):
    vs = vs_store.principal_for("vs.head")
    first = (HEADER + "IMP0301,Ann,Able,2,01/03/2015,A001910218101\n"
                      "IMP0302,Bo,Baker,1,01/03/2015,P001910512103\n").encode()
    assert vs_store.imports.cohort(vs, first, name="first.csv").applied
    second = (HEADER + "IMP0302,Bo,Baker,1,01/03/2015,A001910218101\n").encode()
    result = vs_store.imports.cohort(vs, second, name="second.csv")
    assert [str(p) for p in result.rejected] == [
        "line 2: UPN A001910218101 belongs to another child in pep-tui (CHILD IMP0301)"]
    assert not result.applied
    assert children_by_la_id(vs_store, vs)["IMP0302"].upn == "P001910512103"


def test_the_903_header_and_episodes_tables_import_as_two_files(vs_store):
    vs = vs_store.principal_for("vs.head")
    header = (b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,FORENAME,SURNAME\n"
              b"IMP0401,2,14/03/2017,WBRI,A001910218101,,,Ada,Quillfeather\n")
    episodes = (b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
                b"IMP0401,01/09/2024,S,C2,N1,U4,PR1,10/02/2025,X1,CARPL,AB1,AB2,SC123456\n"
                b"IMP0401,10/02/2025,P,C2,N1,U6,PR1,,,,AB1,AB2,XXXXXXX\n"
                b"IMP0499,01/09/2025,S,C2,N1,U4,PR1,,,,AB1,AB2,XXXXXXX\n")
    assert vs_store.imports.cohort(vs, header, name="header.csv").applied
    result = vs_store.imports.cohort(vs, episodes, name="episodes.csv")
    # The episodes file cannot add anyone: said once, at the top, naming the columns.
    assert result.rejected == [] and [str(p) for p in result.cannot_add] == ["line 4: IMP0499"]
    assert result.blocked and result.lines()[0].startswith("This file has no FORENAME, SURNAME, DOB column(s)")
    result = vs_store.imports.cohort(vs, episodes, name="episodes.csv", skip_rejected=True)
    assert result.applied and [c.fields for c in result.saved] == [["DECOM", "LS", "PLACE"]]
    ada = children_by_la_id(vs_store, vs)["IMP0401"]
    assert str(ada.date_entered_care) == "2024-09-01" and ada.placement.startswith("U6:")


def test_a_failed_save_says_how_many_were_really_added(vs_store, monkeypatch):
    vs = vs_store.principal_for("vs.head")
    data = (HEADER + "IMP0501,Ann,Able,2,01/03/2015,\nIMP0502,Bo,Baker,1,01/03/2015,\n").encode()
    real = vs_store.children.create
    calls = []

    def flaky(principal, child):
        calls.append(child)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(principal, child)

    monkeypatch.setattr(vs_store.children, "create", flaky)
    result = vs_store.imports.cohort(vs, data, name="two.csv")
    text = "\n".join(result.lines())
    assert "Children: added 1, updated 0, unchanged 0 (of 2 to add and 0 to update)." in text
    assert "Not saved (1): IMP0502." in text


def one_login_per_role(cohort):
    found: dict[str, str] = {}
    for member in cohort.store.list_staff():
        for role in member.roles:
            found.setdefault(role, member.login)
    return found


def test_every_role_but_the_virtual_school_is_refused_imports_reports_and_data_exports(cohort, tmp_path):
    attendance = b"UPN,POSSIBLE,PRESENT\nA001910218101,10,10\n"
    cohort_csv = (DATA / "cohort_good.csv").read_bytes()
    logins = one_login_per_role(cohort)
    assert set(cohort.registry.roles) <= set(logins), "the sample should have every role"
    before = len(list(cohort.store.audit.events()))
    for role, login in sorted(logins.items()):
        principal = cohort.principal_for(login, role)
        attempts = {
            "import cohort": lambda p=principal: cohort.imports.cohort(p, cohort_csv, name="c.csv", dry_run=True),
            "import attendance": lambda p=principal: cohort.imports.attendance(p, attendance, name="a.csv",
                                                                             dry_run=True),
            "reconcile": lambda p=principal: cohort.imports.reconcile_903(p, cohort_csv, name="c.csv"),
            "dashboard": lambda p=principal: cohort.reports.compliance(p),
            "data export": lambda p=principal, r=role: cohort.exports.data(p, "json", tmp_path / r),
        }
        for what, attempt in attempts.items():
            if role == "virtual_school":
                attempt()
                continue
            with pytest.raises(PermissionDenied):
                attempt()
            assert not (tmp_path / role).exists(), (role, what)
    # three audited transfers for the Virtual School (imports and reconciliation, export), none for the rest
    events = list(cohort.store.audit.events())[before:]
    assert sorted({e.role for e in events}) == ["virtual_school"]
    assert sorted(e.action for e in events) == [
        "export.data", "import.attendance", "import.cohort", "import.reconcile_903"]


def test_attendance_rows_naming_one_child_two_ways_are_refused_not_saved_twice(cohort):
    vs = cohort.principal_for("vs.head")
    for summary in sorted(cohort.children.list(vs), key=lambda s: s["child_id"]):
        if summary["current_status"] not in ("in_progress", "returned") or not summary.get("current_pep_id"):
            continue
        record = cohort.children.record(vs, summary["child_id"])
        pep_before = record.pep(summary["current_pep_id"])
        states = cohort.peps.visible_sections(vs, record, pep_before)
        if record.child.upn and record.child.la_child_id and any(s.spec.id == "shared.attendance" for s in states):
            child = record.child
            break
    else:
        pytest.skip("no child with an attendance section to write")
    text = (f"CHILD,UPN,POSSIBLE,PRESENT\n{child.la_child_id},,100,90\n,{child.upn},100,95\n").encode()
    result = cohort.imports.attendance(vs, text, name="totals.csv")
    assert [str(p) for p in result.rejected] == [
        f"line 3: UPN {child.upn} is the same child as CHILD {child.la_child_id} (line 2); give each child's "
        f"attendance once"]
    assert result.blocked and result.failed is None
    assert cohort.peps.get(vs, child.id, pep_before.id).revision == pep_before.revision
