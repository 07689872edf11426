"""Writers SIGKILLed between writing their temp file and renaming it: the leftovers are reported by
``store check``, never removed while a save may be running, removed at open when no save runs, and
removed (each listed) by ``store check --repair``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import store_workers as w  # noqa: E402

from pep_tui.domain import StaffMember  # noqa: E402
from pep_tui.store import Store  # noqa: E402
from pep_tui.store.check import check_store  # noqa: E402
from pep_tui.store.leftovers import find_leftovers  # noqa: E402
from pep_tui.store.locks import StoreWideLock  # noqa: E402

HERE = Path(__file__).parent

# A real writer, stopped just before its os.replace (after the temp file is written and fsynced), then
# killed by the test with SIGKILL: exactly what a kill at that instant leaves behind.
WRITER = """
import os, sys, time
sys.path.insert(0, {here!r})
import store_workers as w
from pep_tui.domain import StaffMember
from pep_tui.store import Store
import pep_tui.store.files as files

root, what, ready = sys.argv[1], sys.argv[2], sys.argv[3]
def stop_before_rename(src, dst):
    open(ready, "w").close()
    time.sleep(120)
files.os.replace = stop_before_rename
store = Store.open(root)
if what == "staff":
    store.save_staff(StaffMember(login="sw.killed", display_name="Killed", roles=["social_worker"]), None, "op", "system")
else:
    w.append_token(store, what, what + "_pep0", "lost", "staff.killed")
"""


def _kill_writer_mid_save(tmp_path: Path, root: Path, what: str) -> None:
    ready = tmp_path / f"ready-{what}"
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(here=str(HERE)), str(root), what, str(ready)])
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert proc.poll() is None, "the writer died before reaching its rename"
            assert time.monotonic() < deadline, "the writer never reached its rename"
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


def _killed_store(tmp_path: Path) -> tuple[Path, list[Path]]:
    root = tmp_path / "store"
    store = w.build_store(root, children=3, peps=1)
    store.save_staff(StaffMember(login="vs.head", display_name="Head", roles=["virtual_school"]), None, "op", "system")
    # Each writer's own open would tidy its predecessor's leftover (no save runs then); a save held
    # open here, as by another session, keeps them all for the test to see.
    with StoreWideLock(root / "locks" / "store.lock").shared():
        for what in ("child_0000", "child_0002", "staff"):
            _kill_writer_mid_save(tmp_path, root, what)
    leftovers = find_leftovers(root)
    assert len(leftovers) == 3 and all(p.name.startswith(".") and p.name.endswith(".tmp") for p in leftovers)
    return root, leftovers


def test_leftovers_of_killed_writers_are_reported_then_repaired_each_listed(tmp_path: Path) -> None:
    root, leftovers = _killed_store(tmp_path)
    # Another process is saving (it holds the store-wide lock shared): opening must not remove any
    # temp file, as one may be that writer's, about to be renamed.
    with StoreWideLock(root / "locks" / "store.lock").shared():
        store = Store.open(root)
        assert store.tidied_at_open == []
        assert find_leftovers(root) == leftovers
        report = check_store(store, modes=False)
    names = sorted(str(p.relative_to(root)) for p in leftovers)
    assert sorted(report.leftovers) == names
    assert any("3 temp file(s) left by killed writes" in line and "--repair" in line for line in report.warnings)
    assert {p.parent.name for p in leftovers} == {"children", "store"}  # two child files and staff.json

    repaired = check_store(store, modes=False, repair=True)
    assert find_leftovers(root) == []
    assert repaired.leftovers == [] and repaired.ok, repaired.problems
    assert sorted(line.split()[1] for line in repaired.fixed if line.startswith("removed ")) == names
    # the killed saves were never acknowledged, and nothing they half-wrote is visible
    assert "lost" not in str(store.load_child("child_0000").peps[0].sections)
    assert store.get_staff("sw.killed") is None


def test_opening_removes_leftovers_when_no_save_is_running_and_check_says_so(tmp_path: Path, capsys) -> None:
    root, leftovers = _killed_store(tmp_path)
    store = Store.open(root)
    assert sorted(store.tidied_at_open) == leftovers
    assert find_leftovers(root) == []
    report = check_store(store, modes=False)
    assert report.ok and report.leftovers == []
    assert len([line for line in report.fixed if "when the store opened" in line]) == 3


def test_a_temp_file_of_a_save_in_progress_is_never_removed(tmp_path: Path) -> None:
    """The lock, not the age, decides: an old temp file of a save that is still running stays."""
    root = tmp_path / "store"
    w.build_store(root, children=1, peps=1)
    live = root / "children" / ".child_0000.json.abc123.tmp"
    live.write_bytes(b"{}")
    os.utime(live, (time.time() - 86400, time.time() - 86400))  # a day old: a suspended session
    with StoreWideLock(root / "locks" / "store.lock").shared():
        assert Store.open(root).tidied_at_open == []
        assert live.exists()
    assert Store.open(root).tidied_at_open == [live] and not live.exists()


def test_store_check_cli_lists_leftovers_and_repair_lists_each_removal(tmp_path: Path, capsys) -> None:
    from pep_tui.cli import main

    root, leftovers = _killed_store(tmp_path)
    with StoreWideLock(root / "locks" / "store.lock").shared():  # a save in progress elsewhere
        code = main(["--data-dir", str(root), "store", "check"])
    out = capsys.readouterr().out
    assert code == 0 and "3 temp file(s) left by killed writes" in out and "store check --repair" in out
    code = main(["--data-dir", str(root), "store", "check", "--repair"])
    out = capsys.readouterr().out
    assert code == 0 and "store check: OK" in out
    for path in leftovers:
        assert f"repaired: removed {path.relative_to(root)}" in out
    assert find_leftovers(root) == []
