"""``pep-tui remind``: the "needs you" digests and the PEP meeting invitations, each sent once.

What needs whom comes from :class:`~pep_tui.services.needs.NeedsService`; only what was *sent* is
stored, in the store's plugin documents (``plugin_documents/reminders/``), through the store's safe
write path (locked, atomic, audited as ``reminders.digest.sent`` and ``reminders.invitation.sent``):

* ``digests``: for each login and period (a day, or an ISO week for weekly digests) the digest sent.
  A re-run in the same period sends nothing new.
* ``invitations``: for each PEP meeting (its UID) the fingerprint last sent, its ``SEQUENCE`` and, per
  invitee address, the sequence they last received. A changed meeting gets the next sequence; anyone
  not yet sent the current one is sent it; an invitee taken off the list, or everyone when the meeting
  is cancelled, gets a cancellation.

A send that fails is not recorded: the next run tries again, and the run reports it (``failed``), so
the command exits with the "partial" code. In a training sandbox nothing is sent: messages are
written to ``outbox/`` in the sandbox.

Messages say about a child only what ``[mail] detail`` allows: ``initials`` (default) gives initials,
year group and the due item; ``none`` gives counts only. Never full names, UPNs or free text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from pep_tui.domain import StaffMember, utcnow
from pep_tui.services.context import ServiceContext
from pep_tui.services.invitations import (
    MeetingInvite,
    invitation_message,
    meeting_from_section,
    meeting_uid,
)
from pep_tui.services.mailer import FolderOutbox, MailError, Outbox, SMTPOutbox, check_mail_settings
from pep_tui.services.needs import NeedItem, NeedsService, initials

NAMESPACE = "reminders"
DIGESTS = "digests"
INVITATIONS = "invitations"
#: Sent-log entries older than this are dropped when the log is next written.
KEEP_DAYS = 60
OUTBOX_FOLDER = "outbox"
SYSTEM_ACTOR = "pep-tui"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass
class RemindReport:
    """What a run did: lines for the operator (logins, ids and counts only, no personal data)."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    dry_run: bool = False
    folder: Path | None = None

    @property
    def partial(self) -> bool:
        """Some sends failed (they are retried on the next run)."""
        return bool(self.failed)


def digest_period(member: StaffMember, today: date, weekly_on: str) -> str | None:
    """The period a digest for ``member`` covers today (``"2026-02-09"`` or ``"2026-W07"``), or ``None``
    when none is due (digests off, or a weekly digest before its day this week)."""
    if member.digest == "none":
        return None
    if member.digest == "weekly":
        if today.weekday() < _WEEKDAYS.index(weekly_on):
            return None
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}"
    return today.isoformat()


def _item_line(item: NeedItem) -> str:
    when = ""
    if item.overdue:
        when = f" - due {item.due:%d %b}, {item.overdue_days} working day{'s' if item.overdue_days != 1 else ''} overdue"
    elif item.due is not None and item.kind != "meeting":
        when = f" - due {item.due:%d %b %Y}"
    who = f"{item.initials}, {item.year_label}" if item.year_label else item.initials
    return f"  - {who}: {item.what}{when}"


def digest_text(items: list[NeedItem], detail: str, training: bool, weekly: bool = False) -> tuple[str, str]:
    """The subject and body of a digest at the given detail (``initials`` or ``none``)."""
    own = [i for i in items if i.kind != "escalation"]
    escalated = [i for i in items if i.kind == "escalation"]
    overdue = sum(1 for i in own if i.overdue)
    subject = f"pep-tui: {len(own)} thing{'s' if len(own) != 1 else ''} need{'s' if len(own) == 1 else ''} you"
    if overdue:
        subject += f" ({overdue} overdue)"
    if escalated:
        subject += f", {len(escalated)} escalated"
    if training:
        subject = "[TRAINING] " + subject
    lines = ["Hello,", "", f"This is what needs you in pep-tui {'this week' if weekly else 'today'}."]
    if detail == "none":
        counts = Counter(i.kind for i in own)
        lines += ["", f"{len(own)} item(s), {overdue} overdue:"]
        lines += [f"  - {_KIND_WORDS.get(k, k)}: {n}" for k, n in sorted(counts.items())]
        if escalated:
            lines += ["", f"{len(escalated)} PEP(s) overdue beyond the escalation limit."]
    else:
        late = [i for i in own if i.overdue]
        rest = [i for i in own if not i.overdue]
        if late:
            lines += ["", "Overdue:"] + [_item_line(i) for i in late]
        if rest:
            lines += ["", "Now and coming up:"] + [_item_line(i) for i in rest]
        if escalated:
            lines += ["", "Escalated to you (overdue beyond the limit):"]
            lines += [_item_line(i) + (f" (social worker {i.escalated_for})" if i.escalated_for else "")
                      for i in escalated]
    lines += ["", "Sign in to pep-tui to act on these: each one opens from your home screen.",
              "You can choose daily, weekly or no digests from the app (Needs you, then 'd')."]
    if training:
        lines += ["", "TRAINING SANDBOX: fictional children; this message was not sent."]
    return subject, "\n".join(lines) + "\n"


_KIND_WORDS = {
    "resubmit": "returned PEPs to correct", "start": "PEPs to start", "complete": "PEPs to complete",
    "finalise": "PEPs to finalise", "acknowledge": "PEPs to acknowledge", "rate": "PEPs to rate",
    "approve": "PEPs to approve", "pp_decide": "PP+ requests to decide", "pp_impact": "PP+ impact to record",
    "review": "care-plan reviews coming up", "meeting": "PEP meetings this week",
}


class ReminderService:
    """Runs the reminders over one store (see the module docstring)."""

    def __init__(self, ctx: ServiceContext, needs: NeedsService) -> None:
        self.ctx = ctx
        self.needs = needs
        self._streak = 0

    @property
    def training(self) -> bool:
        """A training sandbox: messages go to a folder, never to a relay."""
        return self.ctx.store.kind == "training"

    def outbox_folder(self) -> Path:
        """Where a sandbox writes its messages."""
        return self.ctx.store.root / OUTBOX_FOLDER

    def _documents(self) -> Any:
        from pep_tui.store.plugin_documents import PluginDocuments

        return PluginDocuments(self.ctx.store, NAMESPACE)

    def run(self, dry_run: bool = False, only_login: str | None = None, outbox: Outbox | None = None) -> RemindReport:
        """Send what is due: digests, then invitations. ``only_login`` limits both to one person
        (their digest, and invitations to their email address)."""
        report = RemindReport(dry_run=dry_run)
        self._streak = 0
        mail = self.ctx.settings.mail
        staff = self.ctx.store.list_staff()
        if only_login is not None and not any(m.login == only_login for m in staff):
            from pep_tui.services.errors import FieldProblem, InvalidInput

            raise InvalidInput("remind", [FieldProblem("login", f"no staff login {only_login!r}")])
        if outbox is None and not dry_run:
            if self.training:
                outbox = FolderOutbox(self.outbox_folder())
                report.folder = self.outbox_folder()
            else:
                check_mail_settings(mail)
                outbox = SMTPOutbox(mail)
        sender = mail.from_address or "pep-tui@localhost"
        with self._one_run_at_a_time():
            try:
                self._digests(report, staff, only_login, outbox, sender)
                only_email = next((m.email.lower() for m in staff if m.login == only_login and m.email), None)
                if only_login is None or only_email:
                    self._invitations(report, outbox, sender, only_email)
            finally:
                if outbox is not None:
                    outbox.close()
        return report

    @contextmanager
    def _one_run_at_a_time(self) -> Iterator[None]:
        """Two runs at once would both send what neither has recorded yet: the second is refused."""
        from filelock import Timeout

        from pep_tui.store.errors import StoreBusy
        from pep_tui.store.files import ensure_dir
        from pep_tui.store.locks import partition_lock

        ensure_dir(self.ctx.store.locks_dir)
        lock = partition_lock(self.ctx.store.locks_dir, "reminders.run", timeout=1.0)
        try:
            lock.acquire()
        except Timeout:
            raise StoreBusy("another 'pep-tui remind' is running on this store; nothing was sent") from None
        try:
            yield
        finally:
            lock.release()

    def _send(self, report: RemindReport, outbox: Outbox, message: EmailMessage, label: str) -> bool:
        """Send one message; on failure report it and return ``False``. After three failures in a row the
        rest are not tried (a relay that is down would make each wait for its timeout)."""
        if self._streak >= 3:
            report.failed.append(f"{label}: not tried (the relay failed three times in a row)")
            return False
        try:
            outbox.send(message)
        except MailError as exc:
            self._streak += 1
            report.failed.append(f"{label}: {exc}")
            return False
        self._streak = 0
        return True

    # --- digests -------------------------------------------------------------------------------

    def _digests(self, report: RemindReport, staff: list[StaffMember], only_login: str | None,
                 outbox: Outbox | None, sender: str) -> None:
        today = self.ctx.today()
        settings = self.ctx.settings
        sent = self._documents().read(DIGESTS).data.get("sent", {})
        wanted = self.needs.for_everyone(staff)
        for member in sorted(staff, key=lambda m: m.login):
            if only_login is not None and member.login != only_login:
                continue
            if not member.active or not member.email:
                continue
            period = digest_period(member, today, settings.reminders.weekly_on)
            if period is None:
                continue
            key = f"{member.login}|{period}"
            if key in sent:
                report.skipped.append(f"digest {member.login} {period}: already sent")
                continue
            items = wanted.get(member.login, [])
            if not items:
                continue
            if report.dry_run or outbox is None:
                report.sent.append(f"would send digest to {member.login} ({len(items)} items)")
                continue
            subject, body = digest_text(items, settings.mail.detail, self.training, weekly=member.digest == "weekly")
            if not self._send(report, outbox, _plain_message(sender, member.email, subject, body),
                              f"digest {member.login}"):
                continue
            self._record_digest(key, member.login, period, items, today)
            report.sent.append(f"digest to {member.login} ({len(items)} items)")

    def _record_digest(self, key: str, login: str, period: str, items: list[NeedItem], today: date) -> None:
        cutoff = (today - timedelta(days=KEEP_DAYS)).isoformat()
        now = utcnow().isoformat()

        def change(data: dict[str, Any]) -> dict[str, Any]:
            kept = {k: v for k, v in (data.get("sent") or {}).items() if (v.get("on") or "") >= cutoff}
            kept[key] = {"on": today.isoformat(), "at": now, "items": len(items)}
            return {"sent": kept}

        self._documents().update(DIGESTS, change, SYSTEM_ACTOR, "system", action="digest.sent",
                                 detail={"login": login, "period": period, "items": len(items),
                                         "training": self.training})

    # --- invitations ---------------------------------------------------------------------------

    def _invitations(self, report: RemindReport, outbox: Outbox | None, sender: str, only_email: str | None) -> None:
        today = self.ctx.today()
        log = self._documents().read(INVITATIONS).data.get("meetings", {})
        for summary in self.ctx.store.summaries().values():
            fact = summary.get("meeting")
            if not isinstance(fact, dict) or not fact.get("pep_id"):
                continue
            uid = meeting_uid(fact["pep_id"])
            entry = log.get(uid)
            on = fact.get("on") or ""
            if on < today.isoformat() and entry is None:
                continue  # a meeting in the past that was never sent: nothing to invite to
            if entry is not None and entry.get("sig") == fact.get("sig") and not entry.get("pending"):
                continue
            if entry is None and (fact.get("cancelled") or not fact.get("invitees")):
                continue
            self._send_meeting(report, outbox, sender, summary, fact, uid, entry or {}, only_email, today)

    def _send_meeting(self, report: RemindReport, outbox: Outbox | None, sender: str, summary: dict[str, Any],
                      fact: dict[str, Any], uid: str, entry: dict[str, Any], only_email: str | None, today: date) -> None:
        from pep_tui.domain.pep import MEETING_SECTION

        record = self.ctx.store.load_child(summary["child_id"])
        pep = next((p for p in record.peps if p.id == fact["pep_id"]), None)
        if pep is None:
            return
        meeting = meeting_from_section(pep.section(MEETING_SECTION))
        if meeting["on"] is None:
            return
        changed = entry.get("sig") != fact.get("sig")
        sequence = int(entry.get("sequence", -1)) + 1 if changed else int(entry.get("sequence", 0))
        if not entry:
            sequence = 0
        past = meeting["on"] < today
        received: dict[str, dict[str, Any]] = dict(entry.get("sent") or {})
        detail = self.ctx.settings.mail.detail
        title = "PEP meeting" if detail == "none" else f"PEP meeting ({initials(summary)}, {summary.get('year_label')})"
        if self.training:
            title = f"[TRAINING] {title}"
        base = dict(uid=uid, sequence=sequence, on=meeting["on"], start=meeting["start"], end=meeting["end"],
                    minutes=self.ctx.settings.reminders.meeting_minutes, place=meeting["place"],
                    link=meeting["link"], title=title)
        plan: list[tuple[str, bool]] = []  # (address, cancellation)
        if meeting["cancelled"]:
            plan = [(a, True) for a, r in received.items() if not (r.get("cancelled") and r.get("sequence") == sequence)]
        elif not past:
            plan = [(a, False) for a in meeting["invitees"] if received.get(a, {}).get("sequence") != sequence
                    or received.get(a, {}).get("cancelled")]
            plan += [(a, True) for a, r in received.items() if a not in meeting["invitees"] and not r.get("cancelled")]
        if only_email is not None:
            plan = [(a, c) for a, c in plan if a == only_email]
        pending = False
        done: dict[str, dict[str, Any]] = {}
        stamp = datetime.now().astimezone()
        for address, cancel in plan:
            if report.dry_run or outbox is None:
                report.sent.append(f"would send {'cancellation' if cancel else 'invitation'} {uid} seq {sequence}")
                continue
            invite = MeetingInvite(cancelled=cancel, **base)
            if not self._send(report, outbox, invitation_message(invite, sender, address, stamp), f"invitation {uid}"):
                pending = True
                continue
            done[address] = {"sequence": sequence, "cancelled": cancel}
            report.sent.append(f"{'cancellation' if cancel else 'invitation'} {uid} seq {sequence}")
        if report.dry_run or outbox is None:
            return
        if not done and not changed and pending == bool(entry.get("pending")):
            return
        if only_email is not None:
            pending = pending or any(a != only_email for a, _ in plan) or bool(entry.get("pending"))
        self._record_meeting(uid, fact, sequence, done, pending, summary["child_id"], today)

    def _record_meeting(self, uid: str, fact: dict[str, Any], sequence: int, done: dict[str, dict[str, Any]],
                        pending: bool, child_id: str, today: date) -> None:
        cutoff = (today - timedelta(days=KEEP_DAYS)).isoformat()

        def change(data: dict[str, Any]) -> dict[str, Any]:
            meetings = {k: v for k, v in (data.get("meetings") or {}).items() if (v.get("on") or "") >= cutoff
                        or k == uid}
            entry = dict(meetings.get(uid) or {})
            sent = dict(entry.get("sent") or {})
            sent.update(done)
            meetings[uid] = {"pep_id": fact["pep_id"], "child_id": child_id, "on": fact.get("on"), "sig": fact.get("sig"),
                             "sequence": sequence, "cancelled": bool(fact.get("cancelled")), "pending": pending,
                             "sent": sent}
            return {"meetings": meetings}

        self._documents().update(INVITATIONS, change, SYSTEM_ACTOR, "system", action="invitation.sent",
                                 detail={"uid": uid, "child_id": child_id, "sequence": sequence,
                                         "recipients": len(done), "pending": pending, "training": self.training})


def _plain_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="pep-tui")
    message.set_content(body)
    return message
