"""PEP meeting invitations as iCalendar (RFC 5545) messages, built with the ``icalendar`` library.

Each PEP's meeting is one calendar event whose ``UID`` never changes (:func:`meeting_uid`), so a
calendar (Outlook, Google, Thunderbird) updates the same event when the meeting moves (a higher
``SEQUENCE``, ``METHOD:REQUEST``) and removes it when it is cancelled (``METHOD:CANCEL``). Times are
local to England (``Europe/London``, with its ``VTIMEZONE``). A meeting without a start time is an
all-day event. Each invitee gets their own message listing only them as attendee, so no one learns
the others' addresses; the title names the child only as the ``[mail] detail`` setting allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
PRODID = "-//pep-tui//PEP meeting invitations//EN"


def meeting_uid(pep_id: str) -> str:
    """The stable UID of a PEP's meeting: the same for every update and the cancellation."""
    return f"pep-meeting-{pep_id}@pep-tui"


@dataclass(frozen=True)
class MeetingInvite:
    """What an invitation says. ``title`` is already limited to what the detail setting allows."""

    uid: str
    sequence: int
    on: date
    start: str  # "HH:MM" or "" (all day)
    end: str
    minutes: int
    place: str
    link: str
    title: str
    cancelled: bool


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def calendar_bytes(invite: MeetingInvite, organiser: str, attendee: str, stamp: datetime) -> bytes:
    """The ``.ics`` file for one attendee: ``METHOD:REQUEST`` (new or changed) or ``METHOD:CANCEL``."""
    from icalendar import Calendar, Event, vCalAddress

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if invite.cancelled else "REQUEST")
    event = Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", stamp)
    if invite.start:
        start = datetime.combine(invite.on, _clock(invite.start), LONDON)
        end = (datetime.combine(invite.on, _clock(invite.end), LONDON) if invite.end
               else start + timedelta(minutes=invite.minutes))
        event.add("dtstart", start)
        event.add("dtend", end)
    else:
        event.add("dtstart", invite.on)
        event.add("dtend", invite.on + timedelta(days=1))
    event.add("summary", invite.title)
    if invite.place:
        event.add("location", invite.place)
    if invite.link:
        event.add("url", invite.link)
        event.add("description", f"Join online: {invite.link}")
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    event.add("organizer", vCalAddress(f"mailto:{organiser}"))
    who = vCalAddress(f"mailto:{attendee}")
    who.params["ROLE"] = "REQ-PARTICIPANT"
    who.params["RSVP"] = "TRUE" if not invite.cancelled else "FALSE"
    event.add("attendee", who)
    cal.add_component(event)
    if invite.start and hasattr(cal, "add_missing_timezones"):
        cal.add_missing_timezones()
    return cal.to_ical()


def invitation_message(invite: MeetingInvite, organiser: str, attendee: str, stamp: datetime) -> EmailMessage:
    """An email carrying the invitation both inline (``text/calendar``) and as ``invite.ics``."""
    ics = calendar_bytes(invite, organiser, attendee, stamp)
    method = "CANCEL" if invite.cancelled else "REQUEST"
    message = EmailMessage()
    message["From"] = organiser
    message["To"] = attendee
    message["Date"] = formatdate(stamp.timestamp(), localtime=False)
    message["Message-ID"] = make_msgid(domain="pep-tui")
    when = f"{invite.on:%a %d %b %Y}" + (f" at {invite.start}" if invite.start else "")
    if invite.cancelled:
        message["Subject"] = f"Cancelled: {invite.title}, {when}"
        body = f"The {invite.title} on {when} is cancelled.\n"
    else:
        verb = "Updated" if invite.sequence else "Invitation"
        message["Subject"] = f"{verb}: {invite.title}, {when}"
        body = f"You are invited to the {invite.title} on {when}.\n"
        if invite.place:
            body += f"Where: {invite.place}\n"
        if invite.link:
            body += f"Online: {invite.link}\n"
    body += "\nThis invitation was sent by pep-tui. Reply to the person who arranged the meeting, not to this address.\n"
    message.set_content(body)
    message.add_alternative(ics, maintype="text", subtype="calendar", params={"method": method})
    message.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return message


def meeting_from_section(data: dict[str, Any]) -> dict[str, Any]:
    """The parts of a ``shared.meeting`` section's data an invitation needs, with defaults."""
    return {
        "on": date.fromisoformat(data["meeting_date"]) if data.get("meeting_date") else None,
        "start": data.get("start_time") or "", "end": data.get("end_time") or "",
        "place": data.get("place") or "", "link": data.get("link") or "",
        "cancelled": bool(data.get("cancelled")),
        "invitees": sorted({str(a["email"]).strip().lower() for a in data.get("attendees") or []
                            if isinstance(a, dict) and a.get("email") and a.get("invited", True)}),
    }
