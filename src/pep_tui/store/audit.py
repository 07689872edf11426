"""The append-only audit log: one JSON line per change, fsynced; a torn last line is skipped on read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import orjson

from pep_tui.domain.audit import AuditEvent
from pep_tui.store.files import FILE_MODE


class AuditLog:
    """Appends :class:`AuditEvent` lines to ``audit.jsonl``; never rewrites it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, event: AuditEvent) -> None:
        """Append one event durably (O_APPEND + fsync)."""
        line = orjson.dumps(event.model_dump(mode="json")) + b"\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def events(self) -> Iterator[AuditEvent]:
        """Every readable event, oldest first (a line torn by a crash is skipped)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        for line in raw.splitlines():
            if not line.strip():
                continue
            try:
                yield AuditEvent.model_validate(orjson.loads(line))
            except (orjson.JSONDecodeError, ValueError):
                continue

    def for_child(self, child_id: str) -> list[AuditEvent]:
        """The events about one child."""
        return [e for e in self.events() if e.child_id == child_id]
