"""Restoring one child from a snapshot (``pep-tui store restore --child ID [--snapshot NAME]``).

For a child whose file was damaged (see :mod:`pep_tui.store.unreadable`): everyone else's work since
the snapshot stays as it is. Under that child's lock (and the store-wide lock shared, like any save):

1. the snapshot's copy of the child is read and checked (it must parse, match the expected shape and
   be the same child); without ``--snapshot`` the newest snapshot holding a readable copy is used;
2. the current file, damaged or not, is kept as evidence beside it
   (``children/<id>.json.before-restore-<UTC time>``, a hard link to the very same bytes, never parsed
   by the store);
3. the copy is saved as a new change: its revisions carry on above every revision the audit trail
   has issued for the child and each PEP, so a screen still holding the damaged file's revisions gets
   a conflict instead of overwriting the restored record; one ``child.restore`` event (naming the
   snapshot and the evidence file) and one ``pep.restore`` per PEP go to the child's audit trail; the
   child's entries in the index are refreshed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pep_tui.domain import PEP, AuditEvent, Child, utcnow
from pep_tui.store.backup import Snapshot, list_snapshots
from pep_tui.store.errors import StoreError
from pep_tui.store.files import CorruptFile, fsync_dir, load_json

if TYPE_CHECKING:
    from pep_tui.store.repository import Store

EVIDENCE_INFIX = ".before-restore-"


@dataclass
class ChildRestoreResult:
    """What :func:`restore_child` did."""

    child_id: str
    snapshot: str
    #: The current file kept as evidence (``None`` when the child had no file).
    evidence: Path | None
    revision: int
    peps: int


def _read_copy(path: Path, child_id: str) -> tuple[Child, list[PEP]]:
    """A snapshot's copy of a child, checked; ``ValueError`` (with a reason) if it is not usable."""
    try:
        data = load_json(path)
    except FileNotFoundError:
        raise ValueError("it holds no copy of this child") from None
    except CorruptFile as exc:
        raise ValueError(f"its copy cannot be read ({exc.reason})") from None
    table = data.get("child") if isinstance(data, dict) else None
    peps = data.get("peps", {}) if isinstance(data, dict) else None
    if not isinstance(table, dict) or len(table) != 1 or not isinstance(peps, dict):
        raise ValueError("its copy is not one child record and a table of PEPs")
    try:
        child = Child.model_validate(next(iter(table.values())))
        pep_list = [PEP.model_validate(p) for p in peps.values()]
    except ValueError as exc:
        raise ValueError(f"its copy does not match the expected shape ({type(exc).__name__})") from None
    if child.id != child_id or any(p.child_id != child_id for p in pep_list):
        raise ValueError("its copy is of another child")
    return child, pep_list


def _choose(store: Store, child_id: str, snapshot: str | None) -> tuple[Snapshot, Child, list[PEP]]:
    snapshots = list_snapshots(store.root)
    if snapshot is not None:
        named = [s for s in snapshots if s.name == snapshot]
        if not named:
            raise StoreError(f"no complete snapshot called {snapshot!r} in {store.root / 'backups'} "
                             f"(see 'pep-tui store list'); nothing was changed")
        try:
            return (named[0], *_read_copy(named[0].path / "children" / f"{child_id}.json", child_id))
        except ValueError as exc:
            raise StoreError(f"snapshot {snapshot} cannot restore child {child_id}: {exc}; nothing was changed") from None
    for snap in reversed(snapshots):  # newest first
        try:
            return (snap, *_read_copy(snap.path / "children" / f"{child_id}.json", child_id))
        except ValueError:
            continue
    raise StoreError(f"no snapshot holds a readable copy of child {child_id} (see 'pep-tui store list'); "
                     f"nothing was changed")


def restore_child(store: Store, child_id: str, snapshot: str | None, actor: str) -> ChildRestoreResult:
    """Put one child back as they were in a snapshot, keeping the current file as evidence (see the
    module docstring). Raises :class:`StoreError` (changing nothing) if no usable copy is found."""
    path = store.child_path(child_id)  # NotFound for an id that is no file name
    snap, child, peps = _choose(store, child_id, snapshot)
    with store.changing(f"child.{child_id}"):
        evidence = None
        if path.exists():
            evidence = path.with_name(f"{path.name}{EVIDENCE_INFIX}{utcnow().strftime('%Y%m%dT%H%M%S%fZ')}")
            try:
                os.link(path, evidence)  # the same bytes under a second name: the replace below leaves them
            except OSError:  # a file system without hard links
                shutil.copy2(path, evidence)
            fsync_dir(path.parent)
        now = utcnow()

        def issued(pep_id: str | None) -> int:
            last = store.audit.last(child_id, lambda e: e.pep_id == pep_id and e.new_revision is not None)
            return last.new_revision if last is not None and last.new_revision is not None else 0

        revision = max(child.revision, issued(None)) + 1
        restored = child.model_copy(update={"revision": revision})
        detail = {"snapshot": snap.name, "kept_as": evidence.name if evidence else None}
        events = [AuditEvent(at=now, actor=actor, role="operator", action="child.restore", child_id=child_id,
                             old_revision=child.revision, new_revision=revision, detail=detail)]
        restored_peps = []
        for pep in peps:  # in the snapshot's order
            pep_revision = max(pep.revision, issued(pep.id)) + 1
            restored_peps.append(pep.model_copy(update={"revision": pep_revision}))
            events.append(AuditEvent(at=now, actor=actor, role="operator", action="pep.restore", child_id=child_id,
                                     pep_id=pep.id, old_revision=pep.revision, new_revision=pep_revision,
                                     detail={"snapshot": snap.name}))
        store._commit(restored, restored_peps, events)
    store.unreadable.readable_again(child_id)
    return ChildRestoreResult(child_id, snap.name, evidence, revision, len(restored_peps))
