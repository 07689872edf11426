"""Escalation after the configured working days, weekly digests and each person's own digest choice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pep_tui.domain import StaffMember
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.services import InvalidInput
from pep_tui.services.needs import allocations
from pep_tui.settings import ReminderSettings


def set_reminders(services, **values):
    services.ctx.settings = services.ctx.settings.model_copy(update={"reminders": ReminderSettings(**values)})


def overdue_working_days(services, summary, today):
    due = date.fromisoformat(summary["next_due"]) if summary.get("next_due") else None
    if due is None or due >= today:
        return 0
    return services.ctx.settings.policy.calendar().between(due, today)


def test_items_overdue_beyond_the_limit_go_to_the_virtual_school_and_the_managers(with_emails):
    services = with_emails
    store = services.store
    store.save_staff(StaffMember(login="tm.lead", display_name="Team manager (fictional)", roles=["social_worker"],
                                 email="tm.lead@council.example"), None, "test", "system")
    amara = store.get_staff("sw.amara")
    store.save_staff(amara.model_copy(update={"manager": "tm.lead"}), amara.revision, "test", "system")
    later = SAMPLE_TODAY + timedelta(days=21)
    services.ctx.clock = lambda: later
    set_reminders(services, escalate_after_working_days=5, escalate_to=["vs.head"])
    everyone = services.needs.for_everyone(store.list_staff())

    summaries = list(store.summaries().values())
    beyond = {s["child_id"] for s in summaries if overdue_working_days(services, s, later) > 5}
    amaras = {s["child_id"] for s in summaries if allocations(s).social_worker == "sw.amara"}
    assert beyond and beyond & amaras and beyond - amaras

    def escalated(login):
        return {i.child_id for i in everyone.get(login, []) if i.kind == "escalation"}

    assert escalated("vs.head") == beyond
    assert escalated("tm.lead") == beyond & amaras  # only their own team's children
    assert escalated("vs.adviser") == set()  # escalate_to names who gets them
    assert all(i.overdue_days > 5 for i in everyone["vs.head"] if i.kind == "escalation")
    # A day's grace more and fewer are escalated; with no limit reached, none.
    set_reminders(services, escalate_after_working_days=400, escalate_to=["vs.head"])
    assert not [i for i in services.needs.for_everyone(store.list_staff()).get("vs.head", []) if i.kind == "escalation"]


def test_escalations_default_to_every_virtual_school_member_with_an_email(with_emails):
    services = with_emails
    services.ctx.clock = lambda: SAMPLE_TODAY + timedelta(days=21)
    set_reminders(services, escalate_after_working_days=5)
    everyone = services.needs.for_everyone(services.store.list_staff())
    head = {i.key for i in everyone["vs.head"] if i.kind == "escalation"}
    adviser = {i.key for i in everyone["vs.adviser"] if i.kind == "escalation"}
    assert head and head == adviser
    digest = [m for m in services.reminders.run().sent if "vs.head" in m]
    assert digest


def test_weekly_digests_go_once_a_week_on_the_chosen_day(with_emails):
    services = with_emails
    store = services.store
    moorland = store.get_staff("dt.moorland")
    store.save_staff(moorland.model_copy(update={"digest": "weekly"}), moorland.revision, "test", "system")
    set_reminders(services, weekly_on="wednesday")
    monday = SAMPLE_TODAY  # a Monday
    assert monday.weekday() == 0
    report = services.reminders.run(only_login="dt.moorland")
    assert report.sent == []  # before Wednesday
    services.ctx.clock = lambda: monday + timedelta(days=2)
    assert [s for s in services.reminders.run(only_login="dt.moorland").sent if s.startswith("digest")]
    services.ctx.clock = lambda: monday + timedelta(days=3)  # Thursday, same week: already sent
    again = services.reminders.run(only_login="dt.moorland")
    assert not [s for s in again.sent if s.startswith("digest")] and "2026-W07" in again.skipped[0]
    services.ctx.clock = lambda: monday + timedelta(days=9)  # next week's Wednesday
    assert [s for s in services.reminders.run(only_login="dt.moorland").sent if s.startswith("digest")]


def test_a_person_chooses_their_own_digest_and_none_stops_it(with_emails):
    services = with_emails
    me = services.principal_for("sw.amara")
    assert services.needs.set_digest(me, "none").digest == "none"
    assert services.store.get_staff("sw.amara").digest == "none"
    assert services.reminders.run(only_login="sw.amara").sent == []
    with pytest.raises(InvalidInput, match="daily, weekly or none"):
        services.needs.set_digest(me, "hourly")
    # The choice is one's own: there is no way to set another person's through this service.
    assert services.store.get_staff("sw.ben").digest == "daily"
    events = [e for e in services.store.audit.store_events() if e.action == "staff.save" and e.actor == "sw.amara"]
    assert [e.detail["login"] for e in events] == ["sw.amara"]


def test_an_invalid_staff_email_is_refused_naming_the_field(pep_services):
    admin = pep_services.principal_for("vs.head")
    with pytest.raises(InvalidInput, match="email"):
        pep_services.staff.add(admin, {"login": "new.person", "display_name": "New", "roles": ["social_worker"],
                                       "email": "not an address"})
