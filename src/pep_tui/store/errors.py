"""Errors the store raises. Each message is safe to show and to log: it names files, staff logins,
revisions and times, never a child's name or other personal data."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


class StoreError(Exception):
    """Something is wrong with the data folder; the message says what and what to do."""


class StoreNotFound(StoreError):
    """No store at the given folder."""


class WrongStoreKind(StoreError):
    """A live store opened as a training sandbox, or the other way round."""


class StoreBusy(StoreError):
    """A lock could not be taken in time (a long backup or restore); nothing was changed."""


class StoreCorrupt(StoreError):
    """A store file does not parse; it is left untouched."""

    def __init__(self, path: Path, reason: str, newest_backup: Path | None, remedy: str | None = None) -> None:
        hint = f"the newest good backup is {newest_backup}" if newest_backup else "no backup was found"
        remedy = remedy or "see 'pep-tui store restore --help' and docs/operations.md"
        super().__init__(f"{path} cannot be read ({reason}). It has not been changed; {hint}; {remedy}")
        self.path = path
        self.reason = reason
        self.newest_backup = newest_backup


class NotFound(StoreError):
    """No child, PEP or staff member with that id."""


def _when(saved_at: datetime | None) -> str:
    if saved_at is None:
        return "an unknown time"
    local = saved_at.astimezone() if saved_at.tzinfo else saved_at
    return local.strftime("%d %b %Y %H:%M")


class Conflict(StoreError):
    """A save based on a stale revision: someone else saved in between. Nothing was written.

    ``what`` names the thing in words that carry no personal data ("This child's record",
    "The spring 2025-26 PEP", "Staff record sw.amara"); ``saved_by`` is a staff login.
    """

    def __init__(
        self, what: str, expected: int | None, current: int, saved_by: str | None, saved_at: datetime | None
    ) -> None:
        who = saved_by or "someone"
        super().__init__(
            f"{what} was changed by {who} at {_when(saved_at)} (now revision {current}; you were editing revision "
            f"{expected}). Nothing was overwritten: reload to see their changes, then apply yours again."
        )
        self.what = what
        self.expected = expected
        self.current = current
        self.saved_by = saved_by
        self.saved_at = saved_at
