"""The PEP store: TinyDB files made safe for several processes.

Layout of a data folder::

    store.json            what this folder is (live store or training sandbox) and its schema version
    settings.toml         operator settings (optional)
    children/<id>.json    one TinyDB file per child: table "child" (the record) and "peps"
    index.json            per-child summaries for lists and dashboards (rebuildable from children/)
    staff.json            staff records (TinyDB table "staff")
    audit.jsonl           append-only audit trail
    pending/<id>          marks a child whose index entry may be behind (crash repair)
    locks/                cross-process lock files
    backups/              rotating snapshots

Guarantees: every read-modify-write holds a cross-process lock; each save names the revision it was
based on and a stale one raises :class:`Conflict`; files are replaced atomically; a file that does
not parse raises :class:`StoreCorrupt` and is never overwritten; reads always see committed changes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock
from tinydb import Query, TinyDB

from pep_tui.domain import PEP, AuditEvent, Child, StaffMember, utcnow
from pep_tui.store.audit import AuditLog
from pep_tui.store.errors import Conflict, NotFound, StoreCorrupt, StoreError, StoreNotFound, WrongStoreKind
from pep_tui.store.files import (
    AtomicJSONStorage,
    CorruptFile,
    atomic_write_bytes,
    dump_json,
    ensure_dir,
    load_json,
)

FORMAT = "pep-tui-store"
SCHEMA_VERSION = 1
StoreKind = Literal["live", "training"]
Summariser = Callable[[Child, list[PEP]], dict[str, Any]]


def default_summary(child: Child, peps: list[PEP]) -> dict[str, Any]:
    """A minimal summary; services supply a richer summariser."""
    return {"child_id": child.id, "name": child.display_name, "revision": child.revision}


@dataclass
class ChildRecord:
    """A child and all their PEPs, oldest term first."""

    child: Child
    peps: list[PEP]

    def pep(self, pep_id: str) -> PEP:
        """One PEP by id."""
        for pep in self.peps:
            if pep.id == pep_id:
                return pep
        raise NotFound(f"no PEP {pep_id} for this child")


class Store:
    """A data folder opened for use. Cheap to create; holds only the index cache in memory."""

    def __init__(self, root: Path, meta: dict[str, Any], summariser: Summariser | None = None) -> None:
        self.root = root
        self.meta = meta
        self.kind: StoreKind = meta["kind"]
        self.summariser = summariser or default_summary
        self.children_dir = root / "children"
        self.locks_dir = root / "locks"
        self.pending_dir = root / "pending"
        self.backups_dir = root / "backups"
        self.index_path = root / "index.json"
        self.staff_path = root / "staff.json"
        self.audit = AuditLog(root / "audit.jsonl")
        self._index_cache: tuple[tuple[int, int, int], dict[str, dict[str, Any]]] | None = None

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def create(cls, root: Path | str, kind: StoreKind = "live", summariser: Summariser | None = None) -> Store:
        """Create a new, empty store in ``root`` (which must be empty or absent)."""
        root = Path(root).expanduser()
        if (root / "store.json").exists():
            raise StoreError(f"{root} already holds a pep-tui store; open it instead")
        ensure_dir(root)
        unexpected = [p.name for p in root.iterdir() if p.name not in {"settings.toml"}]
        if unexpected:
            raise StoreError(f"{root} is not empty ({', '.join(sorted(unexpected)[:3])}…); choose an empty folder")
        for sub in ("children", "locks", "pending", "backups"):
            ensure_dir(root / sub)
        meta = {"format": FORMAT, "schema": SCHEMA_VERSION, "kind": kind, "created_at": utcnow().isoformat()}
        atomic_write_bytes(root / "store.json", dump_json(meta))
        atomic_write_bytes(root / "index.json", dump_json({"summaries": {}}))
        return cls(root, meta, summariser)

    @classmethod
    def open(
        cls, root: Path | str, expect_kind: StoreKind | None = None, summariser: Summariser | None = None
    ) -> Store:
        """Open an existing store; refuse a missing, corrupt or wrong-kind one with a clear message."""
        root = Path(root).expanduser()
        meta_path = root / "store.json"
        try:
            meta = load_json(meta_path)
        except FileNotFoundError:
            raise StoreNotFound(
                f"no pep-tui store in {root}; create one with 'pep-tui init --admin LOGIN' "
                f"or try the training demo with 'pep-tui demo'"
            ) from None
        except CorruptFile as exc:
            raise StoreCorrupt(exc.path, exc.reason, newest_backup(root)) from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise StoreError(f"{meta_path} is not a pep-tui store file")
        if meta.get("schema", 0) > SCHEMA_VERSION:
            raise StoreError(f"{root} was written by a newer pep-tui (schema {meta['schema']}); upgrade pep-tui")
        kind = meta.get("kind")
        if expect_kind and kind != expect_kind:
            if kind == "training":
                raise WrongStoreKind(f"{root} is a training sandbox (fictional data), not a live store")
            raise WrongStoreKind(f"{root} is a live store; training sessions need their own sandbox ('pep-tui demo')")
        store = cls(root, meta, summariser)
        for sub in ("children", "locks", "pending", "backups"):
            ensure_dir(root / sub)
        store._check_index_parses()
        store.repair_pending()
        return store

    def _check_index_parses(self) -> None:
        try:
            load_json(self.index_path)
        except FileNotFoundError:
            self.reindex()
        except CorruptFile:
            # The index is derived data: rebuild it from the child files rather than refusing.
            self.reindex()

    # --- locks --------------------------------------------------------------------------------

    def _lock(self, name: str) -> FileLock:
        return FileLock(str(self.locks_dir / f"{name}.lock"), timeout=30, mode=0o600)

    # --- children -----------------------------------------------------------------------------

    def _child_path(self, child_id: str) -> Path:
        if not child_id or "/" in child_id or child_id.startswith("."):
            raise NotFound(f"no child {child_id!r}")
        return self.children_dir / f"{child_id}.json"

    def _read_child_file(self, path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        try:
            data = AtomicJSONStorage(path).read()
        except CorruptFile as exc:
            raise StoreCorrupt(exc.path, exc.reason, newest_backup(self.root)) from None
        if data is None:
            raise NotFound(f"no child {path.stem}")
        child_docs = list(data.get("child", {}).values())
        if len(child_docs) != 1:
            raise StoreCorrupt(path, "expected one child record", newest_backup(self.root))
        peps = sorted(data.get("peps", {}).values(), key=lambda d: (d["academic_year"], ["autumn", "spring", "summer"].index(d["term"])))
        return child_docs[0], peps

    def load_child(self, child_id: str) -> ChildRecord:
        """A child with all their PEPs, read fresh from disk."""
        child_doc, pep_docs = self._read_child_file(self._child_path(child_id))
        return ChildRecord(Child.model_validate(child_doc), [PEP.model_validate(d) for d in pep_docs])

    def child_exists(self, child_id: str) -> bool:
        """Whether a child file exists."""
        return self._child_path(child_id).exists()

    def _write_child_file(self, path: Path, child: Child, peps: list[PEP]) -> None:
        with TinyDB(path, storage=AtomicJSONStorage) as db:
            # One storage write for the whole child: build the document and write it directly.
            db.storage.write(
                {
                    "child": {"1": child.model_dump(mode="json")},
                    "peps": {str(i): p.model_dump(mode="json") for i, p in enumerate(peps, start=1)},
                }
            )

    def _commit(self, child: Child, peps: list[PEP], events: list[AuditEvent]) -> None:
        """Write a child file, then its index entry and audit events; a pending marker covers a crash."""
        marker = self.pending_dir / child.id
        atomic_write_bytes(marker, b"")
        self._write_child_file(self._child_path(child.id), child, peps)
        for event in events:
            self.audit.append(event)
        self._update_index({child.id: self.summariser(child, peps)})
        marker.unlink(missing_ok=True)

    def create_child(self, child: Child, actor: str, role: str) -> Child:
        """Add a new child at revision 1."""
        path = self._child_path(child.id)
        with self._lock(child.id):
            if path.exists():
                raise StoreError(f"a child with id {child.id} already exists")
            child = child.model_copy(update={"revision": 1})
            event = AuditEvent(at=utcnow(), actor=actor, role=role, action="child.create", child_id=child.id, new_revision=1)
            self._commit(child, [], [event])
        return child

    def save_child(
        self, child: Child, expected_revision: int, actor: str, role: str, changed: list[str] | None = None
    ) -> Child:
        """Save a child's record if nobody saved it since ``expected_revision``; else :class:`Conflict`."""
        with self._lock(child.id):
            current = self.load_child(child.id)
            if current.child.revision != expected_revision:
                last = self._last_event(child.id, pep_id=None)
                raise Conflict(
                    f"{current.child.display_name}'s record", expected_revision, current.child.revision,
                    last.actor if last else None, last.at if last else None,
                )
            saved = child.model_copy(update={"revision": expected_revision + 1})
            event = AuditEvent(
                at=utcnow(), actor=actor, role=role, action="child.save", child_id=child.id,
                old_revision=expected_revision, new_revision=saved.revision, detail={"fields": changed or []},
            )
            self._commit(saved, current.peps, [event])
        return saved

    def save_pep(
        self,
        pep: PEP,
        expected_revision: int | None,
        actor: str,
        role: str,
        action: str = "pep.save",
        section_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> PEP:
        """Save a PEP. ``expected_revision=None`` creates it (it must not exist yet).

        A PEP saved by someone else since ``expected_revision`` raises :class:`Conflict` naming them.
        """
        with self._lock(pep.child_id):
            record = self.load_child(pep.child_id)
            peps = list(record.peps)
            index = next((i for i, p in enumerate(peps) if p.id == pep.id), None)
            if expected_revision is None:
                if index is not None:
                    raise StoreError(f"PEP {pep.id} already exists")
                old = 0
            else:
                if index is None:
                    raise NotFound(f"no PEP {pep.id} for this child")
                current = peps[index]
                if current.revision != expected_revision:
                    raise Conflict(
                        f"The {current.term_ref.label} PEP", expected_revision, current.revision,
                        current.updated_by, current.updated_at,
                    )
                old = expected_revision
            now = utcnow()
            saved = pep.model_copy(update={"revision": old + 1, "updated_by": actor, "updated_at": now})
            if index is None:
                peps.append(saved)
            else:
                peps[index] = saved
            event = AuditEvent(
                at=now, actor=actor, role=role, action=action, child_id=pep.child_id, pep_id=pep.id,
                section_id=section_id, old_revision=old or None, new_revision=saved.revision, detail=detail or {},
            )
            self._commit(record.child, peps, [event])
        return saved

    def import_records(self, records: list[ChildRecord], actor: str, role: str, action: str = "child.import") -> int:
        """Add many new children with their PEPs in one go (sample cohorts, imports).

        Each child file is written atomically; the index is updated once at the end and each child gets
        one audit event. Refuses (before writing anything) if any child already exists.
        """
        existing = [r.child.id for r in records if self._child_path(r.child.id).exists()]
        if existing:
            raise StoreError(f"{len(existing)} of these children already exist (first: {existing[0]})")
        summaries: dict[str, dict[str, Any] | None] = {}
        now = utcnow()
        for record in records:
            child = record.child.model_copy(update={"revision": max(record.child.revision, 1)})
            with self._lock(child.id):
                marker = self.pending_dir / child.id
                atomic_write_bytes(marker, b"")
                self._write_child_file(self._child_path(child.id), child, record.peps)
                self.audit.append(AuditEvent(at=now, actor=actor, role=role, action=action, child_id=child.id,
                                             new_revision=child.revision, detail={"peps": len(record.peps)}))
            summaries[child.id] = self.summariser(child, record.peps)
        self._update_index(summaries)
        for record in records:
            (self.pending_dir / record.child.id).unlink(missing_ok=True)
        return len(records)

    def _last_event(self, child_id: str, pep_id: str | None) -> AuditEvent | None:
        found = None
        for event in self.audit.for_child(child_id):
            if event.pep_id == pep_id:
                found = event
        return found

    # --- index --------------------------------------------------------------------------------

    def _stat_key(self) -> tuple[int, int, int]:
        st = os.stat(self.index_path)
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def summaries(self) -> dict[str, dict[str, Any]]:
        """Per-child summaries by child id, cached and re-read whenever the index file changes."""
        if any(self.pending_dir.iterdir()):
            self.repair_pending()
        key = self._stat_key()
        if self._index_cache is None or self._index_cache[0] != key:
            data = load_json(self.index_path)
            self._index_cache = (key, data.get("summaries", {}))
        return self._index_cache[1]

    def _update_index(self, updates: dict[str, dict[str, Any] | None]) -> None:
        with self._lock("index"):
            try:
                data = load_json(self.index_path)
            except (FileNotFoundError, CorruptFile):
                data = {"summaries": {}}
            summaries = data.setdefault("summaries", {})
            for child_id, summary in updates.items():
                if summary is None:
                    summaries.pop(child_id, None)
                else:
                    summaries[child_id] = summary
            atomic_write_bytes(self.index_path, dump_json(data))
        self._index_cache = None

    def repair_pending(self) -> list[str]:
        """Bring the index up to date for children a crash left marked pending; returns their ids."""
        repaired = []
        for marker in list(self.pending_dir.iterdir()):
            child_id = marker.name
            with self._lock(child_id):
                if not marker.exists():
                    continue
                try:
                    record = self.load_child(child_id)
                    self._update_index({child_id: self.summariser(record.child, record.peps)})
                except NotFound:
                    self._update_index({child_id: None})
                marker.unlink(missing_ok=True)
                repaired.append(child_id)
        return repaired

    def reindex(self) -> int:
        """Rebuild the whole index from the child files; returns the number of children."""
        summaries: dict[str, dict[str, Any] | None] = {}
        for path in sorted(self.children_dir.glob("*.json")):
            record = self.load_child(path.stem)
            summaries[path.stem] = self.summariser(record.child, record.peps)
        with self._lock("index"):
            atomic_write_bytes(self.index_path, dump_json({"summaries": summaries}))
        self._index_cache = None
        return len(summaries)

    def child_ids(self) -> list[str]:
        """Ids of every child in the store (from the index)."""
        return list(self.summaries())

    # --- staff --------------------------------------------------------------------------------

    def _staff_db(self) -> TinyDB:
        return TinyDB(self.staff_path, storage=AtomicJSONStorage)

    def list_staff(self) -> list[StaffMember]:
        """Every staff record."""
        try:
            with self._staff_db() as db:
                return [StaffMember.model_validate(dict(d)) for d in db.table("staff").all()]
        except CorruptFile as exc:
            raise StoreCorrupt(exc.path, exc.reason, newest_backup(self.root)) from None

    def get_staff(self, login: str) -> StaffMember | None:
        """The staff record for a login, if any."""
        return next((m for m in self.list_staff() if m.login == login), None)

    def save_staff(self, member: StaffMember, expected_revision: int | None, actor: str, role: str) -> StaffMember:
        """Add (``expected_revision=None``) or update a staff record, refusing stale revisions."""
        with self._lock("staff"), self._staff_db() as db:
            table = db.table("staff")
            q = Query()
            found = table.get(q.login == member.login)
            if expected_revision is None and found is not None:
                raise StoreError(f"staff login {member.login!r} already exists")
            if expected_revision is not None:
                if found is None:
                    raise NotFound(f"no staff login {member.login!r}")
                if found.get("revision", 0) != expected_revision:
                    raise Conflict(f"Staff record {member.login}", expected_revision, found.get("revision", 0), None, None)
            saved = member.model_copy(update={"revision": (expected_revision or 0) + 1})
            table.upsert(saved.model_dump(mode="json"), q.login == member.login)
            self.audit.append(
                AuditEvent(
                    at=utcnow(), actor=actor, role=role, action="staff.add" if expected_revision is None else "staff.save",
                    old_revision=expected_revision, new_revision=saved.revision, detail={"login": member.login},
                )
            )
        return saved


def newest_backup(root: Path) -> Path | None:
    """The newest snapshot in ``root/backups``, if any."""
    folder = root / "backups"
    try:
        snapshots = sorted((p for p in folder.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    except FileNotFoundError:
        return None
    return snapshots[-1] if snapshots else None
