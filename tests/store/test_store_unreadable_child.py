"""One truncated child file: every cohort-wide command finishes for the other children, names the
file (and the child's id, never a name) and exits PARTIAL; ``store check`` says "unreadable" and why;
``store restore --child`` brings that one child back from a snapshot without touching anyone else."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pep_tui.cli import main
from pep_tui.cli.exit_codes import OK, PARTIAL
from pep_tui.services import Services
from pep_tui.store import Store
from pep_tui.store.index import SummaryIndex
from pep_tui_plugins.pupil_premium.service import pupil_premium

DATA = Path(__file__).parents[1] / "reports" / "data"


def run(capsys, root: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(root), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _truncate(path: Path) -> None:
    """A third of the file, as a new file (as a bad copy or restore by hand leaves it). Damage in place
    would also reach the snapshot: snapshots hard-link the files the store only ever replaces."""
    raw = path.read_bytes()
    path.unlink()
    path.write_bytes(raw[: len(raw) // 3])
    path.chmod(0o600)


def _as_at_a_new_term(root: Path) -> None:
    """What the first list of a new term meets: every summary was made under last term's stamp, so
    every child file is read again to re-summarise it."""
    for folder in ("index", "facts"):
        index = SummaryIndex(root / folder)
        index.write_base(dict(index.read().summaries), "summer 1999-00")


@pytest.fixture
def damaged(cohort: Services, capsys):
    """The sample cohort with one child (one with a PP+ request awaiting a decision) truncated, after a
    snapshot was taken. Returns (root, child id, child's name, the other children's ids)."""
    root = cohort.store.root
    vs = cohort.principal_for("vs.head")
    queue = pupil_premium(cohort).queue(vs)
    victim = queue[0].child_id
    name = next(s["name"] for s in cohort.children.list(vs) if s["child_id"] == victim)
    others = set(cohort.store.summaries()) - {victim}
    assert run(capsys, root, "store", "backup")[0] == OK
    _truncate(root / "children" / f"{victim}.json")
    return root, victim, name, others


def _assert_partial(code: int, err: str, victim: str, name: str) -> None:
    assert code == PARTIAL, err
    assert f"children/{victim}.json cannot be read" in err and f"--child {victim}" in err
    assert name not in err and name.split()[0] not in err


COHORT_COMMANDS = [
    ("report", "compliance"),
    ("report", "compliance", "--csv"),
    ("pp", "queue"),
    ("pp", "ledger"),
    ("pp", "ledger", "--csv", "-"),
    ("reconcile", "903", str(DATA / "sample_903.csv")),
    ("store", "reindex"),
]


@pytest.mark.parametrize("new_term", [False, True], ids=["index-current", "new-term"])
def test_exports_go_on_without_the_unreadable_child_and_name_it(damaged, capsys, tmp_path, new_term) -> None:
    root, victim, name, others = damaged
    if new_term:
        _as_at_a_new_term(root)
    code, _, err = run(capsys, root, "export", "data", "--format", "csv", "--out", str(tmp_path / "csv"))
    _assert_partial(code, err, victim, name)
    with (tmp_path / "csv" / "children.csv").open(newline="", encoding="utf-8-sig") as fh:
        exported = {row["id"] for row in csv.DictReader(fh)}
    assert exported == others
    code, _, err = run(capsys, root, "export", "data", "--format", "json", "--out", str(tmp_path / "json"))
    _assert_partial(code, err, victim, name)
    cohort = json.loads((tmp_path / "json" / "cohort.json").read_text())
    assert {c["child"]["id"] for c in cohort["children"]} == others


def test_the_pp_queue_goes_on_without_a_child_it_must_open(damaged, capsys) -> None:
    root, victim, name, _ = damaged
    code, out, err = run(capsys, root, "pp", "queue")
    _assert_partial(code, err, victim, name)
    assert victim not in out and "child_" in out  # the other requests are listed


@pytest.mark.parametrize("argv", COHORT_COMMANDS, ids=lambda a: " ".join(a[:3]).replace("/", "_")[:30])
def test_every_cohort_command_completes_for_the_others_at_a_new_term(damaged, capsys, argv) -> None:
    root, victim, name, others = damaged
    _as_at_a_new_term(root)
    code, out, err = run(capsys, root, *argv)
    _assert_partial(code, err, victim, name)
    assert victim not in out
    if argv[:2] == ("report", "compliance") and "--csv" in argv:
        assert ["all", "All children", "children", str(len(others))] in list(csv.reader(out.splitlines()))
    # and again: the next command names it too (it is tried again until it is restored)
    code, _, err = run(capsys, root, "report", "compliance")
    _assert_partial(code, err, victim, name)


def test_store_check_says_unreadable_and_why_not_no_file(damaged, capsys) -> None:
    root, victim, _, _ = damaged
    code, out, _ = run(capsys, root, "store", "check")
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 1, problems
    assert f"(child {victim}) is unreadable: not valid JSON" in problems[0]
    assert f"pep-tui store restore --child {victim}" in problems[0]
    assert "no file" not in out
    code, out, _ = run(capsys, root, "store", "check", "--json")
    assert list(json.loads(out)["unreadable"]) == [victim]


def test_restore_child_brings_back_one_child_while_another_childs_later_save_survives(damaged, cohort, capsys):
    root, victim, name, others = damaged
    damaged_bytes = (root / "children" / f"{victim}.json").read_bytes()
    # someone else saves another child after the snapshot
    other = sorted(others)[0]
    later = Store.open(root)
    record = later.load_child(other)
    later.save_child(record.child.model_copy(update={"preferred_name": "Later"}), record.child.revision,
                     "sw.amara", "social_worker")

    code, out, err = run(capsys, root, "store", "restore", "--child", victim)
    assert code == OK, err
    assert f"restored child {victim}" in out and name not in out

    fresh = Store.open(root)
    assert fresh.load_child(other).child.preferred_name == "Later"  # untouched
    restored = fresh.load_child(victim)
    assert restored.child.id == victim and restored.peps
    evidence = list((root / "children").glob(f"{victim}.json.before-restore-*"))
    assert len(evidence) == 1 and evidence[0].read_bytes() == damaged_bytes
    events = [e for e in fresh.audit.for_child(victim) if e.action == "child.restore"]
    assert len(events) == 1 and events[0].detail["kept_as"] == evidence[0].name and events[0].actor
    assert victim in fresh.summaries()  # the index has the child again
    # everything works for everyone again
    for argv in COHORT_COMMANDS[:3]:
        code, out, err = run(capsys, root, *argv)
        assert code == OK and "left out" not in err and "cannot be read" not in err, (argv, err)
    code, out, _ = run(capsys, root, "store", "check")
    assert code == 0, out


def test_restore_child_refuses_to_roll_back_a_readable_child_without_yes(damaged, capsys) -> None:
    root, _, _, others = damaged
    other = sorted(others)[0]
    before = (root / "children" / f"{other}.json").read_bytes()
    code, _, err = run(capsys, root, "store", "restore", "--child", other)
    assert code == 2 and "add --yes" in err
    assert (root / "children" / f"{other}.json").read_bytes() == before
    code, _, err = run(capsys, root, "store", "restore", "--child", other, "--snapshot", "no-such-snapshot")
    assert code == 2
    code, _, err = run(capsys, root, "store", "restore", "--child", other, "--yes")
    assert code == OK, err


def test_the_unreadable_child_is_still_named_after_the_index_is_compacted(damaged, capsys) -> None:
    root, victim, name, _ = damaged
    _as_at_a_new_term(root)
    assert run(capsys, root, "report", "compliance")[0] == PARTIAL
    store = Store.open(root)
    for index in (store.index, store.facts_index):
        index.compact()
    code, _, err = run(capsys, root, "pp", "ledger")
    _assert_partial(code, err, victim, name)
