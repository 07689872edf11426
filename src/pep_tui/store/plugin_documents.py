"""Documents that feature plugins keep beside the children: budget years, settings they edit, pools.

A feature plugin sometimes needs data that belongs to no one child (the Pupil Premium Plus grant for a
financial year, a central budget line). It keeps that data here, under its own namespace::

    plugin_documents/<namespace>/<name>.json

Each document is a JSON object ``{"revision", "updated_by", "updated_at", "data", "change"}``. The
guarantees are the store's own: every read-modify-write holds a cross-process lock; a save names the
revision it was based on and a stale one raises :class:`~pep_tui.store.errors.Conflict` naming who
saved in between; files are replaced atomically (never torn); a file that does not parse raises
:class:`~pep_tui.store.errors.StoreCorrupt` and is never overwritten; every change appears in the
store-wide audit trail (``audit/store.jsonl``) exactly once, even if the process dies part-way.

That last guarantee works as for a child (see :mod:`pep_tui.store.pending`): under the document's lock
a change creates the marker ``pending/doc.<namespace>.<name>.json``, replaces the document (whose
``change`` records the change's audit event, with a unique id), appends the event and removes the
marker. Whoever next changes the document, lists children, reads the store-wide trail or checks the
store finishes an interrupted change: it appends the document's recorded event unless its id is
already in the trail, then removes the marker.

Usage (in a plugin's service)::

    docs = PluginDocuments(store, "pupil_premium")
    budget = docs.read("budget-2025-26")          # revision 0 and empty data if absent
    docs.save("budget-2025-26", data, budget.revision, actor, role, action="budget.save")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pep_tui.domain import AuditEvent, new_id, utcnow
from pep_tui.store.errors import Conflict, NotFound, StoreCorrupt
from pep_tui.store.files import CorruptFile, atomic_write_bytes, dump_json, ensure_dir, load_json
from pep_tui.store.locks import hold, partition_lock
from pep_tui.store.pending import document_marker, mark

if TYPE_CHECKING:
    from pep_tui.store.repository import Store

FOLDER = "plugin_documents"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")


@dataclass(frozen=True)
class PluginDocument:
    """One document as read: its data, its revision (0 when it does not exist yet) and who saved it."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)
    revision: int = 0
    updated_by: str | None = None
    updated_at: datetime | None = None


class PluginDocuments:
    """The documents of one plugin namespace in one store."""

    def __init__(self, store: Store, namespace: str) -> None:
        if not _NAME.match(namespace) or "." in namespace:
            raise ValueError(f"plugin namespace {namespace!r} should be lower-case letters, digits and _")
        self.store = store
        self.namespace = namespace
        self.folder = store.root / FOLDER / namespace

    def _path(self, name: str) -> Path:
        if not _NAME.match(name) or ".." in name:
            raise NotFound(f"no document {name!r}: names are lower-case letters, digits, '.', '-' and '_'")
        return self.folder / f"{name}.json"

    @contextmanager
    def _lock(self, name: str) -> Iterator[None]:
        """The store-wide lock (shared: no backup or restore meanwhile) and this document's own lock."""
        ensure_dir(self.store.locks_dir)
        with ExitStack() as stack:
            store_lock = getattr(self.store, "store_lock", None)
            if store_lock is not None:
                stack.enter_context(store_lock.shared())
            stack.enter_context(hold(partition_lock(self.store.locks_dir, f"doc.{self.namespace}.{name}")))
            yield

    def read(self, name: str) -> PluginDocument:
        """The document, read fresh from disk; an absent one is empty at revision 0."""
        path = self._path(name)
        raw = self._load(path)
        if raw is None:
            return PluginDocument(name)
        at = raw.get("updated_at")
        try:
            return PluginDocument(
                name=name, data=raw["data"], revision=int(raw.get("revision", 0)), updated_by=raw.get("updated_by"),
                updated_at=datetime.fromisoformat(at) if isinstance(at, str) else None,
            )
        except (TypeError, ValueError):
            raise self._corrupt(path, "its revision or time is not readable") from None

    def _load(self, path: Path) -> dict[str, Any] | None:
        """The raw document (``None`` if absent); :class:`StoreCorrupt` if it is not a plugin document."""
        try:
            raw = load_json(path)
        except FileNotFoundError:
            return None
        except CorruptFile as exc:
            raise self._corrupt(exc.path, exc.reason) from None
        if not isinstance(raw, dict) or not isinstance(raw.get("data"), dict):
            raise self._corrupt(path, "not a plugin document")
        return raw

    def _corrupt(self, path: Path, reason: str) -> StoreCorrupt:
        from pep_tui.store import newest_backup  # the package, not a module that may move

        return StoreCorrupt(path, reason, newest_backup(self.store.root))

    def names(self) -> list[str]:
        """The names of the namespace's documents, sorted."""
        if not self.folder.exists():
            return []
        return sorted(p.stem for p in self.folder.glob("*.json"))

    def save(
        self,
        name: str,
        data: dict[str, Any],
        expected_revision: int,
        actor: str,
        role: str,
        action: str = "save",
        detail: dict[str, Any] | None = None,
    ) -> PluginDocument:
        """Replace a document's data if nobody saved it since ``expected_revision`` (0: it must not exist).

        A stale revision raises :class:`Conflict` naming who saved; nothing is written.
        """
        return self.update(name, lambda _old: data, actor, role, action, detail, expected_revision)

    def update(
        self,
        name: str,
        change: Callable[[dict[str, Any]], dict[str, Any]],
        actor: str,
        role: str,
        action: str = "save",
        detail: dict[str, Any] | None = None,
        expected_revision: int | None = None,
    ) -> PluginDocument:
        """Read the current data under the lock, apply ``change`` to a copy, write the result, audit it.

        ``change`` may raise to refuse (nothing is written). With ``expected_revision`` a document saved
        by someone else since then raises :class:`Conflict`; without it the change is applied to the
        fresh data, so two people changing different parts never lose each other's work.
        """
        path = self._path(name)
        with self._lock(name):
            self._repair(name)
            current = self.read(name)
            if expected_revision is not None and current.revision != expected_revision:
                raise Conflict(
                    f"The {self.namespace.replace('_', ' ')} document {name}", expected_revision, current.revision,
                    current.updated_by, current.updated_at,
                )
            new_data = change(_deep_copy(current.data))
            if not isinstance(new_data, dict):
                raise TypeError("a plugin document's data must be a dict")
            now = utcnow()
            revision = current.revision + 1
            event = AuditEvent(
                id=new_id("ev"), at=now, actor=actor, role=role, action=f"{self.namespace}.{action}",
                old_revision=current.revision or None, new_revision=revision,
                detail={"document": f"{self.namespace}/{name}", **(detail or {})},
            )
            content = dump_json({
                "revision": revision, "updated_by": actor, "updated_at": now.isoformat(), "data": new_data,
                "change": {"events": [event.model_dump(mode="json")]},
            })  # before the marker: data that cannot be written changes nothing
            ensure_dir(self.folder)
            marker = mark(self.store.pending_dir, document_marker(self.namespace, name))
            atomic_write_bytes(path, content)
            self.store.audit.append(event)
            marker.unlink(missing_ok=True)
        return PluginDocument(name, new_data, revision, actor, now)

    def repair(self, name: str) -> bool:
        """Finish a change to document ``name`` that a crash interrupted; ``False`` if there was none."""
        self._path(name)
        if not (self.store.pending_dir / document_marker(self.namespace, name)).exists():
            return False
        with self._lock(name):
            return self._repair(name)

    def _repair(self, name: str) -> bool:
        """Record the audit event of the document's last change unless it is already in the trail, then
        remove the marker (caller holds the document's lock). Idempotent."""
        marker = self.store.pending_dir / document_marker(self.namespace, name)
        if not marker.exists():
            return False
        path = self._path(name)
        raw = self._load(path)
        change = raw.get("change") if raw is not None else None
        try:
            events = [AuditEvent.model_validate(e) for e in change["events"]] if isinstance(change, dict) else []
        except (KeyError, TypeError, ValueError):
            raise self._corrupt(path, "the record of its last change is not readable") from None
        for event in events:
            if event.id is not None and not self.store.audit.has(None, event.id):
                self.store.audit.append(event)
        marker.unlink(missing_ok=True)
        return True


def _deep_copy(data: dict[str, Any]) -> dict[str, Any]:
    import orjson

    return orjson.loads(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS))
