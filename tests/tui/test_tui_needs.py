"""The home screen starts with what needs the person; the inbox opens the PEP at the right place; the
Virtual School sees overdue by school and social worker; a person chooses their own digest."""

from __future__ import annotations

from datetime import timedelta

from pep_tui.sample import SAMPLE_TODAY
from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.dialogs import PickDialog
from pep_tui.tui.screens.inbox import InboxScreen
from pep_tui.tui.screens.pep import PEPScreen
from pep_tui.tui.widgets.needs_panel import NeedsPanel


async def test_home_starts_with_what_needs_a_designated_teacher_and_enter_opens_it(make_app, tui_store):
    app = make_app("dt.moorland")
    expected = tui_store.services.needs.for_principal(app.principal)
    assert expected
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ChildrenScreen)
        panel = app.screen.query_one(NeedsPanel)
        text = str(panel.render())
        assert f"Needs you: {len(expected)}" in text
        assert expected[0].name in text and expected[0].what in text
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)
        first = next(i for i in app.screen.items if i.pep_id)
        index = app.screen.items.index(first)
        box = app.screen.query_one("#inbox")
        box.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PEPScreen)
        assert (app.screen.child_id, app.screen.pep_id) == (first.child_id, first.pep_id)


async def test_a_meeting_this_week_opens_the_pep_at_the_meeting_section(make_app, full_store):
    services = full_store.services
    vs = services.principal_for("vs.head")
    dt = services.principal_for("dt.moorland")
    summary = next(s for s in services.children.list(dt) if s["current_status"] == "in_progress")
    pep = services.children.record(vs, summary["child_id"]).pep(summary["current_pep_id"])
    meeting = dict(pep.section("shared.meeting"))
    meeting.update({"meeting_date": (SAMPLE_TODAY + timedelta(days=2)).isoformat(), "start_time": "09:30",
                    "next_meeting_date": None})
    services.peps.save_section(vs, summary["child_id"], pep.id, "shared.meeting", meeting, pep.revision)
    app = make_app("dt.moorland", opened=full_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        item = next(i for i in screen.items if i.kind == "meeting" and i.child_id == summary["child_id"])
        assert "09:30" in item.what
        screen.query_one("#inbox").highlighted = screen.items.index(item)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PEPScreen)
        assert app.screen.current_section() == "shared.meeting"


async def test_the_virtual_school_sees_overdue_by_school_and_by_social_worker(make_app, tui_store):
    services = tui_store.services
    services.ctx.clock = lambda: SAMPLE_TODAY + timedelta(days=30)
    app = make_app("vs.head")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        groups = screen.query_one("#overdue-groups")
        by_school = services.needs.overdue_by(app.principal, "school")
        shown = [r for r in by_school if r["overdue"]]
        assert shown and groups.option_count == len(shown)
        assert shown[0]["group"] in str(groups.get_option_at_index(0).prompt)
        await pilot.press("g")
        await pilot.pause()
        by_sw = [r for r in services.needs.overdue_by(app.principal, "social_worker") if r["overdue"]]
        assert by_sw[0]["group"] in str(groups.get_option_at_index(0).prompt)
        assert any(i.kind == "escalation" for i in screen.items)


async def test_a_social_worker_cannot_see_cohort_overdue_and_chooses_a_weekly_digest(make_app, tui_store):
    app = make_app("sw.amara")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        assert not screen.query_one("#overdue-groups").display
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert tui_store.services.store.get_staff("sw.amara").digest == "weekly"


async def test_a_large_cohort_fills_the_panel_after_the_first_paint(make_app, tui_store, monkeypatch):
    import pep_tui.tui.widgets.needs_panel as panel_module

    monkeypatch.setattr(panel_module, "BEFORE_FIRST_PAINT", 10)  # the 60-child sample counts as large
    monkeypatch.setattr(panel_module, "AFTER_FIRST_PAINT", 0.05)
    app = make_app("dt.moorland")
    expected = tui_store.services.needs.for_principal(app.principal)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one(NeedsPanel).render())
        assert f"Needs you: {len(expected)}" in text and expected[0].what in text
