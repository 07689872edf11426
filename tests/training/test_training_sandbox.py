"""Sandboxes: deterministic, resettable, one per trainee, and never confused with anything else."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pep_tui.store import StoreError
from pep_tui.training import (
    SandboxError,
    check_trainee_name,
    open_sandbox,
    prepare_sandbox,
    reset_sandbox,
    sandbox_dir,
)
from pep_tui.training.sandbox import read_sandbox_info

_spec = importlib.util.spec_from_file_location("training_snapshots", Path(__file__).with_name("snapshots.py"))
snapshots = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(snapshots)
cohort_snapshot = snapshots.cohort_snapshot


def _change_something(opened) -> str:
    """Change one child's record through the services; returns the child id."""
    services = opened.services
    head = services.principal_for("vs.head")
    child_id = sorted(s["child_id"] for s in services.children.list(head))[0]
    child = services.children.get(head, child_id)
    services.children.update(head, child_id, {"preferred_name": "Changed"}, child.revision)
    return child_id


def test_same_seed_gives_the_same_cohort_ids_included(sandbox_template: Path, tmp_path: Path) -> None:
    again, _ = prepare_sandbox(tmp_path / "again")
    first = cohort_snapshot(open_sandbox(sandbox_template))
    second = cohort_snapshot(again)
    assert len(first["children"]) == 60
    assert sum(len(c["peps"]) for c in first["children"].values()) > 100
    assert first == second


def test_another_seed_gives_another_cohort(sandbox_template: Path, tmp_path: Path) -> None:
    other, _ = prepare_sandbox(tmp_path / "other", seed=7, children=20)
    assert set(cohort_snapshot(other)["children"]).isdisjoint(cohort_snapshot(open_sandbox(sandbox_template))["children"])
    assert read_sandbox_info(tmp_path / "other").seed == 7


def test_every_child_in_a_sandbox_is_marked_training(sandbox) -> None:
    snapshot = cohort_snapshot(sandbox)
    assert snapshot["children"] and all(c["child"]["training"] for c in snapshot["children"].values())
    assert sandbox.services.principal_for("vs.head").training is True


def test_reset_restores_the_starting_state(sandbox_template: Path, sandbox_copy) -> None:
    folder = sandbox_copy()
    opened = open_sandbox(folder)
    start = cohort_snapshot(open_sandbox(sandbox_template))
    changed_id = _change_something(opened)
    assert cohort_snapshot(opened) != start
    fresh = reset_sandbox(folder)
    assert cohort_snapshot(fresh) == start
    head = fresh.services.principal_for("vs.head")
    assert fresh.services.children.get(head, changed_id).preferred_name is None


def test_demo_reset_through_prepare_sandbox_keeps_seed_settings_and_exercise_folders(tmp_path: Path) -> None:
    folder = tmp_path / "small"
    exercises = tmp_path / "my-exercises"
    exercises.mkdir()
    prepare_sandbox(folder, seed=11, children=12, exercise_folders=[exercises])
    (folder / "settings.toml").write_text('[policy]\nqa_scale = "ggar"\n')
    opened, _ = prepare_sandbox(folder, reset=True)  # the council's QA scale now shapes the cohort
    start = cohort_snapshot(opened)
    assert any(p["qa_ratings"] and p["qa_ratings"][0]["scale"] == "ggar"
               for c in start["children"].values() for p in c["peps"])
    _change_something(opened)
    again, _ = prepare_sandbox(folder, reset=True)
    assert cohort_snapshot(again) == start
    info = read_sandbox_info(folder)
    assert (info.seed, info.children) == (11, 12)
    assert info.exercise_folders == [str(exercises.resolve())]
    assert (folder / "settings.toml").read_text().startswith("[policy]")
    assert again.settings.policy.qa_scale == "ggar"


def test_a_different_cohort_in_an_existing_sandbox_needs_reset(tmp_path: Path) -> None:
    prepare_sandbox(tmp_path / "s", seed=3, children=5)
    with pytest.raises(SandboxError, match="--reset"):
        prepare_sandbox(tmp_path / "s", seed=4)
    prepare_sandbox(tmp_path / "s")  # no cohort asked for: the existing one opens
    opened, _ = prepare_sandbox(tmp_path / "s", seed=4, reset=True)
    assert read_sandbox_info(tmp_path / "s").seed == 4
    assert len(cohort_snapshot(opened)["children"]) == 5


def test_reset_refuses_what_is_not_a_sandbox(tmp_path: Path, make_store) -> None:
    live = make_store("live", name="live")
    live.services.staff.bootstrap_admin("boss", "Boss")
    before = sorted(p.relative_to(live.settings.data_dir) for p in live.settings.data_dir.rglob("*"))
    with pytest.raises(StoreError, match="live store"):
        reset_sandbox(live.settings.data_dir)
    with pytest.raises(StoreError, match="live store"):
        prepare_sandbox(live.settings.data_dir, reset=True)
    assert sorted(p.relative_to(live.settings.data_dir) for p in live.settings.data_dir.rglob("*")) == before
    assert live.services.principal_for("boss").login == "boss"

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "precious.txt").write_text("keep me")
    with pytest.raises(SandboxError, match="not a training sandbox"):
        reset_sandbox(notes)
    with pytest.raises(SandboxError, match="not a training sandbox"):
        prepare_sandbox(notes, reset=True)
    assert (notes / "precious.txt").read_text() == "keep me"
    with pytest.raises(SandboxError):
        reset_sandbox(tmp_path / "missing")


def test_trainees_get_separate_independent_sandboxes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PEP_TUI_TRAINING_DIR", str(tmp_path / "room"))
    alex_dir, sam_dir = sandbox_dir("alex"), sandbox_dir("sam")
    assert alex_dir == tmp_path / "room" / "alex" and sam_dir == tmp_path / "room" / "sam"
    alex, _ = prepare_sandbox(alex_dir, children=16)
    sam, _ = prepare_sandbox(sam_dir, children=16)
    start = cohort_snapshot(sam)
    assert cohort_snapshot(alex) == start
    changed = _change_something(alex)
    assert cohort_snapshot(sam) == start  # Alex's work is not in Sam's sandbox
    _change_something(sam)
    reset_sandbox(sam_dir)
    assert cohort_snapshot(open_sandbox(sam_dir)) == start  # Sam's reset ...
    head = alex.services.principal_for("vs.head")
    assert alex.services.children.get(head, changed).preferred_name == "Changed"  # ... leaves Alex's work alone


@pytest.mark.parametrize("name", ["", "../alex", "a/b", ".hidden", "-rf", "a b", "exercises", "x" * 65, "é"])
def test_unsafe_trainee_names_are_refused(name: str) -> None:
    with pytest.raises(SandboxError, match="trainee"):
        check_trainee_name(name)


@pytest.mark.parametrize("name", ["alex", "Room2-07", "j.smith", "t_1"])
def test_safe_trainee_names_stay_inside_the_training_folder(name: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PEP_TUI_TRAINING_DIR", str(tmp_path))
    assert check_trainee_name(name) == name
    assert sandbox_dir(name).parent == tmp_path
