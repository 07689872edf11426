"""Adding many new children at once (sample cohorts, imports) without a commit per child in the index."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from pep_tui.domain import AuditEvent, new_id, utcnow
from pep_tui.store.errors import StoreError
from pep_tui.store.locks import hold, partition_lock
from pep_tui.store.pending import mark_child
from pep_tui.store.records import ChildRecord
from pep_tui.store.summaries import Entries, append_entries

if TYPE_CHECKING:
    from pep_tui.store.repository import Store

#: Children written per batch: their locks are held together (one open file each).
BATCH = 200


def import_records(store: Store, records: list[ChildRecord], actor: str, role: str, action: str) -> int:
    """Add new children with their PEPs; returns how many. Refuses, before writing anything, a child
    that already exists (or is given twice) and a record of the wrong kind for the store.

    Children are written in batches of :data:`BATCH`, in id order. A batch holds the store-wide lock
    (shared) and the lock of each of its children until the batch's summaries are in the index, so a
    save to a child just imported waits for its summary and appends its own after it (the index never
    goes back to the imported revision). Each child file is written atomically with its audit event
    under a pending marker, exactly as a single save is, so a crash part-way is repaired child by child.
    """
    for record in records:
        store._check_kind(record.child)
    ids = [r.child.id for r in records]
    if len(set(ids)) != len(ids):
        raise StoreError("the same child is given twice in this import")
    existing = [cid for cid in ids if store.child_exists(cid)]
    if existing:
        raise StoreError(f"{len(existing)} of these children already exist (first: {existing[0]})")
    ordered = sorted(records, key=lambda r: r.child.id)  # one lock order for every importer
    now = utcnow()
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start:start + BATCH]
        with ExitStack() as locks:
            locks.enter_context(store.store_lock.shared())
            for record in batch:
                locks.enter_context(hold(partition_lock(store.locks_dir, f"child.{record.child.id}")))
            entries: dict[str, Entries] = {}
            markers: list[Path] = []
            for record in batch:
                child = record.child.model_copy(update={"revision": max(record.child.revision, 1)})
                if store.child_exists(child.id):
                    raise StoreError(f"a child with id {child.id} already exists")
                event = AuditEvent(id=new_id("ev"), at=now, actor=actor, role=role, action=action,
                                   child_id=child.id, new_revision=child.revision, detail={"peps": len(record.peps)})
                entries[child.id] = store.summarise(child, record.peps)
                markers.append(mark_child(store.pending_dir, child.id))
                store._write_child_file(child, record.peps, [event])
                store.audit.append(event)
            with hold(partition_lock(store.locks_dir, "index")):
                append_entries(store, entries, store._stamp())
            for marker in markers:
                marker.unlink(missing_ok=True)
    return len(records)
