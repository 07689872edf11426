"""Helpers for the store tests that run in other processes (importable by spawn/forkserver children)."""

from __future__ import annotations

import os
import random
from datetime import UTC, date, datetime
from pathlib import Path

from pep_tui.domain import PEP, Child, SectionData
from pep_tui.store import ChildRecord, Conflict, Store

SECTION = "test.log"
TERMS = ("autumn", "spring", "summer")


def make_child(i: int) -> Child:
    """A fictional child."""
    return Child(id=f"child_{i:04d}", first_name="Testchild", last_name=f"Number{i}", date_of_birth=date(2014, 5, 1),
                 training=True)


def make_pep(child_id: str, n: int) -> PEP:
    """A fictional PEP ``n`` for a child, with an empty log section."""
    now = datetime(2026, 1, 5, tzinfo=UTC)
    return PEP(id=f"{child_id}_pep{n}", child_id=child_id, academic_year=2023 + n // 3, term=TERMS[n % 3],
               stage="ks2", year_group=5, created_by="setup", created_at=now, updated_by="setup", updated_at=now,
               sections={SECTION: SectionData(data={"writes": []})})


def build_store(root: Path, children: int, peps: int) -> Store:
    """A store with ``children`` children of ``peps`` PEPs each (default summariser)."""
    store = Store.create(root, "training")
    store.import_records([ChildRecord(make_child(i), [make_pep(f"child_{i:04d}", n) for n in range(peps)])
                          for i in range(children)], "setup", "system")
    return store


def append_token(store: Store, child_id: str, pep_id: str, token: str, actor: str, pause: float = 0.0) -> int:
    """Read a PEP, add ``token`` to its log and save it based on the revision read; returns the new revision.

    Raises :class:`Conflict` when someone saved in between.
    """
    pep = store.load_child(child_id).pep(pep_id)
    writes = list(pep.sections[SECTION].data["writes"]) + [token]
    if pause:
        import time

        time.sleep(pause)
    changed = pep.model_copy(update={"sections": {**pep.sections, SECTION: SectionData(data={"writes": writes})}})
    return store.save_pep(changed, pep.revision, actor, "designated_teacher", section_id=SECTION).revision


def concurrent_saver(root: str, worker: int, saves: int, targets: list[tuple[str, str]], seed: int) -> dict:
    """Make ``saves`` read-modify-write saves on random ``targets``; report which were applied."""
    store = Store.open(root)
    rng = random.Random(seed)
    applied: list[str] = []
    conflicts: list[str] = []
    for n in range(saves):
        child_id, pep_id = rng.choice(targets)
        token = f"w{worker}-{n}"
        try:
            append_token(store, child_id, pep_id, token, f"staff.{worker}", pause=rng.random() * 0.002)
            applied.append(token)
        except Conflict as exc:
            if "staff." not in str(exc) or "Testchild" in str(exc):
                raise AssertionError(f"conflict message does not name the saver: {exc}") from None
            conflicts.append(token)
    return {"worker": worker, "applied": applied, "conflicts": conflicts}


def crash_writer(root: str, acks: str, targets: list[tuple[str, str]], seed: int) -> None:
    """Save forever, writing ``child pep revision token`` to ``acks`` after each save returns."""
    store = Store.open(root)
    rng = random.Random(seed)
    fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    n = 0
    while True:
        child_id, pep_id = rng.choice(targets)
        token = f"s{seed}-{n}"
        revision = append_token(store, child_id, pep_id, token, "staff.crash")
        os.write(fd, f"{child_id} {pep_id} {revision} {token}\n".encode())
        n += 1


def locked_increments(lock_path: str, counter: str, times: int) -> None:
    """Add one to the number in ``counter`` ``times`` times, each under the transient lock ``lock_path``."""
    from pep_tui.store.locks import transient_lock

    for _ in range(times):
        with transient_lock(Path(lock_path), timeout=60):
            value = int(Path(counter).read_text() or "0")
            Path(counter).write_text(str(value + 1))
