"""``pep-tui demo``: one command for a sandbox, per trainee, resettable, with exercises to check."""

from __future__ import annotations

from pathlib import Path

from pep_tui.cli import main
from pep_tui.training import open_sandbox
from pep_tui.training.sandbox import read_sandbox_info


def test_demo_creates_a_sandbox_and_says_it_is_fictional(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", "--data-dir", str(folder), "--children", "16", "--no-app"]) == 0
    out = capsys.readouterr().out
    assert "Training sandbox (fictional data) ready" in out and "16 children" in out and "vs.head" not in out
    assert read_sandbox_info(folder).children == 16
    assert main(["demo", "--data-dir", str(folder), "--no-app", "--login", "dt.moorland"]) == 0
    assert "Designated teacher, Moorland Primary (fictional)" in capsys.readouterr().out
    assert main(["demo", "--data-dir", str(folder), "--no-app", "--login", "nobody"]) == 2
    assert "nobody" in capsys.readouterr().err


def test_demo_per_trainee_folders_with_safe_names(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PEP_TUI_TRAINING_DIR", str(tmp_path / "room"))
    assert main(["demo", "--trainee", "alex", "--children", "8", "--no-app"]) == 0
    assert (tmp_path / "room" / "alex" / "store.json").exists()
    capsys.readouterr()
    assert main(["demo", "--trainee", "../alex", "--no-app"]) == 2
    assert "not usable as a sandbox name" in capsys.readouterr().err
    assert not (tmp_path / "alex").exists()
    assert main(["demo", "--trainee", "alex", "--data-dir", str(tmp_path / "x"), "--no-app"]) == 2
    assert "either --trainee" in capsys.readouterr().err


def test_demo_reset_puts_the_sandbox_back(sandbox_copy, capsys) -> None:
    folder = sandbox_copy()
    services = open_sandbox(folder).services
    head = services.principal_for("vs.head")
    child_id = services.children.list(head)[0]["child_id"]
    child = services.children.get(head, child_id)
    services.children.update(head, child_id, {"preferred_name": "Changed"}, child.revision)
    assert main(["demo", "--data-dir", str(folder), "--reset", "--no-app"]) == 0
    assert "reset to its starting state" in capsys.readouterr().out
    fresh = open_sandbox(folder).services
    assert fresh.children.get(fresh.principal_for("vs.head"), child_id).preferred_name is None


def test_demo_lists_and_shows_exercises(sandbox_copy, capsys) -> None:
    folder = sandbox_copy()
    assert main(["demo", "--data-dir", str(folder), "--list-exercises"]) == 0
    out = capsys.readouterr().out
    assert "ks2-times-tables" in out and "not yet" in out and "done ✓" not in out
    assert main(["demo", "--data-dir", str(folder), "--list-exercises", "post16"]) == 0
    out = capsys.readouterr().out
    assert "post16-neet-plan" in out and "ks2-times-tables" not in out
    assert main(["demo", "--data-dir", str(folder), "--exercise", "ks2-times-tables"]) == 0
    out = capsys.readouterr().out
    assert "Uma Sparrowgate" in out and "Hint:" in out and "not yet:" in out
    assert main(["demo", "--data-dir", str(folder), "--exercise", "no-such-thing"]) == 2
    assert "no exercise 'no-such-thing'" in capsys.readouterr().err


def test_the_exercise_list_fits_an_80_column_terminal(sandbox_copy, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    folder = sandbox_copy()
    assert main(["demo", "--data-dir", str(folder), "--list-exercises"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) <= 80
    row = next(i for i, line in enumerate(lines) if line.split()[:2] == ["5", "ks2-times-tables"])
    assert lines[row].split()[-2:] == ["not", "yet"]
    assert lines[row + 1].strip().startswith("Record Uma's Year 4 multiplication tables check")  # the task, under it


def test_one_child_in_view_is_said_in_the_singular(sandbox_copy, capsys) -> None:
    assert main(["demo", "--data-dir", str(sandbox_copy()), "--login", "parent.pat", "--no-app"]) == 0
    assert ": 1 child in view;" in capsys.readouterr().out
