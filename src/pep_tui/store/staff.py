"""The staff file (``staff.json``, TinyDB table "staff"): read, and changed under the staff lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tinydb import Query, TinyDB

from pep_tui.domain import AuditEvent, StaffMember, new_id, utcnow
from pep_tui.store.errors import Conflict, NotFound, StoreError
from pep_tui.store.files import AtomicJSONStorage
from pep_tui.store.layout import STAFF_FILE
from pep_tui.store.pending import STAFF_MARKER, Marker, marker_name, read_marker, write_marker

if TYPE_CHECKING:
    from pep_tui.store.repository import Store


class StaffFile:
    """Staff records of one store. Changes go through the same marker protocol as children's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = store.root / STAFF_FILE

    def _db(self) -> TinyDB:
        return TinyDB(self.path, storage=AtomicJSONStorage)

    def read(self) -> list[StaffMember]:
        """Every staff record (raises ``CorruptFile`` if the file does not parse)."""
        from pep_tui.store.files import CorruptFile

        data = AtomicJSONStorage(self.path).read()
        if not data:
            return []
        try:
            return [StaffMember.model_validate(d, context={"stored": True}) for d in data.get("staff", {}).values()]
        except (ValueError, TypeError, AttributeError) as exc:  # the message could quote a name: not shown
            raise CorruptFile(self.path, f"a staff record does not match the expected shape ({type(exc).__name__})"
                              ) from None

    def save(self, member: StaffMember, expected_revision: int | None, actor: str, role: str) -> StaffMember:
        """Add (``expected_revision=None``) or update a staff record, refusing stale revisions."""
        from pep_tui.store.files import CorruptFile

        with self.store.changing("staff"):
            try:
                self.repair()
                self.read()  # a file with a record that does not read is refused, never rewritten
                with self._db() as db:
                    table = db.table("staff")
                    q = Query()
                    found = table.get(q.login == member.login)
                    if expected_revision is None and found is not None:
                        raise StoreError(f"staff login {member.login!r} already exists")
                    if expected_revision is not None:
                        if found is None:
                            raise NotFound(f"no staff login {member.login!r}")
                        current = found.get("revision", 0)
                        if current != expected_revision:
                            last = self.store.audit.last(
                                None, lambda e: e.detail.get("login") == member.login and e.new_revision == current)
                            raise Conflict(f"Staff record {member.login}", expected_revision, current,
                                           last.actor if last else None, last.at if last else None)
                    saved = member.model_copy(update={"revision": (expected_revision or 0) + 1})
                    event = AuditEvent(
                        id=new_id("ev"), at=utcnow(), actor=actor, role=role,
                        action="staff.add" if expected_revision is None else "staff.save",
                        old_revision=expected_revision, new_revision=saved.revision, detail={"login": member.login},
                    )
                    marker = write_marker(self.store.pending_dir,
                                          Marker("staff", STAFF_MARKER, [(member.login, saved.revision)], [event]))
                    table.upsert(saved.model_dump(mode="json"), q.login == member.login)
            except CorruptFile as exc:
                raise self.store.corrupt(exc) from None
            self.store.audit.append(event)
            marker.unlink(missing_ok=True)
        return saved

    def repair(self) -> bool:
        """Finish or drop a staff change a crash interrupted (caller holds the staff lock)."""
        path = self.store.pending_dir / marker_name("staff", STAFF_MARKER)
        if not path.exists():
            return False
        marker = read_marker(path)
        if marker is not None:
            revisions = {m.login: m.revision for m in self.read()}
            if all(revisions.get(login) == rev for login, rev in marker.checks):
                for event in marker.events:
                    if event.id is None or not self.store.audit.has(None, event.id):
                        self.store.audit.append(event)
        path.unlink(missing_ok=True)
        return True
