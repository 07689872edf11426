"""The pep-tui command: sample determinism, init/staff, the --login rule, errors as one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pep_tui.cli import main
from pep_tui.store import Store


def _cohort_content(folder: Path) -> list[dict]:
    store = Store.open(folder)
    out = []
    for child_id in sorted(store.child_ids()):
        record = store.load_child(child_id)
        out.append({"child": record.child.model_dump(mode="json"),
                    "peps": [p.model_dump(mode="json") for p in record.peps]})
    return out


def test_sample_is_deterministic(tmp_path: Path, capsys) -> None:
    for name in ("a", "b"):
        assert main(["sample", "--data-dir", str(tmp_path / name), "--children", "200", "--seed", "1"]) == 0
    assert "Wrote 200 fictional children" in capsys.readouterr().out
    a, b = _cohort_content(tmp_path / "a"), _cohort_content(tmp_path / "b")
    assert a == b
    assert len(a) == 200
    assert _cohort_content(tmp_path / "a") != [] and all(c["child"]["training"] for c in a)


def test_a_different_seed_gives_a_different_cohort(tmp_path: Path) -> None:
    main(["sample", "--data-dir", str(tmp_path / "a"), "--children", "20", "--seed", "1"])
    main(["sample", "--data-dir", str(tmp_path / "b"), "--children", "20", "--seed", "2"])
    assert _cohort_content(tmp_path / "a") != _cohort_content(tmp_path / "b")


def test_sample_refuses_a_folder_that_holds_a_store(tmp_path: Path, capsys) -> None:
    main(["sample", "--data-dir", str(tmp_path / "a"), "--children", "5", "--seed", "1"])
    assert main(["sample", "--data-dir", str(tmp_path / "a"), "--children", "5", "--seed", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already holds a pep-tui store" in err


def test_user_errors_are_one_line_without_a_traceback(tmp_path: Path, capsys) -> None:
    assert main(["--data-dir", str(tmp_path / "none"), "staff", "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pep-tui: no pep-tui store in") and "Traceback" not in err


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "pep_tui.cli", *args], capture_output=True, text=True, env=full_env)


def test_init_staff_and_the_login_flag(tmp_path: Path, monkeypatch, capsys) -> None:
    data = tmp_path / "live"
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: "alice")
    assert main(["init", "--admin", "alice", "--name", "Alice Admin", "--data-dir", str(data)]) == 0
    assert main(["--data-dir", str(data), "staff", "add", "bob", "--name", "Bob", "--as", "social_worker"]) == 0
    assert main(["--data-dir", str(data), "staff", "list", "--json"]) == 0
    out = capsys.readouterr().out
    listed = json.loads(out[out.index("["):])
    assert {m["login"] for m in listed} == {"alice", "bob"}

    # bob may not manage staff, and cannot make himself alice with --login
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: "bob")
    assert main(["--data-dir", str(data), "staff", "list"]) == 2
    assert "only Virtual School administrators" in capsys.readouterr().err
    assert main(["--data-dir", str(data), "--login", "alice", "staff", "list"]) == 2
    assert "--login is accepted only from an SSH forced command" in capsys.readouterr().err
    # ... not even by setting the environment
    monkeypatch.setenv("PEP_TUI_SERVER__TRUST_LOGIN_FLAG", "true")
    assert main(["--data-dir", str(data), "--login", "alice", "staff", "list"]) == 2
    capsys.readouterr()
    # the operator's settings file in the data folder is what enables it (forced-command deployments)
    (data / "settings.toml").write_text("[server]\ntrust_login_flag = true\n")
    assert main(["--data-dir", str(data), "--login", "alice", "staff", "list"]) == 0
    assert "alice" in capsys.readouterr().out
    assert main(["--data-dir", str(data), "staff", "disable", "bob", "--login", "alice"]) == 0


def test_plugins_json_lists_the_stages_and_roles() -> None:
    result = _run(["plugins", "--json"])
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert all({"name", "kind", "version", "hooks", "sections", "error"} <= set(r) for r in records)
    kinds = {r["name"]: r["kind"] for r in records}
    for stage in ("early_years", "ks1", "ks2", "ks3", "ks4", "post16"):
        assert kinds[stage] == "stage"
    for role in ("social_worker", "designated_teacher", "virtual_school", "carer", "child", "parent", "iro"):
        assert kinds[role] == "role"
    assert all(r["error"] is None for r in records)


def test_version() -> None:
    result = _run(["--version"])
    assert result.returncode == 0 and result.stdout.startswith("pep-tui ")


@pytest.mark.parametrize("args", [["demo", "--no-app"]])
def test_demo_prints_a_cohort_summary_without_a_terminal(tmp_path: Path, args: list[str]) -> None:
    result = _run(["--data-dir", str(tmp_path / "sandbox"), *args])
    assert result.returncode == 0, result.stderr
    assert "Training sandbox (fictional data)" in result.stdout
