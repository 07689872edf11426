"""Pending markers: how a change survives a crash exactly once.

A change to a child is committed in this order, under the child's lock:

1. create the marker ``pending/child.<id>.json`` (empty; its folder fsynced);
2. replace the child's file atomically (the moment the change is made). The file also records the
   audit events of the change that wrote it, each with a unique id;
3. append those audit events to the child's trail (fsynced);
4. append the child's new facts to the facts journal and their new summary to the index journal
   (each fsynced; see :mod:`pep_tui.store.summaries`);
5. delete the marker.

A process killed anywhere leaves the marker. The next process to touch that child (or to list
children, read the child's audit trail, or check the store) repairs it: every event the child's file
records that is not yet in the trail (by id) is appended (if the crash came before step 2, the file
still records the previous change, whose events are already there), the child's entries in both
indexes are re-summarised and the marker removed. Repair is idempotent, so a crash during repair is repaired the same way.

A feature plugin's document (see :mod:`pep_tui.store.plugin_documents`) works like a child's file, with
the marker ``pending/doc.<namespace>.<name>.json`` and its audit event in the store-wide trail.

The staff file uses a marker with content instead (``pending/staff.json``: the login and revision the
change produces and its events), since its TinyDB file has no room for them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pep_tui.domain import AuditEvent
from pep_tui.store.files import FILE_MODE, dump_json, fsync_dir, write_durable

STAFF_MARKER = "staff"


@dataclass
class Marker:
    """A change in progress: what it produces (``checks``) and the audit events it records."""

    kind: str  # "child" or "staff"
    key: str  # child id or staff login
    checks: list[tuple[str | None, int]] = field(default_factory=list)
    events: list[AuditEvent] = field(default_factory=list)

    def to_bytes(self) -> bytes:
        """The marker file's content."""
        return dump_json({
            "kind": self.kind,
            "key": self.key,
            "checks": [list(c) for c in self.checks],
            "events": [e.model_dump(mode="json") for e in self.events],
        })


def mark(pending_dir: Path, name: str) -> Path:
    """Create the empty marker ``name`` in ``pending/``, made durable by syncing the folder."""
    path = pending_dir / name
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE))
    fsync_dir(pending_dir)
    return path


def mark_child(pending_dir: Path, child_id: str) -> Path:
    """Mark a child as being changed."""
    return mark(pending_dir, f"child.{child_id}.json")


def document_marker(namespace: str, name: str) -> str:
    """The marker file name of a plugin document (namespaces hold no ``.``, so the first one splits)."""
    return f"doc.{namespace}.{name}.json"


def marker_name(kind: str, key: str) -> str:
    """The marker file name of a partition."""
    return "staff.json" if kind == "staff" else f"child.{key}.json"


def write_marker(pending_dir: Path, marker: Marker) -> Path:
    """Write a marker durably; returns its path."""
    path = pending_dir / marker_name(marker.kind, marker.key)
    write_durable(path, marker.to_bytes())
    return path


def read_marker(path: Path) -> Marker | None:
    """A marker's content; ``None`` if it was torn by a crash (then step 2 never ran)."""
    try:
        data: Any = orjson.loads(path.read_bytes())
        return Marker(
            kind=data["kind"],
            key=data["key"],
            checks=[(c[0], int(c[1])) for c in data["checks"]],
            events=[AuditEvent.model_validate(e) for e in data["events"]],
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, IndexError):
        return None


def pending_partitions(pending_dir: Path) -> list[tuple[str, str]]:
    """``(kind, key)`` of every marker present: ``("child", id)``, ``("staff", "staff")`` or
    ``("doc", "<namespace>/<name>")``."""
    out = []
    try:
        names = sorted(p.name for p in pending_dir.iterdir())
    except FileNotFoundError:
        return []
    for name in names:
        if name == "staff.json":
            out.append(("staff", STAFF_MARKER))
        elif name.startswith("child.") and name.endswith(".json"):
            out.append(("child", name[len("child."):-len(".json")]))
        elif name.startswith("doc.") and name.endswith(".json") and name.count(".") >= 3:
            namespace, _, document = name[len("doc."):-len(".json")].partition(".")
            out.append(("doc", f"{namespace}/{document}"))
    return out
