"""Where exports may be written: folders created owner-only, never inside the data folder or a .ssh
folder, never over an existing file without --force, and a failed write names the path and why."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest

from pep_tui.bootstrap import create_services, open_services
from pep_tui.cli import main


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``--data-dir`` of a live store with one child and a PEP; signed in as its administrator."""
    folder = tmp_path / "live"
    services = create_services(folder, "live").services
    services.staff.bootstrap_admin("vs.head", "Val Headley")
    vs = services.principal_for("vs.head")
    child = services.children.create(vs, {"first_name": "Zebedee", "last_name": "Quantock",
                                          "date_of_birth": date(2015, 5, 1)})
    services.peps.start(vs, child.id)
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: "vs.head")
    monkeypatch.chdir(tmp_path)
    return ["--data-dir", str(folder)]


def _child(data: list[str]) -> str:
    return next(iter(open_services(data[1]).services.store.child_ids()))


def _exports(data: list[str]) -> list[str]:
    return [e.action for e in open_services(data[1]).services.store.audit.events() if e.action.startswith("export.")]


def test_every_folder_an_export_creates_is_owner_only(live, tmp_path: Path, capsys) -> None:
    assert main([*live, "export", "data", "--format", "csv", "--out", "new/deeper/csv"]) == 0
    for folder in (tmp_path / "new", tmp_path / "new/deeper", tmp_path / "new/deeper/csv"):
        assert _mode(folder) == 0o700, folder
    assert {_mode(p) for p in (tmp_path / "new/deeper/csv").iterdir()} == {0o600}
    assert main([*live, "export", "pep", _child(live), "--out", "docs/term/pep.pdf"]) == 0
    assert _mode(tmp_path / "docs") == _mode(tmp_path / "docs/term") == 0o700
    assert _mode(tmp_path / "docs/term/pep.pdf") == 0o600
    assert "Wrote " in capsys.readouterr().out


@pytest.mark.parametrize("out", ["live/exports", "live", "live/children/../pep.pdf"])
def test_exports_are_refused_inside_the_data_folder(live, tmp_path: Path, capsys, out: str) -> None:
    args = (["export", "pep", _child(live), "--out", out] if out.endswith(".pdf")
            else ["export", "data", "--format", "json", "--out", out])
    assert main([*live, *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pep-tui: Export: {out}: is inside the data folder {tmp_path / 'live'}; write exports outside it")
    assert not (tmp_path / "live" / "exports").exists() and not (tmp_path / "live" / "pep.pdf").exists()
    assert _exports(live) == []


def test_a_link_does_not_lead_around_the_rule(live, tmp_path: Path, capsys) -> None:
    (tmp_path / "innocent").symlink_to(tmp_path / "live")
    assert main([*live, "export", "data", "--format", "csv", "--out", "innocent/out"]) == 2
    assert "is inside the data folder" in capsys.readouterr().err
    assert not (tmp_path / "live" / "out").exists()


@pytest.mark.parametrize("out", ["home/.ssh/authorized_keys", "home/.ssh"])
def test_exports_are_refused_in_any_ssh_folder(live, tmp_path: Path, capsys, out: str) -> None:
    (tmp_path / "home" / ".ssh").mkdir(parents=True)
    args = (["export", "pep", _child(live), "--out", out] if out.endswith("keys")
            else ["export", "data", "--format", "json", "--out", out])
    assert main([*live, *args]) == 2
    assert f"Export: {out}: is inside a .ssh folder; exports are never written there" in capsys.readouterr().err
    assert list((tmp_path / "home" / ".ssh").iterdir()) == []


def test_an_existing_file_is_kept_unless_force(live, tmp_path: Path, capsys) -> None:
    target = tmp_path / "pep.pdf"
    target.write_bytes(b"mine")
    assert main([*live, "export", "pep", _child(live), "--out", "pep.pdf"]) == 2
    assert "Export: pep.pdf: already exists; choose another name or use --force" in capsys.readouterr().err
    assert target.read_bytes() == b"mine" and _exports(live) == []
    assert main([*live, "export", "pep", _child(live), "--out", "pep.pdf", "--force"]) == 0
    assert target.read_bytes().startswith(b"%PDF") and _mode(target) == 0o600
    assert main([*live, "export", "data", "--format", "json", "--out", "j"]) == 0
    assert main([*live, "export", "data", "--format", "json", "--out", "j"]) == 2
    assert "already holds cohort.json; choose an empty folder or use --force" in capsys.readouterr().err
    assert main([*live, "pp", "ledger", "--csv", "pep.pdf"]) == 2
    assert "pep.pdf: already exists" in capsys.readouterr().err
    assert main([*live, "pp", "ledger", "--csv", "led/ger.csv"]) == 0
    assert _mode(tmp_path / "led") == 0o700 and _mode(tmp_path / "led/ger.csv") == 0o600


def test_a_write_that_fails_names_the_path_and_the_reason(live, tmp_path: Path, capsys) -> None:
    (tmp_path / "plain").write_text("a file, not a folder")
    assert main([*live, "export", "data", "--format", "csv", "--out", "plain/out"]) == 2
    err = capsys.readouterr().err
    assert err == f"pep-tui: Export: {tmp_path / 'plain' / 'out'}: cannot be created (Not a directory)\n"
    assert main([*live, "export", "pep", _child(live), "--out", "plain/pep.pdf"]) == 2
    assert capsys.readouterr().err == f"pep-tui: Export: {tmp_path / 'plain' / 'pep.pdf'}: cannot be written (Not a directory)\n"
    assert main([*live, "export", "data", "--format", "csv", "--out", "plain"]) == 2
    assert "Export: plain: is a file, not a folder" in capsys.readouterr().err
