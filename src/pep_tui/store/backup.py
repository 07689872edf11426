"""Snapshots of a data folder: take (``pep-tui store backup``), list, rotate, verify and restore.

A snapshot is a folder ``backups/<UTC time>-<label>/`` holding ``store.json``, ``staff.json``,
``children/``, ``audit/``, ``index/``, ``facts/`` and ``pending/`` as they were at one instant, plus
``snapshot.json`` (written last: a snapshot without it is incomplete and ignored). It is taken under
the store-wide lock held exclusively, so no change is half in it. Files the store only ever replaces
atomically are hard-linked (cheap, and the live file is replaced, never changed, so the snapshot
keeps its version); append-only files (``*.jsonl``) are copied. Where hard links are impossible
(``backups/`` on another disk) everything is copied.

Restore never destroys the current data: it first snapshots it (``…-before-restore``), writes
``restoring.json`` naming both, swaps the folders in, and removes the marker. Opening refuses while the
marker exists; ``pep-tui store restore --resume`` finishes an interrupted restore.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from pep_tui.domain import PEP, AuditEvent, Child, StaffMember, new_id, utcnow
from pep_tui.store.errors import StoreError
from pep_tui.store.files import (
    atomic_write_bytes,
    dump_json,
    ensure_dir,
    fsync_dir,
    load_json,
    read_json_lines,
)
from pep_tui.store.layout import FORMAT, META_FILE, RESTORE_MARKER, SCHEMA_VERSION, SNAPSHOT_PARTS
from pep_tui.store.locks import StoreWideLock

MANIFEST = "snapshot.json"
#: Everything a snapshot holds; the last two exist only in folders of schema 1 (see migrations).
PARTS = (*SNAPSHOT_PARTS, "pending", "audit.jsonl", "index.json")
PARTIAL_PREFIX = ".partial-"


@dataclass
class Snapshot:
    """A complete snapshot in ``backups/``."""

    name: str
    path: Path
    manifest: dict[str, Any]

    @property
    def label(self) -> str:
        """Why it was taken: ``backup``, ``before-restore``, ``before-upgrade-1``…"""
        return str(self.manifest.get("label", ""))

    @property
    def healthy(self) -> bool:
        """Taken from a store that opened cleanly (so a good candidate to restore)."""
        return bool(self.manifest.get("healthy"))


def store_wide_lock(root: Path) -> StoreWideLock:
    """The store-wide lock of a data folder (usable before the store opens)."""
    return StoreWideLock(ensure_dir(root / "locks") / "store.lock")


def list_snapshots(root: Path) -> list[Snapshot]:
    """Complete snapshots, oldest first."""
    folder = root / "backups"
    try:
        entries = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    except FileNotFoundError:
        return []
    out = []
    for path in entries:
        try:
            manifest = load_json(path / MANIFEST)
        except Exception:  # noqa: BLE001 - missing or damaged manifest: incomplete snapshot
            continue
        if isinstance(manifest, dict) and manifest.get("format") == FORMAT:
            out.append(Snapshot(path.name, path, manifest))
    return out


def newest_backup(root: Path) -> Path | None:
    """The newest complete snapshot taken from a healthy store, if any."""
    healthy = [s for s in list_snapshots(root) if s.healthy]
    return healthy[-1].path if healthy else None


def _link_or_copy(src: Path, dst: Path) -> None:
    if src.suffix != ".jsonl":
        try:
            os.link(src, dst)
            return
        except OSError:
            pass
    shutil.copy2(src, dst)


def _copy_part(src: Path, dst: Path) -> int:
    """Copy one file or folder of the store into ``dst``; returns the number of files."""
    if src.is_file():
        _link_or_copy(src, dst)
        return 1
    if not src.is_dir():
        return 0
    ensure_dir(dst)
    count = 0
    for entry in os.scandir(src):
        if entry.name.startswith("."):
            continue  # temporary files of a write in progress
        if entry.is_dir(follow_symlinks=False):
            count += _copy_part(Path(entry.path), dst / entry.name)
        elif entry.is_file(follow_symlinks=False):
            _link_or_copy(Path(entry.path), dst / entry.name)
            count += 1
    return count


def snapshot_name(label: str) -> str:
    """A new snapshot's name: the UTC time (so names sort by age) and why it was taken."""
    return f"{utcnow().strftime('%Y%m%dT%H%M%S%fZ')}-{label}"


def take_snapshot(root: Path, label: str, healthy: bool, name: str | None = None) -> Snapshot:
    """Snapshot the data folder now. The caller holds the store-wide lock exclusively."""
    backups = ensure_dir(root / "backups")
    name = name or snapshot_name(label)
    partial = backups / f"{PARTIAL_PREFIX}{name}"
    if partial.exists():
        shutil.rmtree(partial)
    ensure_dir(partial)
    files = sum(_copy_part(root / part, partial / part) for part in PARTS)
    try:
        meta = load_json(root / META_FILE)
    except Exception:  # noqa: BLE001 - a damaged store is still copied as it is
        meta = {}
    manifest = {
        "format": FORMAT, "label": label, "taken_at": utcnow().isoformat(), "healthy": healthy,
        "schema": meta.get("schema") if isinstance(meta, dict) else None,
        "kind": meta.get("kind") if isinstance(meta, dict) else None,
        "children": len(list((partial / "children").glob("*.json"))), "files": files,
    }
    atomic_write_bytes(partial / MANIFEST, dump_json(manifest))
    os.sync()  # the copies and links, all at once (cheaper than one fsync per file)
    final = backups / name
    os.rename(partial, final)
    fsync_dir(backups)
    return Snapshot(name, final, manifest)


def rotate(root: Path, keep: int) -> list[str]:
    """Delete the oldest snapshots beyond ``keep`` and any incomplete ones; returns the names deleted."""
    removed = []
    for path in (root / "backups").glob(f"{PARTIAL_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)
    snapshots = list_snapshots(root)
    for snap in snapshots[: max(0, len(snapshots) - keep)]:
        shutil.rmtree(snap.path, ignore_errors=True)
        removed.append(snap.name)
    return removed


def _store_event(root: Path, action: str, actor: str, detail: dict[str, Any]) -> None:
    from pep_tui.store.audit import AuditLog

    log = AuditLog(root / "audit")
    log.ensure()
    log.append(AuditEvent(id=new_id("ev"), at=utcnow(), actor=actor, role="operator", action=action, detail=detail))


def backup(root: Path, keep: int, actor: str, label: str = "backup") -> Snapshot:
    """Take a snapshot of a healthy store (open it first) and rotate to ``keep`` snapshots."""
    with store_wide_lock(root).exclusive():
        name = snapshot_name(label)
        _store_event(root, "store.backup", actor, {"snapshot": name})  # recorded in the snapshot too
        snap = take_snapshot(root, label, healthy=True, name=name)
        rotate(root, keep)
    return snap


def verify_snapshot(path: Path) -> list[str]:
    """Problems that make a snapshot unsafe to restore (empty list: it reads completely)."""
    problems: list[str] = []
    try:
        manifest = load_json(path / MANIFEST)
    except Exception:  # noqa: BLE001
        return [f"{path} is not a complete snapshot (no readable {MANIFEST})"]
    if manifest.get("schema") is None or manifest["schema"] > SCHEMA_VERSION:
        problems.append(f"{path} has schema {manifest.get('schema')}; this pep-tui reads up to {SCHEMA_VERSION}")
    for name in (META_FILE, "staff.json"):
        try:
            data = load_json(path / name)
            if name == "staff.json":
                [StaffMember.model_validate(d) for d in data.get("staff", {}).values()]
        except FileNotFoundError:
            if name == META_FILE:
                problems.append(f"{path / name} is missing")
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{path / name} does not read ({type(exc).__name__})")
    for child_path in sorted((path / "children").glob("*.json")):
        try:
            data = orjson.loads(child_path.read_bytes())
            [Child.model_validate(d) for d in data["child"].values()]
            [PEP.model_validate(d) for d in data.get("peps", {}).values()]
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{child_path} does not read ({type(exc).__name__})")
    for document in sorted((path / "plugin_documents").glob("*/*.json")):
        try:
            data = orjson.loads(document.read_bytes())
            if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
                raise ValueError("not a plugin document")
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{document} does not read ({type(exc).__name__})")
    for audit_path in sorted((path / "audit").rglob("*.jsonl")):
        try:
            read_json_lines(audit_path)
        except OSError as exc:
            problems.append(f"{audit_path} does not read ({type(exc).__name__})")
    return problems


@dataclass
class RestoreResult:
    """What a restore did."""

    restored: Snapshot
    before: str


def restore(root: Path, name: str | None, actor: str, resume: bool = False) -> RestoreResult:
    """Put the data folder back to snapshot ``name``, keeping the current data as a snapshot first.

    Refuses (changing nothing) if the snapshot is incomplete, does not read, is of the other kind
    (training/live) or is newer than this pep-tui. ``resume`` finishes a restore that was interrupted.
    """
    marker_path = root / RESTORE_MARKER
    with store_wide_lock(root).exclusive():
        marker = load_json(marker_path) if marker_path.exists() else None
        if marker is not None:
            if name is not None and name != marker["snapshot"]:
                raise StoreError(f"a restore of {marker['snapshot']} did not finish; run "
                                 f"'pep-tui store restore --resume' first")
            name = marker["snapshot"]
        elif resume:
            raise StoreError("there is no interrupted restore to resume")
        if name is None:
            raise StoreError("name the snapshot to restore (see 'pep-tui store list')")
        snaps = {s.name: s for s in list_snapshots(root)}
        snap = snaps.get(name)
        if snap is None:
            raise StoreError(f"no complete snapshot called {name!r} in {root / 'backups'}")
        problems = verify_snapshot(snap.path)
        if problems:
            raise StoreError(f"snapshot {name} cannot be restored: {problems[0]} ({len(problems)} problem(s)); "
                             f"nothing was changed")
        if marker is None:
            try:
                current = load_json(root / META_FILE)
            except Exception:  # noqa: BLE001 - a damaged store.json is what restore is for
                current = {}
            if isinstance(current, dict) and current.get("kind") and current["kind"] != snap.manifest.get("kind"):
                raise StoreError(f"snapshot {name} is of a {snap.manifest.get('kind')} store; this is a "
                                 f"{current['kind']} store; nothing was changed")
            before = take_snapshot(root, "before-restore", healthy=False).name
            marker = {"snapshot": name, "before": before, "started_at": utcnow().isoformat()}
            atomic_write_bytes(marker_path, dump_json(marker))
        _swap_in(root, snap.path)
        _store_event(root, "store.restore", actor, {"snapshot": name, "before": marker["before"]})
        marker_path.unlink()
        fsync_dir(root)
    return RestoreResult(snap, marker["before"])


def _swap_in(root: Path, source: Path) -> None:
    """Replace the store's parts by the snapshot's (idempotent: safe to run again after a crash)."""
    staging = root / ".restore-staging"
    if staging.exists():
        shutil.rmtree(staging)
    ensure_dir(staging)
    for part in PARTS:
        _copy_part(source / part, staging / part)
    os.sync()
    for part in PARTS:
        live, new = root / part, staging / part
        if new.is_file():
            os.replace(new, live)
        elif new.is_dir():
            if live.exists():
                shutil.rmtree(live)
            os.rename(new, live)
        elif live.is_dir():  # not in the snapshot (e.g. a folder of a newer schema)
            shutil.rmtree(live)
        elif live.is_file():  # e.g. no staff file yet when the snapshot was taken
            live.unlink()
    fsync_dir(root)
    shutil.rmtree(staging)
