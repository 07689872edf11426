"""Deleting one child's records at the end of their retention period: an export first, then the files.

The caller (``pep-tui store delete-child``) decides that the record is past retention; this module
makes the deletion safe: under the child's lock, the export of everything stored about the child (the
child file with every PEP, and their audit trail) is written and made durable first, and only then
are the child file, their audit trail and their index entries removed. The deletion is recorded in the store's audit
trail (the child id, the export's file name and who ran it; no personal data).
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from pep_tui.domain import AuditEvent, new_id, utcnow
from pep_tui.store.errors import StoreError
from pep_tui.store.files import AtomicJSONStorage, fsync_dir, read_json_lines
from pep_tui.store.locks import hold, partition_lock
from pep_tui.store.summaries import append_entries


def delete_child(store, child_id: str, export_to: Path, actor: str) -> Path:  # store: Store
    """Write an export of the child to ``export_to`` (a new file, readable by its owner only), then
    delete the child's file and index entries; returns the export's path. Refuses an existing file."""
    export_to = Path(export_to).expanduser()
    if export_to.exists():
        raise StoreError(f"{export_to} already exists; choose a new file for the export")
    path = store._child_path(child_id)
    with store.changing(f"child.{child_id}"):
        store._repair_child(child_id)
        data = AtomicJSONStorage(path).read()
        if data is None:
            raise StoreError(f"no child {child_id} in this store")
        try:
            trail, _, _ = read_json_lines(store.audit.path_for(child_id))
        except FileNotFoundError:
            trail = []
        document = {"format": "pep-tui-child-export", "exported_at": utcnow().isoformat(), "exported_by": actor,
                    "child": data.get("child"), "peps": data.get("peps"), "audit": trail}
        export_to.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(export_to, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, orjson.dumps(document, option=orjson.OPT_INDENT_2))
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_dir(export_to.parent)
        path.unlink()
        fsync_dir(path.parent)
        store.audit.path_for(child_id).unlink(missing_ok=True)  # it is in the export
        with hold(partition_lock(store.locks_dir, "index")):
            append_entries(store, {child_id: None}, store._stamp())
        store.audit.append(AuditEvent(id=new_id("ev"), at=utcnow(), actor=actor, role="operator",
                                      action="child.delete", detail={"child": child_id, "export": export_to.name}))
    return export_to
