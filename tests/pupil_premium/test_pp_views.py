"""The Virtual School decides from the keyboard: one key per decision, and the ledger changes."""

from __future__ import annotations

from textual.app import App

from pep_tui.domain import SectionData
from pep_tui_plugins.pupil_premium.models import REQUESTS_SECTION, RequestStatus
from pep_tui_plugins.pupil_premium.money import Period
from pep_tui_plugins.pupil_premium.service import funding_of
from pep_tui_plugins.pupil_premium.views import (
    BudgetDashboardScreen,
    ChildHistoryScreen,
    DecisionQueueScreen,
)


class Host(App[None]):
    def __init__(self, screen) -> None:
        super().__init__()
        self.first = screen

    def on_mount(self) -> None:
        self.push_screen(self.first)


def status(cohort, child_id, pep_id, request_id):
    decision = funding_of(cohort.store.load_child(child_id).pep(pep_id)).decisions.get(request_id)
    return decision.status if decision else None


async def test_queue_keys_approve_and_decline(cohort, pp, as_login):
    vs = as_login("vs.head")
    before = pp.budget.ledger(vs, Period.financial("2025-26")).allocated_pence
    screen = DecisionQueueScreen(cohort, vs)
    async with Host(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert screen.items
        screen.undo_seconds = 0.05  # the undo window, shortened for the test
        first = screen.current
        await pilot.press("a", "enter")
        await pilot.pause(0.2)
        assert status(cohort, first.child_id, first.pep_id, first.request.id) in (
            RequestStatus.APPROVED, RequestStatus.AWAITING_SECOND_APPROVAL)
        target = screen.current
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"Met from the school's own budget [bold]x[/]")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert status(cohort, target.child_id, target.pep_id, target.request.id) is RequestStatus.DECLINED
        reason = funding_of(cohort.store.load_child(target.child_id).pep(target.pep_id)).decisions[target.request.id].steps[-1].reason
        assert reason == "Met from the school's own budget [bold]x[/]"
    after = pp.budget.ledger(vs, Period.financial("2025-26")).allocated_pence
    if status(cohort, first.child_id, first.pep_id, first.request.id) is RequestStatus.APPROVED:
        assert after - before == first.requested_pence


async def test_queue_refuses_the_same_approver_twice_with_a_message(cohort, pp, pending_request, as_login):
    child_id, pep_id, request_id = pending_request(amount="2000.00")
    pp.decide(as_login("vs.adviser"), child_id, pep_id, request_id, "approve")
    screen = DecisionQueueScreen(cohort, as_login("vs.adviser"))
    async with Host(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        index = next(i for i, v in enumerate(screen.items) if v.request.id == request_id)
        screen.query_one("DataTable").move_cursor(row=index)
        screen.undo_seconds = 0.05
        await pilot.press("a", "enter")
        await pilot.pause(0.2)
        assert status(cohort, child_id, pep_id, request_id) is RequestStatus.AWAITING_SECOND_APPROVAL


async def test_budget_dashboard_and_history_open(cohort, pp, as_login):
    vs = as_login("vs.head")
    dashboard = BudgetDashboardScreen(cohort, vs)
    async with Host(dashboard).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert dashboard.period.kind == "fy"
        await pilot.press("y")
        assert dashboard.period.kind == "ay"
        await pilot.press("c")
        assert dashboard.by_child
    history = ChildHistoryScreen(cohort, vs)
    async with Host(history).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert history.shown
        with_requests = next(i for i, s in enumerate(history.shown) if pp.history(vs, s["child_id"]))
        await pilot.press(*history.shown[with_requests]["name"][:40])
        await pilot.press("enter")
        await pilot.pause()
        table = history.query_one("#pp-history")
        assert table.row_count >= 1


async def test_user_text_is_shown_literally(cohort, pp, setup, as_login):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    typed = "[bold red]Tuition[/]"
    saved, _ = pp.add_request(as_login("dt.larkspur"), child_id, pep.id, setup.request_data(targets, intervention=typed),
                              pep.revision)
    # Input refuses control characters, so plant one in the stored data to prove output is safe too.
    text = typed + " \x1b[2J"
    requests = saved.section(REQUESTS_SECTION)
    requests["requests"][-1]["intervention"] = text
    planted = saved.model_copy(update={"sections": {**saved.sections, REQUESTS_SECTION: SectionData(data=requests)}})
    cohort.store.save_pep(planted, saved.revision, "test", "virtual_school")
    setup.set_status(child_id, pep.id, setup.latest_pep(child_id).status.__class__("submitted"))
    screen = DecisionQueueScreen(cohort, as_login("vs.head"))
    async with Host(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        index = next(i for i, v in enumerate(screen.items) if v.request.intervention == text)
        screen.query_one("DataTable").move_cursor(row=index)
        await pilot.pause()
        shown = str(screen.query_one("#pp-detail").render())
        assert "[bold red]Tuition[/]" in shown
        assert "\x1b" not in shown and "\\x1b[2J" in shown


async def test_pp_screens_warn_when_a_years_rate_is_carried_forward(cohort, pp, as_login):
    from datetime import date

    from pep_tui.tui.text import clean

    vs = as_login("vs.head")
    cohort.ctx.clock = lambda: date(2026, 12, 7)  # financial year 2026-27: no rate set by default
    expected = "No PP+ rate is set for 2026-27: using £2,630.00, the rate for 2025-26"
    dashboard = BudgetDashboardScreen(cohort, vs)
    async with Host(dashboard).run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert expected in str(dashboard.query_one("#pp-summary").render())
    queue = DecisionQueueScreen(cohort, vs)
    async with Host(queue).run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert expected in clean(str(queue.query_one("#pp-title").render()))
    cohort.ctx.clock = lambda: date(2025, 12, 7)  # 2025-26 has its rate: no PP+ rate warning
    queue = DecisionQueueScreen(cohort, vs)
    async with Host(queue).run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert "No PP+ rate" not in str(queue.query_one("#pp-title").render())


async def test_an_approval_is_confirmed_and_can_be_undone_before_it_is_recorded(cohort, pp, as_login):
    """A keypress never spends money at once: a names the child and the amount, enter confirms, u undoes."""
    screen = DecisionQueueScreen(cohort, as_login("vs.head"))
    async with Host(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        item = screen.current
        before = status(cohort, item.child_id, item.pep_id, item.request.id)
        await pilot.press("a")
        await pilot.pause()
        dialog = pilot.app.screen
        assert item.child_name in dialog.title_text and "£" in dialog.title_text
        await pilot.press("enter")
        await pilot.pause()
        assert screen.pending is not None
        assert status(cohort, item.child_id, item.pep_id, item.request.id) == before
        await pilot.press("u")
        await pilot.pause()
        assert screen.pending is None
        assert status(cohort, item.child_id, item.pep_id, item.request.id) == before
        await pilot.press("a", "enter", "escape")  # leaving records a decision still undoable
        await pilot.pause()
    assert status(cohort, item.child_id, item.pep_id, item.request.id) in (
        RequestStatus.APPROVED, RequestStatus.AWAITING_SECOND_APPROVAL)
    assert status(cohort, item.child_id, item.pep_id, item.request.id) != before or before is None


async def test_declining_with_an_empty_reason_keeps_the_dialog_open(cohort, pp, as_login):
    screen = DecisionQueueScreen(cohort, as_login("vs.head"))
    async with Host(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        item = screen.current
        await pilot.press("d", "enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert dialog is not screen and "needed" in str(dialog.query_one("#prompt-error").render())
        await pilot.press(*"Funded by school", "enter", "escape")
        await pilot.pause()
    assert status(cohort, item.child_id, item.pep_id, item.request.id) is RequestStatus.DECLINED
