"""Fictional data and real children never meet: live stores and sandboxes refuse each other."""

from __future__ import annotations

from pathlib import Path

import pytest

from pep_tui.cli import main
from pep_tui.sample import generate_cohort
from pep_tui.services import PermissionDenied
from pep_tui.store import WrongStoreKind
from pep_tui.training import check_exercise, list_exercises, prepare_sandbox, training_logins


@pytest.fixture
def live(make_store):
    opened = make_store("live", name="live")
    opened.services.staff.bootstrap_admin("boss", "Boss Person")
    return opened


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and not p.name.endswith(".lock")}


def test_demo_refuses_a_live_store_and_leaves_it_untouched(live, capsys) -> None:
    folder = live.settings.data_dir
    before = _files(folder)
    for argv in (["demo", "--data-dir", str(folder), "--no-app"],
                 ["demo", "--data-dir", str(folder), "--reset", "--no-app"],
                 ["demo", "--data-dir", str(folder), "--list-exercises"]):
        assert main(argv) == 2
        assert "live store" in capsys.readouterr().err
    with pytest.raises(WrongStoreKind):
        prepare_sandbox(folder)
    assert _files(folder) == before


def test_the_app_refuses_to_open_a_sandbox_as_a_live_store(sandbox_copy, capsys, monkeypatch) -> None:
    folder = sandbox_copy()
    monkeypatch.setattr("pep_tui.cli.core.require_terminal", lambda: None)  # as in a terminal
    for argv in (["--data-dir", str(folder)], ["open", "--data-dir", str(folder)]):
        assert main(argv) == 2
        assert "training sandbox" in capsys.readouterr().err


def test_sample_data_goes_only_into_training_stores(live, tmp_path: Path, capsys) -> None:
    with pytest.raises(ValueError, match="training"):
        generate_cohort(live.services, children=3, seed=1)
    assert live.services.store.child_ids() == []
    assert main(["sample", "--data-dir", str(live.settings.data_dir), "--children", "3"]) == 2
    assert "already holds" in capsys.readouterr().err
    assert live.services.store.child_ids() == []


def test_children_added_in_a_sandbox_are_marked_training_and_in_a_live_store_not(sandbox, live) -> None:
    data = {"first_name": "New", "last_name": "Arrival", "date_of_birth": "2017-05-01"}
    in_sandbox = sandbox.services.children.create(sandbox.services.principal_for("vs.head"), data)
    assert in_sandbox.training is True
    in_live = live.services.children.create(live.services.principal_for("boss"), data)
    assert in_live.training is False
    claimed = live.services.children.create(live.services.principal_for("boss"), {**data, "training": True})
    assert claimed.training is False  # a live child can never pass for fictional data
    summaries = live.services.children.list(live.services.principal_for("boss"))
    assert summaries and not any(s["training"] for s in summaries)


def test_role_switching_is_allowed_in_a_sandbox_only(sandbox, live) -> None:
    as_carer = sandbox.services.principal_for("vs.head", "carer")
    assert as_carer.role == "carer" and as_carer.training
    assert sandbox.services.principal_for("dt.moorland", "social_worker").role == "social_worker"
    with pytest.raises(PermissionDenied):
        live.services.principal_for("boss", "carer")
    assert live.services.principal_for("boss").training is False


def test_training_helpers_refuse_a_live_store(live) -> None:
    exercise = list_exercises()[0]
    with pytest.raises(WrongStoreKind):
        check_exercise(live.services, exercise.id)
    with pytest.raises(WrongStoreKind):
        training_logins(live.services)


def test_training_logins_cover_every_role_with_children_to_see(sandbox) -> None:
    logins = training_logins(sandbox.services)
    roles = {t.role for t in logins if t.children > 0}
    assert {"social_worker", "designated_teacher", "virtual_school", "carer", "child", "parent", "iro"} <= roles
    assert all(t.role == "carer" for t in training_logins(sandbox.services, role="carer"))
