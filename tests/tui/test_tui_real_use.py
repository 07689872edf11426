"""Regression tests from driving every role by keys at 80x24: crashes on stale widgets, lost keys,
self-conflicts, dates in the past, the reasons and the PP+ safety net."""

from __future__ import annotations

from conftest import screen_text
from tui_helpers import (
    burst,
    edit_field,
    editable_child,
    go_to_section,
    key_event,
    open_child_pep,
    stored,
    submitted,
    type_text,
)

from pep_tui.tui.screens.child import ChildScreen
from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.dialogs import PickDialog, ReasonDialog
from pep_tui.tui.screens.pep import PEPScreen
from pep_tui.tui.screens.qa import QARatingScreen


async def _switch_to_role_without(pilot, child_id: str) -> None:
    """ctrl+t, then pick (by keys) the first fictional staff member who cannot see the child."""
    app = pilot.app
    services = app.services
    await pilot.press("ctrl+t")
    await pilot.pause()
    assert isinstance(app.screen, PickDialog)
    index = next(i for i, (_label, (login, role)) in enumerate(app.screen.items)
                 if all(s["child_id"] != child_id for s in services.children.list(services.principal_for(login, role))))
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    for _ in range(4):
        await pilot.pause()


async def test_switching_role_from_the_child_and_pep_screens_does_not_crash(make_app, tui_store):
    """1: ctrl+t from the child or PEP screen with nothing unsaved lands on the new role's list."""
    services = tui_store.services
    app = make_app("dt.harbourside")
    summary = editable_child(services, app.principal)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_child_pep(pilot, summary)
        await _switch_to_role_without(pilot, summary["child_id"])
        assert isinstance(app.screen, ChildrenScreen)
        assert app.screen.is_attached and app.screen.filter_input.has_focus
        await type_text(pilot, app.screen.view.summary(0)["name"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChildScreen)
        await _switch_to_role_without(pilot, app.screen.child_id)
        assert isinstance(app.screen, ChildrenScreen)
        assert len(app.screen_stack) == 2
        assert app.return_code is None


async def test_a_burst_of_escapes_with_unsaved_edits_neither_crashes_nor_loses_them(make_app, tui_store):
    """2: Esc pressed ten times at once over unsaved edits: the app stays up and the edits stay."""
    services = tui_store.services
    app = make_app("dt.harbourside")
    summary = editable_child(services, app.principal)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, "tuitest.about")
        await edit_field(pilot, form, "summary", "Kept")
        for round_ in range(3):
            await burst(pilot, *["escape"] * (9 + round_))
        assert app.return_code is None
        pep_screens = [s for s in app.screen_stack if isinstance(s, PEPScreen)]
        assert pep_screens and pep_screens[-1].dirty_forms
        while app.screen is not pep_screens[-1]:
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert stored(services, app.principal, summary, "tuitest.about")["summary"] == "Kept"


async def test_returning_after_rating_from_the_pep_does_not_conflict_with_my_own_rating(make_app, tui_store):
    """3 (training exercise 10): rate from the PEP, then return it: no conflict with my own save."""
    services = tui_store.services
    app = make_app("vs.head")
    summary = editable_child(services, app.principal)
    pep = submitted(services, app.principal, summary)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        await pilot.press("ctrl+g", "q")
        await pilot.pause()
        assert isinstance(app.screen, QARatingScreen)
        await pilot.press("1", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+g", "t")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await type_text(pilot, "Targets need dates")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
    final = services.peps.get(app.principal, summary["child_id"], pep.id)
    assert final.status.value == "returned", [str(n.message) for n in app._notifications]
    assert final.return_reason == "Targets need dates"
    assert final.qa_rating is not None


async def test_a_real_conflict_on_return_keeps_the_typed_reason(make_app, tui_store, second_handle):
    """3: someone else changed the PEP meanwhile: the return is refused and the reason is still there."""
    services = tui_store.services
    app = make_app("vs.head")
    summary = editable_child(services, app.principal)
    pep = submitted(services, app.principal, summary)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_child_pep(pilot, summary)
        other = second_handle()
        adviser = other.principal_for("vs.adviser")
        other.qa.rate(adviser, summary["child_id"], pep.id, "green", {}, "fine", {}, expected_revision=pep.revision)
        app.screen.undo_seconds = 0.05
        await pilot.press("ctrl+g", "t")
        await pilot.pause()
        await type_text(pilot, "Targets need dates")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        assert app.screen.query_one("#reason").text == "Targets need dates"
        await pilot.press("ctrl+s")  # confirmed again, on the PEP as it now stands
        await pilot.pause()
        await pilot.pause()
    final = services.peps.get(app.principal, summary["child_id"], pep.id)
    assert final.status.value == "returned" and final.return_reason == "Targets need dates"


async def _about_field(pilot, app, services, path: str):
    summary = editable_child(services, app.principal)
    screen = await open_child_pep(pilot, summary)
    form = await go_to_section(pilot, screen, "tuitest.about")
    editor = form.find_editor(path)
    editor.focus_input()
    await pilot.pause()
    return summary, screen, editor


async def test_type_ahead_keeps_every_key_in_order(make_app, tui_store):
    """5: ``End C-u 1 5 5`` sent as one burst replaces the field with 155; ten Backspaces delete ten."""
    services = tui_store.services
    app = make_app("dt.harbourside")
    async with app.run_test(size=(80, 24)) as pilot:
        _summary, _screen, editor = await _about_field(pilot, app, services, "summary")
        editor.input.value = "good at maths"
        await pilot.pause()
        await burst(pilot, "end", "ctrl+u", "1", "5", "5")
        assert editor.input.value == "155"
        editor.input.value = "abcdefghijklmnop"
        await pilot.pause()
        await burst(pilot, "end", *["backspace"] * 10)
        assert editor.input.value == "abcdef"


async def test_an_emptied_number_is_refused_not_saved_as_zero(make_app, full_store):
    """5: clearing a number that had a value names the field; it is never saved silently as 0."""
    services = full_store.services
    app = make_app("dt.harbourside", opened=full_store)
    section, field = "shared.attendance", "sessions_unauthorised_absence"
    summary = editable_child(services, app.principal)
    pep = services.peps.get(app.principal, summary["child_id"], summary["current_pep_id"])
    data = {**pep.section(section), "sessions_possible": 100, "sessions_present": 80, field: 12}
    services.peps.save_section(app.principal, summary["child_id"], pep.id, section, data, expected_revision=pep.revision)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, section)
        editor = form.find_editor(field)
        editor.focus_input()
        await pilot.pause()
        await burst(pilot, "end", "ctrl+u", "ctrl+s")
        assert stored(services, app.principal, summary, section)[field] == 12
        assert editor.has_class("-invalid")
        assert screen.dirty_forms


async def test_a_paste_containing_escape_keeps_its_place_among_typed_keys(make_app, tui_store):
    """7: `` PP `` typed, then a paste with ESC sequences, then more keys: stored in that order."""
    from textual import events

    services = tui_store.services
    app = make_app("dt.harbourside")
    async with app.run_test(size=(80, 24)) as pilot:
        _summary, _screen, editor = await _about_field(pilot, app, services, "strengths")
        editor.input.text = ""
        await pilot.pause()
        for key in ("space", "P", "P", "space"):
            app._driver.send_message(key_event(key))
        app._driver.send_message(events.Paste("\x1b[31mQQ\x1b[0m RR"))
        await burst(pilot, "space", "S")
        assert editor.input.text == " PP \x1b[31mQQ\x1b[0m RR S"


# --- 8: what the family, the young person and the carer see ------------------------------------------


def _child_with_family(services):
    vs = services.principal_for("vs.head")
    for summary in services.children.list(vs):
        if summary.get("family_access") and summary.get("carer") and summary.get("school_name"):
            return summary
    raise AssertionError("the sample has no child with family access, a carer and a school")


def test_a_parent_cannot_see_the_placement_until_the_social_worker_decides(tui_store):
    import pytest

    from pep_tui.services import PermissionDenied

    services = tui_store.services
    summary = _child_with_family(services)
    parent = services.principal_for(summary["family_access"][0])
    child = services.children.get(services.principal_for("vs.head"), summary["child_id"])
    carer_name = services.store.get_staff(child.carer).display_name

    def seen() -> str:
        listed = next(s for s in services.children.list(parent) if s["child_id"] == child.id)
        return repr(listed) + repr(services.children.facts(parent, child.id))

    assert child.carer not in seen() and carer_name not in seen() and child.school_name not in seen()
    assert (child.upn or "UPN?") not in seen()
    with pytest.raises(PermissionDenied):  # the family cannot decide it for themselves
        services.children.set_family_sees_placement(parent, child.id, True, expected_revision=child.revision)
    with pytest.raises(PermissionDenied):
        services.children.update(parent, child.id, {"family_sees_placement": True}, expected_revision=child.revision)
    other_sw = next(m for m in services.store.list_staff() if "social_worker" in m.roles and m.login != child.social_worker)
    with pytest.raises(PermissionDenied):  # nor another social worker
        services.children.set_family_sees_placement(services.principal_for(other_sw.login, "social_worker"), child.id,
                                                    True, expected_revision=child.revision)
    sw = services.principal_for(child.social_worker, "social_worker")
    services.children.set_family_sees_placement(sw, child.id, True, expected_revision=child.revision)
    assert carer_name in seen() and child.school_name in seen()
    assert (child.upn or "UPN?") not in seen()  # identifiers stay with staff


async def test_parent_young_person_and_carer_views_show_nothing_of_the_placement(make_app, tui_store, snapshot):
    """Snapshots at 80x24: the family's, the young person's and the carer's child screens."""
    services = tui_store.services
    vs = services.principal_for("vs.head")
    everyone = [services.children.get(vs, s["child_id"]) for s in services.children.list(vs)]
    family_child = services.children.get(vs, _child_with_family(services)["child_id"])
    own_child = next(c for c in everyone if c.young_person_login and c.carer)
    placed_child = next(c for c in everyone if c.carer and c.school_name)
    for login, role, child, name in ((family_child.family_access[0], "parent", family_child, "parent"),
                                     (own_child.young_person_login, "child", own_child, "young_person"),
                                     (placed_child.carer, "carer", placed_child, "carer")):
        app = make_app(login, role)
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_child(child.id)
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, ChildScreen)
            text = screen_text(app)
            for secret in (child.upn, child.iro, child.carer, child.young_person_login, child.social_worker):
                assert not secret or secret not in text, (name, secret)
            assert "QA " not in text  # the Virtual School's rating is staff wording
            if role == "parent":
                assert services.store.get_staff(child.carer).display_name not in text
                assert child.school_name not in text
            snapshot(app, f"child_{name}_80x24")


# --- 4: dates that must lie ahead, or within the PEP's term -------------------------------------------


def test_a_target_review_date_in_2020_is_an_error_naming_the_field(full_store):
    from datetime import date

    from pep_tui.plugins.api import Severity

    services = full_store.services
    dt = services.principal_for("dt.harbourside")
    summary = editable_child(services, dt)
    pep = services.peps.get(dt, summary["child_id"], summary["current_pep_id"])
    targets = pep.section("shared.targets") or {"targets": []}
    target = {"id": "t_old", "area": "academic", "need": "Reading", "description": "Read a chapter book",
              "success_measure": "Reads aloud", "owner": "Teacher", "actions": "Daily reading", "frequency": "daily",
              "review_date": date(2020, 1, 1).isoformat()}
    pep = services.peps.save_section(dt, summary["child_id"], pep.id, "shared.targets",
                                     {**targets, "targets": [*targets.get("targets", []), target]},
                                     expected_revision=pep.revision)
    meeting = {**pep.section("shared.meeting"), "meeting_date": "2020-01-01"}
    services.peps.save_section(dt, summary["child_id"], pep.id, "shared.meeting", meeting, expected_revision=pep.revision)
    findings = services.peps.validate(dt, summary["child_id"], pep.id)
    index = len(targets.get("targets", []))
    review = [f for f in findings if f.field == f"targets.{index}.review_date" and f.severity is Severity.ERROR]
    assert review and "01 Jan 2020" in review[0].message
    assert any(f.field == "meeting_date" and f.severity is Severity.ERROR and "outside" in f.message for f in findings)


async def test_the_iro_note_refuses_a_review_date_that_has_passed(full_store):
    from datetime import date

    import pytest

    from pep_tui.services import InvalidInput
    from pep_tui.tui.app import PepApp
    from pep_tui.tui.screens.dialogs import NoteDialog

    services = full_store.services
    iro = services.principal_for("iro.ivy")
    summary = next(s for s in services.children.list(iro) if s["current_pep_id"])
    pep = services.peps.get(iro, summary["child_id"], summary["current_pep_id"])
    with pytest.raises(InvalidInput, match="has passed"):
        services.workflow.add_review_note(iro, summary["child_id"], pep.id, "Check phonics", pep.revision,
                                          review_date=date(2020, 1, 1))
    app = PepApp(full_store, iro)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_child(summary["child_id"])
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("ctrl+g", "i")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, "Check phonics")
        await pilot.press("tab")
        await type_text(pilot, "01/01/2020")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        assert "has passed" in screen_text(app) and "Check phonics" in screen_text(app)


async def test_the_return_reason_reads_in_full_at_80_columns_and_in_findings_and_audit(make_app, tui_store):
    """6: the whole reason is on the PEP screen at 80x24, first in the findings, and in the audit trail."""
    services = tui_store.services
    vs = services.principal_for("vs.head")
    dt_app = make_app("dt.harbourside")
    summary = editable_child(services, dt_app.principal)
    pep = submitted(services, dt_app.principal, summary)
    reason = "Targets need review dates and the attendance section is missing this term's figures"
    services.workflow.return_pep(vs, summary["child_id"], pep.id, reason, expected_revision=pep.revision)
    summary = next(s for s in services.children.list(dt_app.principal) if s["child_id"] == summary["child_id"])
    async with dt_app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        assert " ".join(reason.split()[-4:]) in " ".join(screen_text(dt_app).split())
        await pilot.press("ctrl+l")
        await pilot.pause()
        first = screen.query_one("#findings").get_option_at_index(0)
        assert reason in str(first.prompt)
    events = services.audit.for_child(vs, summary["child_id"])
    assert any(e.action == "pep.return" and e.detail.get("reason") == reason for e in events)


# --- 9: filters and queues ---------------------------------------------------------------------------


def test_the_year_as_shown_filters_and_a_digit_does_not_match_upns(tui_store):
    from pep_tui.sample import SAMPLE_TODAY
    from pep_tui.tui.cohort_view import CohortView

    summaries = tui_store.services.children.list(tui_store.services.principal_for("vs.head"))
    view = CohortView(summaries, SAMPLE_TODAY)
    for typed in ("y4", "Y4", "4"):
        view.set_query(typed)
        shown = {view.summary(i)["year_group"] for i in range(len(view))}
        assert shown == {4}, typed
    view.set_query("9")
    assert {view.summary(i)["year_group"] for i in range(len(view))} == {9}
    upn = next(s["upn"] for s in summaries if s.get("upn"))
    view.set_query(upn[:6])
    assert any(view.summary(i)["upn"] == upn for i in range(len(view)))


async def test_the_qa_queue_keeps_its_place_after_a_rating_and_does_not_wrap(make_app, tui_store):
    from pep_tui.tui.screens.qa import QAQueueScreen

    services = tui_store.services
    app = make_app("vs.head")
    dt = services.principal_for("dt.harbourside")
    for summary in [s for s in services.children.list(dt) if s["current_status"] in ("in_progress", "returned")][:3]:
        submitted(services, dt, summary)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QAQueueScreen) and len(queue.rows) >= 3
        await pilot.press("up", "k")  # at the top: stays there, never wraps to the last row
        assert queue.query_one("#queue").highlighted == 0
        await pilot.press("j", "down")
        chosen = queue.rows[2]["child_id"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QARatingScreen)
        school = services.children.get(app.principal, chosen).school_name
        assert not school or school[:20] in screen_text(app)  # the school tells two same-named children apart
        await pilot.press("1", "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is queue
        assert queue.rows[queue.query_one("#queue").highlighted]["child_id"] == chosen


# --- limited terminals ----------------------------------------------------------------------------------


async def test_limited_terminals_get_the_plain_theme_and_ticks_read_without_colour(make_app, tui_store, monkeypatch):
    from pep_tui.tui.app import PLAIN_THEME
    from pep_tui.tui.terminal import TickBox, limited_terminal

    for term in ("linux", "vt100", "dumb"):
        assert limited_terminal({"TERM": term})
    assert limited_terminal({"TERM": "xterm-256color", "NO_COLOR": "1"})
    assert not limited_terminal({"TERM": "xterm-256color"})
    monkeypatch.setenv("TERM", "vt100")
    monkeypatch.delenv("NO_COLOR", raising=False)
    services = tui_store.services
    app = make_app("dt.harbourside")
    summary = editable_child(services, app.principal)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.plain and app.theme == PLAIN_THEME
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, "tuitest.about")
        box = form.find_editor("views_heard").input
        assert isinstance(box, TickBox)
        box.value = False
        box.focus()
        form.scroll_to_widget(box, animate=False)
        await pilot.pause()
        assert "[ ]" in screen_text(app) and "▐" not in screen_text(app)
        box.value = True
        await pilot.pause()
        assert "[x]" in screen_text(app)


async def test_an_approval_is_confirmed_then_undoable_for_a_few_seconds(make_app, tui_store):
    """Sign-offs: y confirms (naming the child), ctrl+z undoes within the window, nothing is recorded."""
    services = tui_store.services
    app = make_app("vs.head")
    summary = editable_child(services, app.principal)
    pep = submitted(services, app.principal, summary)
    services.qa.rate(app.principal, summary["child_id"], pep.id, "green", {}, "fine", {}, expected_revision=pep.revision)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        await pilot.press("ctrl+g", "a")
        await pilot.pause()
        assert summary["name"].split()[0] in app.screen.title_text
        await pilot.press("y")
        await pilot.pause()
        assert screen.pending_action is not None
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert screen.pending_action is None
        assert services.peps.get(app.principal, summary["child_id"], pep.id).status.value == "submitted"
        screen.undo_seconds = 0.05
        await pilot.press("ctrl+g", "a", "y")
        await pilot.pause(0.3)
        assert services.peps.get(app.principal, summary["child_id"], pep.id).status.value == "approved"


# --- also seen: jump to a field, adding an item, filtering the switch-role list -----------------------


async def test_f2_jumps_to_a_field_and_adding_an_item_focuses_it(make_app, tui_store):
    services = tui_store.services
    app = make_app("dt.harbourside")
    summary = editable_child(services, app.principal)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        form = await go_to_section(pilot, screen, "tuitest.goals")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await type_text(pilot, "add a")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and "Add a" in str(app.focused.label)
        await pilot.press("enter")  # add a goal: the new goal's first field has focus
        await pilot.pause()
        await pilot.pause()
        assert app.focused is not None and form in app.focused.ancestors
        assert not hasattr(app.focused, "label") or "Add a" not in str(app.focused.label)
        await pilot.press("f2")
        await pilot.pause()
        await type_text(pilot, "goal 1")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert any(getattr(a, "border_title", "") == "Goal 1" for a in app.focused.ancestors)


async def test_the_switch_role_list_narrows_as_you_type(make_app, tui_store):
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PickDialog)
        await type_text(pilot, "carer")
        await pilot.pause()
        assert dialog.shown and all("carer" in dialog._label(i).plain.lower() for i in dialog.shown)
        assert len(dialog.shown) < len(dialog.items)
        await pilot.press("enter")
        for _ in range(3):
            await pilot.pause()
        assert app.principal.role == "carer"


def test_typing_a_two_digit_year_after_one_digit_finds_it(tui_store):
    from pep_tui.sample import SAMPLE_TODAY
    from pep_tui.tui.cohort_view import CohortView

    summaries = tui_store.services.children.list(tui_store.services.principal_for("vs.head"))
    view = CohortView(summaries, SAMPLE_TODAY)
    for typed in ("y", "y1", "y12"):
        view.set_query(typed)
    assert len(view) and {view.summary(i)["year_group"] for i in range(len(view))} == {12}
