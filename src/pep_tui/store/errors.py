"""Errors the store raises; each message is safe to show to the user who caused it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


class StoreError(Exception):
    """Something is wrong with the data folder; the message says what and what to do."""


class StoreNotFound(StoreError):
    """No store at the given folder."""


class WrongStoreKind(StoreError):
    """A live store opened as a training sandbox, or the other way round."""


class StoreCorrupt(StoreError):
    """A store file does not parse; it is left untouched."""

    def __init__(self, path: Path, reason: str, newest_backup: Path | None) -> None:
        hint = f"the newest good backup is {newest_backup}" if newest_backup else "no backup was found"
        super().__init__(
            f"{path} cannot be read ({reason}). It has not been changed. {hint}; "
            f"see 'pep-tui store restore --help'"
        )
        self.path = path
        self.newest_backup = newest_backup


class NotFound(StoreError):
    """No child, PEP or staff member with that id."""


class Conflict(StoreError):
    """A save based on a stale revision: someone else saved in between. Nothing was written."""

    def __init__(
        self, what: str, expected: int | None, current: int, saved_by: str | None, saved_at: datetime | None
    ) -> None:
        when = saved_at.strftime("%d %b %Y %H:%M") if saved_at else "an unknown time"
        who = saved_by or "someone"
        super().__init__(
            f"{what} was changed by {who} at {when} (now revision {current}; you were editing revision "
            f"{expected}). Nothing was overwritten: reload to see their changes, then apply yours again."
        )
        self.what = what
        self.expected = expected
        self.current = current
        self.saved_by = saved_by
        self.saved_at = saved_at
