"""Reminder digests through a real SMTP server on 127.0.0.1: the right people, the right items, no names."""

from __future__ import annotations

import os
import re
import socket
from datetime import date, timedelta
from pathlib import Path

import pytest
from reminder_helpers import free_port, mail_settings, use_mail

from pep_tui.bootstrap import create_services, open_services
from pep_tui.cli import main
from pep_tui.cli.exit_codes import PARTIAL
from pep_tui.services.mailer import MailSetupError, SMTPOutbox
from pep_tui.services.reminders import DIGESTS, NAMESPACE
from pep_tui.store.plugin_documents import PluginDocuments


def sent_log(services) -> dict:
    return PluginDocuments(services.store, NAMESPACE).read(DIGESTS).data.get("sent", {})


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_each_person_gets_one_digest_with_their_items_and_no_child_named(with_emails, smtp_server):
    services = with_emails
    received, port = smtp_server()
    use_mail(services, mail_settings(port))
    expected = services.needs.for_everyone(services.store.list_staff())
    report = services.reminders.run(outbox=SMTPOutbox(services.ctx.settings.mail))
    assert not report.failed
    assert sorted(m["To"] for m in received.messages) == sorted(f"{login}@council.example" for login in expected)
    dt = received.to("dt.moorland@council.example")
    assert len(dt) == 1
    text = body(dt[0])
    for item in expected["dt.moorland"]:
        assert f"{item.initials}, {item.year_label}: {item.what}" in text
    assert text.count("\n  - ") == len(expected["dt.moorland"])
    assert "overdue" in dt[0]["Subject"] or not any(i.overdue for i in expected["dt.moorland"])
    # Nothing identifies a child beyond initials and year group: no name, no UPN, in any message.
    everything = "\n".join(m["Subject"] + "\n" + body(m) for m in received.messages)
    for summary in services.store.summaries().values():
        for word in (summary["first_name"], summary["last_name"], summary["name"], summary.get("upn")):
            if word:
                assert not re.search(rf"\b{re.escape(word)}\b", everything), "a child's name or UPN was emailed"
    # The sent-log names who got which period's digest, and the store's audit trail records each.
    assert set(sent_log(services)) == {f"{login}|2026-02-09" for login in expected}
    audited = [e for e in services.store.audit.store_events() if e.action == "reminders.digest.sent"]
    assert sorted(e.detail["login"] for e in audited) == sorted(expected)


def test_a_second_run_the_same_day_sends_nothing(with_emails, smtp_server):
    services = with_emails
    received, port = smtp_server()
    use_mail(services, mail_settings(port))
    services.reminders.run(outbox=SMTPOutbox(services.ctx.settings.mail))
    first = len(received.messages)
    assert first > 0
    again = services.reminders.run(outbox=SMTPOutbox(services.ctx.settings.mail))
    assert len(received.messages) == first
    assert not again.sent and len(again.skipped) == first


def test_detail_none_sends_counts_only(with_emails, smtp_server):
    services = with_emails
    received, port = smtp_server()
    use_mail(services, mail_settings(port, detail="none"))
    expected = services.needs.for_everyone(services.store.list_staff())
    services.reminders.run(outbox=SMTPOutbox(services.ctx.settings.mail))
    text = body(received.to("dt.moorland@council.example")[0])
    for item in expected["dt.moorland"]:
        assert item.initials not in text
    assert f"{len(expected['dt.moorland'])} item(s)" in text


def test_starttls_with_a_test_certificate_and_login(with_emails, smtp_server, test_certificate, tmp_path):
    services = with_emails
    received, port = smtp_server(tls=True, auth=("pepmail", "s3cret-for-tests"))
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret-for-tests\n")
    secret.chmod(0o600)
    use_mail(services, mail_settings(port, tls="starttls", allow_plain=False, ca_file=str(test_certificate[0]),
                                     username="pepmail", password_file=str(secret)))
    report = services.reminders.run(only_login="sw.amara")
    # The sandbox writes to its folder: send through the relay explicitly to test the TLS path.
    assert report.folder is not None
    report = services.reminders.run(only_login="dt.moorland", outbox=SMTPOutbox(services.ctx.settings.mail))
    assert not report.failed
    assert [m["To"] for m in received.messages] == ["dt.moorland@council.example"]


def test_an_untrusted_certificate_is_refused_and_nothing_is_marked_sent(with_emails, smtp_server):
    services = with_emails
    _, port = smtp_server(tls=True)
    use_mail(services, mail_settings(port, tls="starttls", allow_plain=False))  # the system's CAs only
    report = services.reminders.run(outbox=SMTPOutbox(services.ctx.settings.mail))
    assert report.partial and "TLS" in report.failed[0]
    assert sent_log(services) == {}


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the test relay is plain SMTP
def test_a_refused_login_marks_nothing_sent_and_the_next_run_sends(with_emails, smtp_server, tmp_path):
    services = with_emails
    received, port = smtp_server(auth=("pepmail", "right"))
    secret = tmp_path / "smtp-password"
    secret.write_text("wrong")
    secret.chmod(0o600)
    use_mail(services, mail_settings(port, username="pepmail", password_file=str(secret)))
    report = services.reminders.run(outbox=SMTPOutbox(services.ctx.settings.mail))
    assert report.partial and not report.sent
    assert "refused the login" in report.failed[0] and "wrong" not in " ".join(report.failed)
    assert received.messages == [] and sent_log(services) == {}
    secret.write_text("right")
    retry = services.reminders.run(outbox=SMTPOutbox(services.ctx.settings.mail))
    assert not retry.failed and retry.sent and len(received.messages) == len(retry.sent)


def test_a_password_file_others_may_read_is_refused(tmp_path):
    secret = tmp_path / "smtp-password"
    secret.write_text("x")
    secret.chmod(0o640)
    with pytest.raises(MailSetupError, match="password_file.*chmod 600"):
        SMTPOutbox(mail_settings(25, username="u", password_file=str(secret)))


def test_the_password_itself_is_refused_in_settings():
    with pytest.raises(ValueError, match="password: not allowed"):
        mail_settings(25, password="hunter2")


def test_plain_smtp_only_to_localhost_when_allowed():
    with pytest.raises(ValueError, match="allow_plain"):
        mail_settings(25, allow_plain=False)
    with pytest.raises(ValueError, match="only for a relay on localhost"):
        mail_settings(25, host="relay.council.example")


def _live_store_with_an_overdue_child(folder: Path, port: int) -> None:
    opened = create_services(folder, "live")
    services = opened.services
    admin = services.staff.bootstrap_admin("vs.admin", "Virtual School admin")
    services.store.save_staff(admin.model_copy(update={"email": "vs.admin@council.example"}), admin.revision,
                              "vs.admin", "virtual_school")
    principal = services.principal_for("vs.admin")
    services.children.create(principal, {"first_name": "Testa", "last_name": "Overdue",
                                         "date_of_birth": "2015-03-01",
                                         "date_entered_care": (date.today() - timedelta(days=120)).isoformat()})
    (folder / "settings.toml").write_text(
        f'[mail]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\nallow_plain = true\n'
        f'from = "pep-reminders@council.example"\ntimeout_seconds = 5\n')


def test_a_refused_connection_exits_partial_and_marks_nothing_sent(tmp_path, capsys, smtp_server):
    folder = tmp_path / "live"
    closed = free_port()  # nothing listens here: the relay refuses the connection
    _live_store_with_an_overdue_child(folder, closed)
    assert main(["remind", "--data-dir", str(folder)]) == PARTIAL
    out = capsys.readouterr().out
    assert "FAILED digest vs.admin: cannot connect to the relay 127.0.0.1" in out and "Overdue" not in out
    assert sent_log(open_services(folder).services) == {}
    # Once the relay is back, the next run sends what failed.
    received, port = smtp_server()
    text = (folder / "settings.toml").read_text().replace(f"port = {closed}", f"port = {port}")
    (folder / "settings.toml").write_text(text)
    assert main(["remind", "--data-dir", str(folder)]) == 0
    assert [m["To"] for m in received.messages] == ["vs.admin@council.example"]
    assert "Testa" not in body(received.messages[0]) and "T.O." in body(received.messages[0])


def test_dry_run_sends_and_records_nothing(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "live"
    _live_store_with_an_overdue_child(folder, free_port())

    def no_connection(*args, **kwargs):
        raise AssertionError("a dry run opened a connection")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    assert main(["remind", "--data-dir", str(folder), "--dry-run"]) == 0
    assert "would send digest to vs.admin" in capsys.readouterr().out
    assert sent_log(open_services(folder).services) == {}
    assert os.listdir(folder / "audit")  # the store is untouched beyond opening it


def test_a_second_run_at_the_same_time_is_refused_and_sends_nothing(with_emails, smtp_server):
    from pep_tui.store.errors import StoreBusy
    from pep_tui.store.locks import partition_lock

    services = with_emails
    received, port = smtp_server()
    use_mail(services, mail_settings(port))
    running = partition_lock(services.store.locks_dir, "reminders.run")
    with running, pytest.raises(StoreBusy, match="another 'pep-tui remind' is running"):
        services.reminders.run(outbox=SMTPOutbox(services.ctx.settings.mail))
    assert received.messages == [] and sent_log(services) == {}
