"""The PEP store: TinyDB files made safe for several processes, partitioned one file per child.

See :mod:`pep_tui.store.layout` for the data folder and :mod:`pep_tui.store.pending` for how a change
is committed. Guarantees: every read-modify-write holds the store-wide lock (shared) and its
partition's lock; each save names the revision it was based on and a stale one raises
:class:`Conflict` naming who saved and when; files are replaced atomically; a file that does not parse
raises :class:`StoreCorrupt` and is never overwritten; reads always see committed changes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from pep_tui.domain import PEP, AuditEvent, Child, new_id, utcnow
from pep_tui.store.audit import AuditLog
from pep_tui.store.errors import (
    Conflict,
    NotFound,
    StoreCorrupt,
    StoreError,
    WrongStoreKind,
)
from pep_tui.store.files import (
    AtomicJSONStorage,
    CorruptFile,
    atomic_write_bytes,
    dump_json,
    ensure_dir,
)
from pep_tui.store.index import IndexMissing, SummaryIndex
from pep_tui.store.layout import (
    FOLDERS,
    FORMAT,
    META_FILE,
    RESTORE_MARKER,
    SCHEMA_VERSION,
    read_meta,
    valid_child_id,
)
from pep_tui.store.locks import StoreWideLock, hold, partition_lock
from pep_tui.store.pending import mark_child, pending_partitions
from pep_tui.store.records import ChildRecord, PEPChange, StoreKind, Summariser, default_summary
from pep_tui.store.staff import StaffFile
from pep_tui.store.summaries import REINDEX_REMEDY, IndexedSummaries, append_entries
from pep_tui.store.unreadable import UnreadableChildren

_TERMS = ("autumn", "spring", "summer")


class Store(IndexedSummaries):
    """A data folder opened for use. Cheap to create; keeps only the indexes of summaries in memory.

    ``summariser(child, peps)`` makes a child's index entry; the entries under ``fact_keys`` are kept
    in a second index read only by :meth:`facts` (see :mod:`pep_tui.store.summaries`).
    ``summary_stamp()`` names what the summaries depend on besides the child (the services use the
    school term): when it changes, the index is rebuilt before the next list.
    """

    def __init__(
        self, root: Path, meta: dict[str, Any], summariser: Summariser | None = None, fact_keys: Collection[str] = (),
    ) -> None:
        self.root = root
        self.meta = meta
        self.kind: StoreKind = meta["kind"]
        self.summariser: Summariser = summariser or default_summary
        self.summary_stamp: Callable[[], str | None] | None = None
        #: Today's date for list entries that name the day they go out of date (``refresh_on``).
        self.summary_today: Callable[[], date] | None = None
        self.children_dir = root / "children"
        self.locks_dir = root / "locks"
        self.pending_dir = root / "pending"
        self.backups_dir = root / "backups"
        self.index = SummaryIndex(root / "index")
        self.facts_index = SummaryIndex(root / "facts")
        #: Keys of a summary kept in the facts index, not the list index (see pep_tui.store.summaries).
        self.fact_keys: frozenset[str] = frozenset(fact_keys)
        self.staff = StaffFile(self)
        self.audit = AuditLog(root / "audit")
        self.audit.before_read = self._repair_before_reading
        self.store_lock = StoreWideLock(self.locks_dir / "store.lock")
        #: Child files that did not parse, met by cohort-wide readers of this process and left out of
        #: lists and reports (see :mod:`pep_tui.store.unreadable`).
        self.unreadable = UnreadableChildren()
        #: Temp files of killed writes removed when this store was opened (reported by ``store check``).
        self.tidied_at_open: list[Path] = []

    # --- opening ------------------------------------------------------------------------------

    @classmethod
    def create(
        cls, root: Path | str, kind: StoreKind = "live", summariser: Summariser | None = None,
        fact_keys: Collection[str] = (),
    ) -> Store:
        """Create a new, empty store in ``root`` (which must be empty or absent)."""
        root = Path(root).expanduser()
        if (root / META_FILE).exists():
            raise StoreError(f"{root} already holds a pep-tui store; open it instead")
        ensure_dir(root)
        unexpected = [p.name for p in root.iterdir() if p.name not in {"settings.toml"}]
        if unexpected:
            raise StoreError(f"{root} is not empty ({', '.join(sorted(unexpected)[:3])}…); choose an empty folder")
        for sub in FOLDERS:
            ensure_dir(root / sub)
        meta = {"format": FORMAT, "schema": SCHEMA_VERSION, "kind": kind, "created_at": utcnow().isoformat()}
        store = cls(root, meta, summariser, fact_keys)
        store.facts_index.write_base({}, None)
        store.index.write_base({}, None)
        atomic_write_bytes(root / META_FILE, dump_json(meta))  # last: the folder is a store from here on
        return store

    @classmethod
    def open(
        cls,
        root: Path | str,
        expect_kind: StoreKind | None = None,
        summariser: Summariser | None = None,
        check_index: bool = True,
        fact_keys: Collection[str] = (),
    ) -> Store:
        """Open an existing store; refuse a missing, corrupt, half-restored or wrong-kind one clearly.

        An older schema is upgraded first (after a snapshot); see :mod:`pep_tui.store.migrations`.
        ``check_index=False`` opens despite a damaged index (for ``pep-tui store reindex``). Pass
        ``fact_keys`` with ``summariser`` (interrupted changes are repaired on open).
        """
        from pep_tui.store.backup import newest_backup
        from pep_tui.store.migrations import upgrade

        root = Path(root).expanduser()
        meta = read_meta(root)
        marker = root / RESTORE_MARKER
        if marker.exists():
            raise StoreError(
                f"a restore into {root} did not finish; run 'pep-tui store restore --resume' to complete it "
                f"(the data from before the restore is kept as a snapshot)"
            )
        if meta.get("schema", 0) > SCHEMA_VERSION:
            raise StoreError(f"{root} was written by a newer pep-tui (schema {meta['schema']}); upgrade pep-tui")
        kind = meta.get("kind")
        if expect_kind and kind != expect_kind:
            if kind == "training":
                raise WrongStoreKind(f"{root} is a training sandbox (fictional data), not a live store")
            raise WrongStoreKind(f"{root} is a live store; training sessions need their own sandbox ('pep-tui demo')")
        if meta.get("schema", 0) < SCHEMA_VERSION:
            meta = upgrade(root)
        store = cls(root, meta, summariser, fact_keys)
        for sub in FOLDERS:
            ensure_dir(root / sub)
        try:
            store.staff.read()
        except CorruptFile as exc:
            raise StoreCorrupt(exc.path, exc.reason, newest_backup(root)) from None
        try:
            if check_index:
                store.index.read()
        except IndexMissing:
            pass  # rebuilt on the first list
        except CorruptFile as exc:
            raise StoreCorrupt(exc.path, exc.reason, newest_backup(root), REINDEX_REMEDY) from None
        if summariser is not None:
            store.repair_pending()
        store.tidied_at_open = store.remove_leftover_temp_files(wait=False) or []
        return store

    # --- locks --------------------------------------------------------------------------------

    @contextmanager
    def changing(self, partition: str) -> Iterator[None]:
        """Hold the store-wide lock (shared) and one partition's lock (``child.<id>`` or ``staff``)."""
        with self.store_lock.shared(), hold(partition_lock(self.locks_dir, partition)):
            yield

    # --- children -----------------------------------------------------------------------------

    def _child_path(self, child_id: str) -> Path:
        if not valid_child_id(child_id):
            raise NotFound("no child with that id")
        return self.children_dir / f"{child_id}.json"

    def corrupt(self, exc: CorruptFile, remedy: str | None = None) -> StoreCorrupt:
        """The user-facing error for a file that does not parse."""
        from pep_tui.store.backup import newest_backup

        return StoreCorrupt(exc.path, exc.reason, newest_backup(self.root), remedy)

    def read_child_docs(self, child_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The raw stored child document and PEP documents (oldest term first)."""
        path = self._child_path(child_id)
        try:
            data = AtomicJSONStorage(path).read()
        except CorruptFile as exc:
            raise self.corrupt(exc) from None
        if data is None:
            raise NotFound(f"no child {child_id}")
        child_docs = list(data.get("child", {}).values()) if isinstance(data.get("child"), dict) else []
        pep_table = data.get("peps", {})
        if len(child_docs) != 1 or not isinstance(pep_table, dict):
            raise self.corrupt(CorruptFile(path, "expected one child record and a table of PEPs"))
        try:
            peps = sorted(pep_table.values(), key=lambda d: (d["academic_year"], _TERMS.index(d["term"])))
        except (KeyError, ValueError, TypeError):
            raise self.corrupt(CorruptFile(path, "a PEP has no valid academic year and term")) from None
        return child_docs[0], peps

    def load_child(self, child_id: str) -> ChildRecord:
        """A child with all their PEPs, read fresh from disk."""
        child_doc, pep_docs = self.read_child_docs(child_id)
        try:
            return ChildRecord(Child.model_validate(child_doc), [PEP.model_validate(d) for d in pep_docs])
        except ValueError as exc:
            reason = f"a record does not match the expected shape ({type(exc).__name__})"
            raise self.corrupt(CorruptFile(self._child_path(child_id), reason)) from None

    def load_child_or_skip(self, child_id: str) -> ChildRecord | None:
        """A child with their PEPs for a cohort-wide reader: ``None`` (the child recorded in
        :attr:`unreadable`) when the child's own file does not parse. Any other damage still raises."""
        try:
            return self.load_child(child_id)
        except StoreCorrupt as exc:
            self.unreadable.skip(child_id, exc, self._child_path(child_id))
            return None

    def child_path(self, child_id: str) -> Path:
        """The file of one child (:class:`NotFound` for an id that is no file name)."""
        return self._child_path(child_id)

    def child_exists(self, child_id: str) -> bool:
        """Whether a child file exists."""
        return self._child_path(child_id).exists()

    def child_ids(self) -> list[str]:
        """Ids of every child in the store (from the index)."""
        return list(self.summaries())

    def _check_kind(self, child: Child) -> None:
        """Fictional children only in training sandboxes, and never in a live store (a last guard)."""
        if child.training != (self.kind == "training"):
            where = "a live store" if self.kind == "live" else "a training sandbox"
            what = "a training (fictional) record" if child.training else "a live record"
            raise StoreError(f"refused to write {what} into {where}")

    def _write_child_file(self, child: Child, peps: list[PEP], events: list[AuditEvent]) -> None:
        """Replace the child's file; it also records the audit events of the change that wrote it."""
        self._check_kind(child)
        AtomicJSONStorage(self._child_path(child.id)).write({
            "child": {"1": child.model_dump(mode="json")},
            "peps": {str(i): p.model_dump(mode="json") for i, p in enumerate(peps, start=1)},
            "change": {"1": {"events": [e.model_dump(mode="json") for e in events]}},
        })

    def _commit(self, child: Child, peps: list[PEP], events: list[AuditEvent]) -> None:
        """Make one change to a child (caller holds its lock): mark, file, audit, index, unmark."""
        entries = self.summarise(child, peps)  # before writing anything: a failure here changes nothing
        events = [e.model_copy(update={"id": new_id("ev")}) for e in events]
        marker = mark_child(self.pending_dir, child.id)
        self._write_child_file(child, peps, events)
        for event in events:
            self.audit.append(event)
        with hold(partition_lock(self.locks_dir, "index")):
            append_entries(self, {child.id: entries}, self._stamp())
        marker.unlink(missing_ok=True)

    def create_child(self, child: Child, actor: str, role: str) -> Child:
        """Add a new child at revision 1."""
        path = self._child_path(child.id)
        with self.changing(f"child.{child.id}"):
            self._repair_child(child.id)
            if path.exists():
                raise StoreError(f"a child with id {child.id} already exists")
            child = child.model_copy(update={"revision": 1})
            event = AuditEvent(at=utcnow(), actor=actor, role=role, action="child.create", child_id=child.id,
                               new_revision=1)
            self._commit(child, [], [event])
        return child

    def save_child(
        self, child: Child, expected_revision: int, actor: str, role: str, changed: list[str] | None = None
    ) -> Child:
        """Save a child's record if nobody saved it since ``expected_revision``; else :class:`Conflict`."""
        self._child_path(child.id)  # an id that is no file name is refused before any lock is made for it
        with self.changing(f"child.{child.id}"):
            self._repair_child(child.id)
            current = self.load_child(child.id)
            if current.child.revision != expected_revision:
                last = self.audit.last(child.id, lambda e: e.pep_id is None and e.new_revision == current.child.revision)
                raise Conflict("This child's record", expected_revision, current.child.revision,
                               last.actor if last else None, last.at if last else None)
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
        change = PEPChange(pep, expected_revision, action, section_id, detail or {})
        return self.save_peps([change], actor, role)[0]

    def save_peps(self, changes: Sequence[PEPChange], actor: str, role: str) -> list[PEP]:
        """Save several PEPs of one child together: all of them or none, in one atomic write.

        Every change's revision is checked first; a stale one raises :class:`Conflict` naming who saved
        it and when, and nothing is written. Each PEP gets its own audit event (in the order given),
        recorded exactly once even if the process dies part-way (see :mod:`pep_tui.store.pending`).
        Returns the saved PEPs in the order given.
        """
        if not changes:
            return []
        child_id = changes[0].pep.child_id
        if any(c.pep.child_id != child_id for c in changes):
            raise StoreError("PEPs saved together must belong to the same child")
        if len({c.pep.id for c in changes}) != len(changes):
            raise StoreError("the same PEP was given twice in one save")
        self._child_path(child_id)  # an id that is no file name is refused before any lock is made for it
        with self.changing(f"child.{child_id}"):
            self._repair_child(child_id)
            record = self.load_child(child_id)
            peps = list(record.peps)
            positions = {p.id: i for i, p in enumerate(peps)}
            for change in changes:
                _check_revision(change, peps[positions[change.pep.id]] if change.pep.id in positions else None)
            now = utcnow()
            saved_peps: list[PEP] = []
            events: list[AuditEvent] = []
            for change in changes:
                old = change.expected_revision or 0
                saved = change.pep.model_copy(update={"revision": old + 1, "updated_by": actor, "updated_at": now})
                if change.pep.id in positions:
                    peps[positions[change.pep.id]] = saved
                else:
                    positions[saved.id] = len(peps)
                    peps.append(saved)
                saved_peps.append(saved)
                events.append(AuditEvent(
                    at=now, actor=actor, role=role, action=change.action, child_id=child_id, pep_id=saved.id,
                    section_id=change.section_id, old_revision=old or None, new_revision=saved.revision,
                    detail=dict(change.detail),
                ))
            self._commit(record.child, peps, events)
        return saved_peps

    def import_records(self, records: list[ChildRecord], actor: str, role: str, action: str = "child.import") -> int:
        """Add many new children with their PEPs in one go (sample cohorts, imports).

        Refuses (before writing anything) if any child already exists. See
        :func:`pep_tui.store.bulk.import_records`.
        """
        from pep_tui.store.bulk import import_records

        return import_records(self, records, actor, role, action)

    # --- crash repair (see pep_tui.store.repair) --------------------------------------------------

    def _repair_child(self, child_id: str) -> bool:
        """Finish a change to ``child_id`` that a crash interrupted (caller holds its lock)."""
        from pep_tui.store.repair import repair_child

        return repair_child(self, child_id)

    def repair_pending(self) -> list[str]:
        """Repair every change a crash interrupted; returns the partitions repaired (child ids, "staff",
        "plugin_documents/<namespace>/<name>")."""
        from pep_tui.store.repair import repair_pending

        return repair_pending(self)

    def _repair_before_reading(self, child_id: str | None) -> None:
        """Before a trail is read: finish the interrupted changes it would miss events of."""
        if child_id is None:
            if any(kind != "child" for kind, _ in pending_partitions(self.pending_dir)):
                self.repair_pending()
        elif valid_child_id(child_id) and (self.pending_dir / f"child.{child_id}.json").exists():
            with self.changing(f"child.{child_id}"):
                self._repair_child(child_id)

    # --- leftovers of killed writes (see pep_tui.store.leftovers) ------------------------------------

    def remove_leftover_temp_files(self, wait: bool = True) -> list[Path] | None:
        """Remove the temp files of writes killed before their rename; the files removed.

        Safe because it holds the store-wide lock exclusively, which no save holds while writing: every
        temp file found then belongs to a writer that died. ``wait=False`` (at open) gives up at once,
        returning ``None``, if a save is running: the next open or ``store check --repair`` removes them.
        """
        from pep_tui.store.leftovers import remove_leftovers

        return remove_leftovers(self, wait)

    # --- staff --------------------------------------------------------------------------------

    def list_staff(self):  # -> list[StaffMember]
        """Every staff record."""
        try:
            return self.staff.read()
        except CorruptFile as exc:
            raise self.corrupt(exc) from None

    def get_staff(self, login: str):  # -> StaffMember | None
        """The staff record for a login, if any."""
        return next((m for m in self.list_staff() if m.login == login), None)

    def save_staff(self, member, expected_revision: int | None, actor: str, role: str):
        """Add (``expected_revision=None``) or update a staff record, refusing stale revisions."""
        return self.staff.save(member, expected_revision, actor, role)


def _check_revision(change: PEPChange, current: PEP | None) -> None:
    """Refuse a change whose PEP was saved by someone else since it was read (or that creates a PEP twice)."""
    if change.expected_revision is None:
        if current is not None:
            raise StoreError(f"PEP {change.pep.id} already exists")
        return
    if current is None:
        raise NotFound(f"no PEP {change.pep.id} for this child")
    if current.revision != change.expected_revision:
        raise Conflict(f"The {current.term_ref.label} PEP", change.expected_revision, current.revision,
                       current.updated_by, current.updated_at)
