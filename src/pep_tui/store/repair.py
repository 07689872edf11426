"""Finishing changes a crash interrupted (see :mod:`pep_tui.store.pending` for the protocol)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from pep_tui.domain import AuditEvent
from pep_tui.store.errors import NotFound, StoreCorrupt
from pep_tui.store.files import AtomicJSONStorage, CorruptFile
from pep_tui.store.layout import valid_child_id
from pep_tui.store.locks import hold, partition_lock
from pep_tui.store.pending import pending_partitions
from pep_tui.store.summaries import append_entries

if TYPE_CHECKING:
    from pep_tui.store.repository import Store


def repair_child(store: Store, child_id: str) -> bool:
    """Finish a change to ``child_id`` that a crash interrupted (caller holds its lock).

    The child file names the audit events of the change that wrote it: any not yet in the trail is
    appended (if the crash came before the file was replaced, they are the previous change's, already
    there). Then the child's entries in both indexes are re-summarised and the marker removed. ``False``: nothing to do.
    """
    path = store.pending_dir / f"child.{child_id}.json"
    if not path.exists():
        return False
    try:
        record = store.load_child(child_id)
    except NotFound:
        record = None
    else:
        for event in last_change(store, child_id):
            if event.id is None or not store.audit.has(child_id, event.id):
                store.audit.append(event)
    entries = store.summarise(record.child, record.peps) if record is not None else None
    with hold(partition_lock(store.locks_dir, "index")):
        append_entries(store, {child_id: entries}, store._stamp())
    path.unlink(missing_ok=True)
    return True


def last_change(store: Store, child_id: str) -> list[AuditEvent]:
    """The audit events the child's file records for the change that wrote it."""
    path = store.children_dir / f"{child_id}.json"
    try:
        data = AtomicJSONStorage(path).read() or {}
        change = next(iter(data.get("change", {}).values()), {})
        return [AuditEvent.model_validate(e) for e in change.get("events", [])]
    except CorruptFile as exc:
        raise store.corrupt(exc) from None
    except (AttributeError, TypeError, ValueError):
        raise store.corrupt(CorruptFile(path, "the record of its last change is not readable")) from None


def repair_pending(store: Store) -> list[str]:
    """Repair every change a crash interrupted, each under its partition's lock; returns the partitions
    repaired (child ids, ``"staff"``, ``"plugin_documents/<namespace>/<name>"``)."""
    from pep_tui.store.plugin_documents import PluginDocuments

    repaired = []
    for kind, key in pending_partitions(store.pending_dir):
        if kind == "staff":
            with store.changing("staff"):
                if store.staff.repair():
                    repaired.append(key)
        elif kind == "doc":
            namespace, _, name = key.partition("/")
            try:
                documents = PluginDocuments(store, namespace)
                if documents.repair(name):
                    repaired.append(f"plugin_documents/{key}")
            except (ValueError, NotFound):
                continue  # not a marker this store wrote
        elif valid_child_id(key):
            with store.changing(f"child.{key}"):
                try:
                    if repair_child(store, key):
                        repaired.append(key)
                except StoreCorrupt as exc:
                    # One unreadable child file must not lock every user out of the list: its marker
                    # stays, opening that child still refuses (naming the file and the newest backup),
                    # and 'pep-tui store check' reports it.
                    print(f"pep-tui: {exc.path} cannot be read; the list may show its last known summary "
                          f"(run 'pep-tui store check')", file=sys.stderr)
    return repaired
