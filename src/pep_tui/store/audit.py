"""The append-only audit trail: one JSON line per change, fsynced, never rewritten.

Partitioned like the data: ``audit/children/<child id>.jsonl`` holds the changes to one child (so
reading a child's trail reads one small file) and ``audit/store.jsonl`` the store-wide ones (staff,
backups, restores). Every event carries an ``id``; crash repair appends an event only if its id is not
there yet, so each change appears exactly once. A line torn by a crash is skipped on read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import orjson

from pep_tui.domain import AuditEvent
from pep_tui.store.files import append_line, ensure_dir, read_json_lines


class AuditLog:
    """Appends :class:`AuditEvent` lines to the per-child or store-wide file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.children_dir = folder / "children"
        self.store_path = folder / "store.jsonl"
        #: Called with a child id before that child's trail is read, and with ``None`` before the
        #: store-wide trail is read (the store finishes changes a crash interrupted).
        self.before_read: Callable[[str | None], None] | None = None

    def ensure(self) -> None:
        """Create the audit folders (owner-only)."""
        ensure_dir(self.children_dir)

    def path_for(self, child_id: str | None) -> Path:
        """The file holding events about ``child_id`` (``None``: store-wide events)."""
        return self.store_path if child_id is None else self.children_dir / f"{child_id}.jsonl"

    def append(self, event: AuditEvent) -> None:
        """Append one event durably (O_APPEND + fsync)."""
        append_line(self.path_for(event.child_id), orjson.dumps(event.model_dump(mode="json")))

    def _read(self, path: Path) -> list[AuditEvent]:
        try:
            values, _, _ = read_json_lines(path)
        except FileNotFoundError:
            return []
        events = []
        for value in values:
            try:
                events.append(AuditEvent.model_validate(value))
            except ValueError:
                continue
        return events

    def for_child(self, child_id: str) -> list[AuditEvent]:
        """The events about one child, oldest first (reads only that child's file)."""
        if self.before_read is not None:
            self.before_read(child_id)
        return self._read(self.path_for(child_id))

    def store_events(self) -> list[AuditEvent]:
        """Store-wide events (staff records, plugin documents, backups, restores), oldest first."""
        if self.before_read is not None:
            self.before_read(None)
        return self._read(self.store_path)

    def events(self) -> Iterator[AuditEvent]:
        """Every readable event in the store, oldest first (reads every file: for exports and checks)."""
        everything = self.store_events()
        if self.children_dir.exists():
            for path in sorted(self.children_dir.glob("*.jsonl")):
                everything.extend(self._read(path))
        everything.sort(key=lambda e: e.at)
        yield from everything

    def has(self, child_id: str | None, event_id: str) -> bool:
        """Whether an event with this id is already in the trail."""
        return any(e.id == event_id for e in self._read(self.path_for(child_id)))

    def last(self, child_id: str | None, match: Callable[[AuditEvent], bool]) -> AuditEvent | None:
        """The newest event in one file that ``match`` accepts."""
        found = None
        for event in self._read(self.path_for(child_id)):
            if match(event):
                found = event
        return found
