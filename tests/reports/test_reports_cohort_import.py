"""Cohort import from a social-care (SSDA903-layout) CSV: row-level messages, no half-applied import,
no silent overwrite of a field edited in pep-tui, encodings, dry runs and the audit trail."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pep_tui.domain import StaffMember
from pep_tui.services import PermissionDenied
from pep_tui.services.csv_input import ImportFileError

DATA = Path(__file__).parent / "data"


@pytest.fixture
def vs_store(make_store):
    """An empty training store with a Virtual School administrator and a social worker."""
    opened = make_store("training", name="imports")
    store = opened.services.store
    store.save_staff(StaffMember(login="vs.head", display_name="VS Head", roles=["virtual_school"], admin=True),
                     None, "test", "system")
    store.save_staff(StaffMember(login="sw.amara", display_name="SW", roles=["social_worker"]), None, "test", "system")
    return opened.services


def by_la_id(services, principal):
    out = {}
    for summary in services.children.list(principal):
        child = services.children.get(principal, summary["child_id"])
        out[child.la_child_id] = child
    return out


def test_well_formed_903_file_creates_children_from_header_and_episodes(vs_store):
    vs = vs_store.principal_for("vs.head")
    result = vs_store.imports.cohort(vs, DATA / "cohort_good.csv")
    assert result.rejected == []
    assert result.applied and len(result.saved) == 3
    assert result.unused_columns == []  # every 903 column is recognised
    children = by_la_id(vs_store, vs)
    ada = children["IMP0001"]
    assert (ada.first_name, ada.last_name, ada.sex, ada.upn) == ("Ada", "Quillfeather", "2", "A001910218101")
    assert ada.date_of_birth == date(2017, 3, 14)
    # two episodes that follow on are one period of care: it started with the first
    assert ada.date_entered_care == date(2024, 9, 1)
    assert ada.placement.startswith("U6:") and ada.legal_status.value == "C2"
    assert ada.school_urn == "999102" and ada.left_care_on is None
    assert ada.import_snapshot["placement"] == ada.placement
    assert children["IMP0003"].upn == "UN1" and children["IMP0003"].school_urn is None
    events = [e for e in vs_store.store.audit.events() if e.action == "import.cohort"]
    assert len(events) == 1 and events[0].detail["saved"] == 3 and events[0].actor == "vs.head"


def test_dry_run_changes_nothing_and_says_what_would_happen(vs_store):
    vs = vs_store.principal_for("vs.head")
    seen = []
    result = vs_store.imports.cohort(vs, DATA / "cohort_good.csv", dry_run=True,
                                     progress=lambda phase, done, total: seen.append((phase, done, total)))
    assert seen and seen[-1][0] == "reading" and seen[-1][1] == seen[-1][2]
    assert len(result.planned) == 3 and result.saved == [] and not result.applied
    assert vs_store.children.list(vs) == []
    text = "\n".join(result.lines())
    assert "would add 3" in text and "Dry run: nothing was changed." in text


def test_malformed_rows_are_each_reported_by_line_and_nothing_is_applied(vs_store):
    vs = vs_store.principal_for("vs.head")
    result = vs_store.imports.cohort(vs, DATA / "cohort_bad.csv")
    messages = [str(p) for p in result.rejected]
    assert messages == [
        "line 3: UPN 'B207000016049': check letter should be P, not B",
        "line 4: DOB '31/02/2015' is not a real date",
        "line 5: DOB '2015/03/01' is not a date; expected DD/MM/YYYY (or YYYY-MM-DD)",
        "line 6: LS 'X9' is not an SSDA903 legal status (C1, C2, D1, E1, J1, J2, J3, L1, L2, L3, V2, V3, V4)",
        "line 7: duplicate of line 2; ignored",
        "line 9: CHILD IMP0106 has a second episode starting 01/09/2025 (line 8) with different values",
        "line 10: SEX '9' should be 1 (male) or 2 (female)",
        "line 11: 12 values but the header has 10 columns (a stray comma?)",
        "line 12: CHILD is empty; every row needs the council's child id",
    ]
    assert result.blocked and not result.applied
    assert [p.la_child_id for p in result.planned] == ["IMP0101"]  # IMP0106 is held back with its bad row
    assert vs_store.children.list(vs) == []  # nothing half-applied
    assert "Nothing was imported" in "\n".join(result.lines())


def test_skip_rejected_imports_only_children_whose_rows_are_all_good(vs_store):
    vs = vs_store.principal_for("vs.head")
    result = vs_store.imports.cohort(vs, DATA / "cohort_bad.csv", skip_rejected=True)
    assert result.applied
    assert sorted(by_la_id(vs_store, vs)) == ["IMP0101"]


def test_reimport_is_unchanged_and_writes_nothing(vs_store):
    vs = vs_store.principal_for("vs.head")
    vs_store.imports.cohort(vs, DATA / "cohort_good.csv")
    before = {k: c.revision for k, c in by_la_id(vs_store, vs).items()}
    again = vs_store.imports.cohort(vs, DATA / "cohort_good.csv")
    assert again.planned == [] and again.unchanged == 3 and again.differences == []
    assert {k: c.revision for k, c in by_la_id(vs_store, vs).items()} == before


def test_field_edited_in_pep_tui_is_never_overwritten_but_reported(vs_store):
    vs = vs_store.principal_for("vs.head")
    vs_store.imports.cohort(vs, DATA / "cohort_good.csv")
    bram = by_la_id(vs_store, vs)["IMP0002"]
    vs_store.children.update(vs, bram.id, {"placement": "Residential home (edited in pep-tui)"}, bram.revision)
    changed = (DATA / "cohort_good.csv").read_text().replace(
        "IMP0002,Bram,Inkwright,1,02/11/2013,WBRI,P001910512103,15/01/2026,S,V2,N2,K2",
        "IMP0002,Bram,Inkwright,1,02/11/2013,WBRI,P001910512103,15/01/2026,S,C2,N2,R1",
    ).encode()
    result = vs_store.imports.cohort(vs, changed, name="cohort_feb.csv")
    assert [str(d) for d in result.differences] == [
        "line 4: CHILD IMP0002: PLACE is 'R1: Residential care home' in the file but "
        "'Residential home (edited in pep-tui)' in pep-tui (edited in pep-tui; kept)"
    ]
    assert [c.fields for c in result.planned] == [["LS"]]  # changed at source, untouched in pep-tui
    after = by_la_id(vs_store, vs)["IMP0002"]
    assert after.placement == "Residential home (edited in pep-tui)"
    assert after.legal_status.value == "C2"
    assert after.import_snapshot["placement"] == "R1: Residential care home"


def test_byte_order_mark_is_removed_and_extra_columns_are_reported(vs_store):
    vs = vs_store.principal_for("vs.head")
    text = (DATA / "cohort_good.csv").read_text()
    lines = text.splitlines()
    lines[0] += ",FAVOURITE_COLOUR"
    lines[1:] = [line + ",teal" for line in lines[1:]]
    data = "\ufeff".encode() + "\n".join(lines).encode()
    result = vs_store.imports.cohort(vs, data, name="with_bom.csv")
    assert result.had_bom and result.rejected == []
    assert result.unused_columns == ["FAVOURITE_COLOUR"]
    assert len(result.saved) == 3


def test_wrong_encoding_is_refused_with_the_line_and_accepted_when_named(vs_store):
    vs = vs_store.principal_for("vs.head")
    text = (DATA / "cohort_good.csv").read_text().replace("Bram", "Zoë")
    data = text.encode("cp1252")
    with pytest.raises(ImportFileError) as caught:
        vs_store.imports.cohort(vs, data, name="windows.csv")
    assert str(caught.value).startswith("windows.csv: line 4 is not valid UTF-8 text (byte 0xEB)")
    assert "--encoding cp1252" in str(caught.value)
    assert vs_store.children.list(vs) == []
    result = vs_store.imports.cohort(vs, data, name="windows.csv", encoding="cp1252")
    assert result.applied
    assert by_la_id(vs_store, vs)["IMP0002"].first_name == "Zoë"


def test_a_file_without_a_child_column_is_refused(vs_store):
    vs = vs_store.principal_for("vs.head")
    with pytest.raises(ImportFileError, match="no CHILD column"):
        vs_store.imports.cohort(vs, b"NAME,DOB\nA,01/01/2015\n", name="x.csv")


def test_upn_of_another_child_is_rejected(vs_store):
    vs = vs_store.principal_for("vs.head")
    vs_store.imports.cohort(vs, DATA / "cohort_good.csv")
    clash = (b"CHILD,FORENAME,SURNAME,DOB,UPN\n"
             b"IMP0999,New,Person,01/01/2016,A001910218101\n")
    result = vs_store.imports.cohort(vs, clash, name="clash.csv")
    assert [str(p) for p in result.rejected] == [
        "line 2: UPN A001910218101 belongs to another child in pep-tui (CHILD IMP0001)"]
    assert len(vs_store.children.list(vs)) == 3


def test_a_save_failing_midway_reports_exactly_what_was_saved(vs_store, monkeypatch):
    vs = vs_store.principal_for("vs.head")
    real_create = vs_store.children.create
    calls = {"n": 0}

    def flaky(principal, data):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real_create(principal, data)

    monkeypatch.setattr(vs_store.children, "create", flaky)
    result = vs_store.imports.cohort(vs, DATA / "cohort_good.csv")
    assert [c.la_child_id for c in result.saved] == ["IMP0001"]
    assert result.failed is not None and result.failed[0].la_child_id == "IMP0002"
    assert [c.la_child_id for c in result.not_attempted] == ["IMP0003"]
    text = "\n".join(result.lines())
    assert "Stopped at CHILD IMP0002 (line 4): disk full" in text
    assert "Saved before the stop (1): IMP0001." in text
    assert "Not saved (2): IMP0002, IMP0003." in text
    assert sorted(by_la_id(vs_store, vs)) == ["IMP0001"]


def test_only_the_virtual_school_may_import(vs_store):
    sw = vs_store.principal_for("sw.amara")
    with pytest.raises(PermissionDenied):
        vs_store.imports.cohort(sw, DATA / "cohort_good.csv")


def _without_names(text: str) -> str:
    """The same rows as a bare SSDA903 header file: FORENAME and SURNAME dropped."""
    out = []
    for line in text.splitlines():
        cells = line.split(",")
        out.append(",".join([cells[0], *cells[3:]]))
    return "\n".join(out) + "\n"


def test_a_file_without_the_name_columns_says_so_once_and_still_reports_the_real_faults(vs_store):
    vs = vs_store.principal_for("vs.head")
    bare = _without_names((DATA / "cohort_bad.csv").read_text())
    # Plenty of good rows for children not in pep-tui: none of them may add a line each.
    extra = "".join(f"IMP{200 + n:04d},1,01/03/2016,,01/09/2025,C2,U4,\n" for n in range(40))
    result = vs_store.imports.cohort(vs, (bare + extra).encode(), name="903_header.csv")
    assert result.missing_columns == ["FORENAME", "SURNAME"]
    lines = result.lines()
    assert lines[0].startswith("This file has no FORENAME, SURNAME column(s)")
    # IMP0101 and the 40 extra children (the others are held back by their own faults, listed below).
    assert "41 child(ren) not in pep-tui cannot be added (CHILD IMP0101, IMP0200," in lines[0]
    text = "\n".join(lines)
    assert text.count("FORENAME") == 2 and "is not in pep-tui; adding a child needs" not in text
    # The real faults are still there, each by line, and nothing is imported.
    messages = [str(p) for p in result.rejected]
    assert "line 3: UPN 'B207000016049': check letter should be P, not B" in messages
    assert "line 4: DOB '31/02/2015' is not a real date" in messages
    assert "line 12: CHILD is empty; every row needs the council's child id" in messages
    assert len(messages) == 9
    assert result.blocked and vs_store.children.list(vs) == []


def test_an_episodes_file_updates_known_children_without_complaint(vs_store):
    vs = vs_store.principal_for("vs.head")
    vs_store.imports.cohort(vs, DATA / "cohort_good.csv")
    episodes = "CHILD,DECOM,LS,PLACE,DEC\nIMP0001,01/09/2024,C2,U6,\n"
    result = vs_store.imports.cohort(vs, episodes.encode(), name="episodes.csv")
    assert result.cannot_add == [] and result.rejected == []
    assert not any(line.startswith("This file has no") for line in result.lines())
