"""What needs whom, checked against the workflow: returned PEPs reach the school, submissions the
Virtual School, PEPs to start the social worker; the digest lists are the app's lists; scope holds."""

from __future__ import annotations

from pep_tui.services.needs import allocations


def by_kind(items, kind):
    return {(i.child_id, i.pep_id) for i in items if i.kind == kind}


def test_a_returned_pep_needs_the_designated_teacher_and_carries_the_reason(pep_services):
    services = pep_services
    vs = services.principal_for("vs.head")
    summary = next(s for s in services.children.list(vs) if s["current_status"] == "returned")
    dt_login = next(m.login for m in services.store.list_staff() if "designated_teacher" in m.roles
                    and summary["school_urn"] in m.scope.school_urns)
    dt = services.principal_for(dt_login)
    items = services.needs.for_principal(dt)
    assert (summary["child_id"], summary["current_pep_id"]) in by_kind(items, "resubmit")
    reason = services.needs.return_reason(dt, summary["child_id"], summary["current_pep_id"])
    assert reason == services.children.record(vs, summary["child_id"]).pep(summary["current_pep_id"]).return_reason
    # Another school's teacher is not told about this child.
    other = next(m.login for m in services.store.list_staff() if "designated_teacher" in m.roles
                 and summary["school_urn"] not in m.scope.school_urns and m.login != summary.get("designated_teacher"))
    assert summary["child_id"] not in {i.child_id for i in services.needs.for_principal(services.principal_for(other))}


def test_submissions_need_the_virtual_school_to_rate_then_approve(pep_services):
    services = pep_services
    vs = services.principal_for("vs.head")
    queue = services.qa.queue(vs)
    items = services.needs.for_principal(vs)
    assert by_kind(items, "rate") == {(r["child_id"], r["pep_id"]) for r in queue
                                      if r["waiting_for"] == "approve" and r["rating"] is None}
    assert by_kind(items, "approve") == {(r["child_id"], r["pep_id"]) for r in queue
                                         if r["waiting_for"] == "approve" and r["rating"] is not None}
    row = next(r for r in queue if r["rating"] is None)
    pep = services.children.record(vs, row["child_id"]).pep(row["pep_id"])
    services.qa.rate(vs, row["child_id"], row["pep_id"], "green", {}, "", {}, pep.revision)
    after = services.needs.for_principal(vs)
    assert (row["child_id"], row["pep_id"]) in by_kind(after, "approve")
    assert (row["child_id"], row["pep_id"]) not in by_kind(after, "rate")


def test_the_social_worker_is_told_to_start_peps_due_soon_on_their_caseload_only(pep_services):
    services = pep_services
    sw = services.principal_for("sw.amara")
    items = services.needs.for_principal(sw)
    starts = [i for i in items if i.kind == "start"]
    assert starts
    summaries = services.store.summaries()
    for item in items:
        assert allocations(summaries[item.child_id]).social_worker == "sw.amara"
    for item in starts:
        assert summaries[item.child_id]["current_status"] == "not_started"
    overdue = [i for i in items if i.overdue]
    assert items[: len(overdue)] == overdue  # overdue first


def test_each_digest_list_is_what_the_app_shows_that_person(pep_services):
    services = pep_services
    staff = services.store.list_staff()
    everyone = services.needs.for_everyone(staff)
    for member in staff:
        if len(member.roles) != 1:
            continue
        in_app = services.needs.for_principal(services.principal_for(member.login))
        assert [i.key for i in everyone.get(member.login, [])] == [i.key for i in in_app], member.login


def test_a_person_with_no_email_or_digest_off_gets_nothing_and_no_one_else_gets_their_items(with_emails):
    services = with_emails
    store = services.store
    ben = store.get_staff("sw.ben")
    store.save_staff(ben.model_copy(update={"email": None}), ben.revision, "test", "system")
    report = services.reminders.run()
    assert not any("sw.ben" in line for line in report.sent)
    assert any("sw.amara" in line for line in report.sent)
