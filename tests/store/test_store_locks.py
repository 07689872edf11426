"""A lock kept beside a folder (a training sandbox's) excludes other processes and leaves no file behind."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import store_workers as w  # noqa: E402

from pep_tui.store import StoreBusy  # noqa: E402
from pep_tui.store.locks import transient_lock  # noqa: E402

WORKERS = 4
TIMES = 150


def test_a_transient_lock_excludes_other_processes_although_its_file_comes_and_goes(tmp_path: Path) -> None:
    lock, counter = tmp_path / ".thing.lock", tmp_path / "counter"
    counter.write_text("0")
    ctx = multiprocessing.get_context("forkserver")
    procs = [ctx.Process(target=w.locked_increments, args=(str(lock), str(counter), TIMES)) for _ in range(WORKERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
        assert proc.exitcode == 0
    assert int(counter.read_text()) == WORKERS * TIMES  # no two holders at once: no increment lost
    assert not lock.exists()


def test_a_transient_lock_times_out_with_a_clear_message_and_exists_only_while_held(tmp_path: Path) -> None:
    lock = tmp_path / ".thing.lock"
    with transient_lock(lock):
        assert lock.exists() and (lock.stat().st_mode & 0o777) == 0o600
        ctx = multiprocessing.get_context("forkserver")
        with ctx.Pool(1) as pool, pytest.raises(StoreBusy, match="busy building"):
            pool.apply(_try_briefly, (str(lock),))
    assert not lock.exists()


def _try_briefly(lock: str) -> None:
    with transient_lock(Path(lock), timeout=0.2, busy="busy building it"):
        pass


def test_a_sandbox_given_with_data_dir_leaves_nothing_beside_its_folder(tmp_path: Path) -> None:
    from pep_tui.training.sandbox import prepare_sandbox, reset_sandbox

    parent = tmp_path / "trainers"
    parent.mkdir()
    (parent / "notes.txt").write_text("mine")
    folder = parent / "room2"
    prepare_sandbox(folder, children=3)
    reset_sandbox(folder)
    assert sorted(p.name for p in parent.iterdir()) == ["notes.txt", "room2"]
    assert not [p for p in folder.iterdir() if p.name.endswith(".sandbox.lock")]
