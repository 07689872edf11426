"""PEP meeting invitations: sent over real SMTP, parsed back with icalendar; updates keep the UID,
cancellations cancel; a training sandbox writes files and opens no connection."""

from __future__ import annotations

import re
import smtplib
import socket
from datetime import datetime, timedelta

from reminder_helpers import free_port, mail_settings, use_mail

from pep_tui.cli import main
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.services.invitations import LONDON, meeting_uid
from pep_tui.services.mailer import SMTPOutbox

INVITEES = ["dt.one@school.example", "carer.two@people.example"]


def editable_child(services):
    vs = services.principal_for("vs.head")
    for summary in services.children.list(vs):
        if summary["current_status"] in ("in_progress", "returned"):
            return vs, summary["child_id"], summary["current_pep_id"]
    raise AssertionError("no PEP being written in the sample")


def schedule(services, principal, child_id, pep_id, **changes):
    record = services.children.record(principal, child_id)
    pep = record.pep(pep_id)
    meeting = dict(pep.section("shared.meeting"))
    meeting.update({
        "meeting_date": (SAMPLE_TODAY + timedelta(days=7)).isoformat(), "start_time": "10:00", "end_time": "11:00",
        "place": "Room 4", "link": "", "cancelled": False, "next_meeting_date": None,
        "attendees": [{"name": "Designated teacher", "role": "designated teacher", "email": INVITEES[0]},
                      {"name": "Carer", "role": "carer", "email": INVITEES[1]},
                      {"name": "No email", "role": "young person"}],
    })
    meeting.update(changes)
    services.peps.save_section(principal, child_id, pep_id, "shared.meeting", meeting, pep.revision)


def calendars(messages):
    from icalendar import Calendar

    out = []
    for message in messages:
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        out.append((message["To"], Calendar.from_ical(part.get_payload(decode=True))))
    return out


def event_of(calendar):
    return next(c for c in calendar.walk() if c.name == "VEVENT")


def run(services):
    return services.reminders.run(outbox=SMTPOutbox(services.ctx.settings.mail))


def test_invitations_update_the_same_event_and_cancel_it(pep_services, smtp_server):
    services = pep_services
    received, port = smtp_server()
    use_mail(services, mail_settings(port))
    principal, child_id, pep_id = editable_child(services)
    schedule(services, principal, child_id, pep_id)
    run(services)
    sent = calendars(received.messages)
    assert sorted(to for to, _ in sent) == sorted(INVITEES)
    for to, cal in sent:
        event = event_of(cal)
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == meeting_uid(pep_id)
        assert int(event["SEQUENCE"]) == 0
        start = event.decoded("DTSTART")
        assert start == datetime(2026, 2, 16, 10, 0, tzinfo=LONDON)
        assert event.decoded("DTEND") - start == timedelta(hours=1)
        assert str(event["LOCATION"]) == "Room 4"
        assert [str(a) for a in ([event["ATTENDEE"]] if not isinstance(event["ATTENDEE"], list) else event["ATTENDEE"])] == [f"mailto:{to}"]
    # No child's name or UPN in the invitations.
    child = services.children.record(principal, child_id).child
    raw = "\n".join(m.as_string() for m in received.messages)
    for word in (child.first_name, child.last_name, child.upn):
        if word:
            assert not re.search(rf"\b{re.escape(word)}\b", raw)

    received.messages.clear()
    run(services)
    assert received.messages == []  # unchanged: nothing sent again

    schedule(services, principal, child_id, pep_id, start_time="14:30", end_time="")
    run(services)
    moved = calendars(received.messages)
    assert sorted(to for to, _ in moved) == sorted(INVITEES)
    for _, cal in moved:
        event = event_of(cal)
        assert str(event["UID"]) == meeting_uid(pep_id) and int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == datetime(2026, 2, 16, 14, 30, tzinfo=LONDON)
        assert event.decoded("DTEND") == datetime(2026, 2, 16, 15, 30, tzinfo=LONDON)  # the default hour
    assert str(received.messages[0]["Subject"]).strip().startswith("Updated: [TRAINING] PEP meeting")

    received.messages.clear()
    schedule(services, principal, child_id, pep_id, start_time="14:30", end_time="", cancelled=True)
    run(services)
    cancelled = calendars(received.messages)
    assert sorted(to for to, _ in cancelled) == sorted(INVITEES)
    for _, cal in cancelled:
        assert str(cal["METHOD"]) == "CANCEL"
        event = event_of(cal)
        assert str(event["UID"]) == meeting_uid(pep_id) and str(event["STATUS"]) == "CANCELLED"
    received.messages.clear()
    run(services)
    assert received.messages == []
    audited = [e for e in services.store.audit.store_events() if e.action == "reminders.invitation.sent"]
    assert [e.detail["sequence"] for e in audited] == [0, 1, 2]


def test_an_invitee_taken_off_the_list_gets_a_cancellation(pep_services, smtp_server):
    services = pep_services
    received, port = smtp_server()
    use_mail(services, mail_settings(port))
    principal, child_id, pep_id = editable_child(services)
    schedule(services, principal, child_id, pep_id)
    run(services)
    received.messages.clear()
    schedule(services, principal, child_id, pep_id,
             attendees=[{"name": "Designated teacher", "role": "designated teacher", "email": INVITEES[0]}])
    run(services)
    by_address = {to: str(cal["METHOD"]) for to, cal in calendars(received.messages)}
    assert by_address == {INVITEES[0]: "REQUEST", INVITEES[1]: "CANCEL"}


def test_a_failed_invitation_is_retried_next_run(pep_services, smtp_server):
    services = pep_services
    principal, child_id, pep_id = editable_child(services)
    schedule(services, principal, child_id, pep_id)
    use_mail(services, mail_settings(free_port()))  # nothing listening
    report = run(services)
    assert report.partial and not any("invitation" in s for s in report.sent)
    received, port = smtp_server()
    use_mail(services, mail_settings(port))
    run(services)
    assert sorted(to for to, _ in calendars(received.messages)) == sorted(INVITEES)


def test_a_sandbox_writes_messages_to_its_folder_and_opens_no_connection(pep_store, monkeypatch, capsys):
    services = pep_store.services
    for member in services.store.list_staff():
        services.store.save_staff(member.model_copy(update={"email": f"{member.login}@council.example"}),
                                  member.revision, "test", "system")
    principal, child_id, pep_id = editable_child(services)
    schedule(services, principal, child_id, pep_id)  # the sandbox's own date, as in the app
    folder = pep_store.settings.data_dir
    (folder / "settings.toml").write_text('[mail]\nhost = "127.0.0.1"\nport = 2525\nfrom = "x@council.example"\n')

    def no_connection(*args, **kwargs):
        raise AssertionError("a training sandbox opened a network connection")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    monkeypatch.setattr(smtplib.SMTP, "connect", no_connection)
    assert main(["remind", "--data-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Training sandbox: nothing was sent" in out and str(folder / "outbox") in out
    written = sorted((folder / "outbox").glob("*.eml"))
    texts = [p.read_text() for p in written]
    assert any("[TRAINING] pep-tui:" in t for t in texts)
    assert sum("text/calendar" in t for t in texts) == len(INVITEES)
    assert all((p.stat().st_mode & 0o077) == 0 for p in written)
    assert main(["remind", "--data-dir", str(folder)]) == 0  # a re-run writes nothing new
    assert len(list((folder / "outbox").glob("*.eml"))) == len(written)
