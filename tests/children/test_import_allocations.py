"""The cohort import's allocation columns: a nightly extract makes dated changes, never overwrites."""

from __future__ import annotations

from pep_tui.domain.care import AllocationKind, history

HEADER = "CHILD,FORENAME,SURNAME,DOB,SCHOOL_URN,SW_LOGIN,CARER_LOGINS,IRO_LOGIN,PLACEMENT_START,SCHOOL_START\n"
ROWS = {
    "LA1": "LA1,Ada,Quillfeather,14/03/2015,100001,sw.ann,carer.cat,iro.ivy,01/09/2025,",
    "LA2": "LA2,Bo,Marrowby,02/05/2012,100002,sw.bob,carer.dan;carer.eve,,01/10/2025,",
}


def _file(**rows: str) -> bytes:
    return (HEADER + "\n".join({**ROWS, **rows}.values()) + "\n").encode()


def _child(live, la_id: str):
    return live.s.children.get(live.vs, live.s.children.resolve(live.vs, la_id))


def test_import_with_allocation_columns_gives_every_role_its_children(live) -> None:
    result = live.s.imports.cohort(live.vs, _file(), name="extract.csv")
    assert result.applied and not result.rejected, result.lines()
    one, two = _child(live, "LA1").id, _child(live, "LA2").id
    assert live.ids("sw.ann") == {one} and live.ids("sw.bob") == {two}
    assert live.ids("carer.cat") == {one} and live.ids("carer.dan") == live.ids("carer.eve") == {two}
    assert live.ids("iro.ivy") == {one}
    assert live.ids("dt.one") == {one} and live.ids("dt.two") == {two}


def test_repeated_imports_of_the_same_extract_change_nothing(live) -> None:
    live.s.imports.cohort(live.vs, _file(), name="extract.csv")
    before = {la: _child(live, la) for la in ROWS}
    again = live.s.imports.cohort(live.vs, _file(), name="extract.csv")
    assert again.planned == [] and again.unchanged == 2
    assert {la: _child(live, la) for la in ROWS} == before


def test_an_extract_with_a_moved_child_makes_exactly_one_dated_move(live) -> None:
    live.s.imports.cohort(live.vs, _file(), name="monday.csv")
    moved_row = "LA1,Ada,Quillfeather,14/03/2015,100002,sw.ann,carer.dan,iro.ivy,06/02/2026,04/02/2026"
    for _night in range(3):  # the same extract, night after night
        live.s.imports.cohort(live.vs, _file(LA1=moved_row), name="tuesday.csv")
    child = _child(live, "LA1")
    assert [(m.from_urn, m.to_urn, m.on.isoformat()) for m in child.school_moves] == [("100001", "100002", "2026-02-04")]
    assert child.placement_moves and child.placement_moves[-1].isoformat() == "2026-02-06"
    assert [a.value for _s, _u, a in history(child, AllocationKind.SCHOOL)] == [["100001"], ["100002"]]
    assert [a.source for _s, _u, a in history(child, AllocationKind.SCHOOL)] == ["pep-tui", "import"]
    assert child.id in live.ids("dt.two") and child.id not in live.ids("dt.one")
    assert child.id in live.ids("carer.dan") and child.id not in live.ids("carer.cat")


def test_an_unknown_login_is_that_rows_error_naming_it(live) -> None:
    bad = "LA2,Bo,Marrowby,02/05/2012,100002,sw.nobody,carer.dan,parent.pam,,"
    result = live.s.imports.cohort(live.vs, _file(LA2=bad), name="extract.csv", skip_rejected=True)
    [problem] = result.rejected
    assert problem.line == 3 and "SW_LOGIN" in problem.message and "'sw.nobody'" in problem.message
    assert "IRO_LOGIN" in problem.message and "'parent.pam' does not hold the iro role" in problem.message
    assert [c.la_child_id for c in result.saved] == ["LA1"]  # the other row still imported


def test_a_change_made_in_pep_tui_is_not_undone_by_an_extract_that_has_not_caught_up(live) -> None:
    live.s.imports.cohort(live.vs, _file(), name="extract.csv")
    child = _child(live, "LA1")
    live.s.care.allocate(live.vs, child.id, {"social_worker": "sw.bob"})
    result = live.s.imports.cohort(live.vs, _file(), name="extract.csv")
    assert _child(live, "LA1").social_worker == "sw.bob"
    assert any(d.field == "social_worker" and d.in_pep_tui == "sw.bob" for d in result.differences)


def test_a_child_missing_from_the_extract_is_reported_never_closed(live) -> None:
    live.s.imports.cohort(live.vs, _file(), name="extract.csv")
    only_one = (HEADER + ROWS["LA1"] + "\n").encode()
    result = live.s.imports.cohort(live.vs, only_one, name="extract.csv")
    assert result.missing == ["LA2"]
    assert any("not in this file" in line and "LA2" in line for line in result.lines())
    assert _child(live, "LA2").left_care_on is None and len(live.ids("sw.bob")) == 1


def test_a_new_childs_first_carers_and_school_are_dated_by_the_start_columns(live) -> None:
    row = "LA3,Cy,Fernwhistle,02/05/2013,100002,sw.ann,carer.cat,,03/11/2025,05/01/2026"
    live.s.imports.cohort(live.vs, (HEADER + row + "\n").encode(), name="new.csv")
    child = _child(live, "LA3")
    assert [(s.isoformat(), a.source) for s, _u, a in history(child, AllocationKind.CARERS)] == [("2025-11-03", "import")]
    assert [s.isoformat() for s, _u, _a in history(child, AllocationKind.SCHOOL)] == ["2026-01-05"]
    assert history(child, AllocationKind.SOCIAL_WORKER)[0][2].recorded_by == "vs.admin"


def test_a_stale_extract_does_not_close_again_a_child_who_came_back_into_care(live) -> None:
    extract = b"CHILD,FORENAME,SURNAME,DOB,DECOM,LS,DEC\nLA5,Di,Oakhollow,02/05/2013,01/09/2024,C2,05/01/2026\n"
    live.s.imports.cohort(live.vs, extract, name="episodes.csv")
    child = _child(live, "LA5")
    assert child.left_care_on is not None and child.id not in live.ids("vs.admin")
    live.s.care.reopen(live.vs, child.id, live.day[0])
    live.s.imports.cohort(live.vs, extract, name="episodes.csv")  # the next night, not yet updated
    back = _child(live, "LA5")
    assert back.left_care_on is None and back.id in live.ids("vs.admin")
    assert back.date_entered_care == live.day[0]  # the new period kept; the file's old DECOM is a difference
