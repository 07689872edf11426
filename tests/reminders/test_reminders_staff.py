"""Administrators give staff an email address, a manager and a digest; bad values are refused by name."""

from __future__ import annotations

import json
from pathlib import Path

from pep_tui.bootstrap import open_services
from pep_tui.cli import main


def test_staff_set_email_manager_and_digest(tmp_path: Path, monkeypatch, capsys) -> None:
    data = tmp_path / "live"
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: "alice")
    assert main(["init", "--admin", "alice", "--name", "Alice Admin", "--data-dir", str(data)]) == 0
    assert main(["--data-dir", str(data), "staff", "add", "tess", "--name", "Tess", "--as", "social_worker",
                 "--email", "tess.lead@council.example"]) == 0
    assert main(["--data-dir", str(data), "staff", "add", "bob", "--name", "Bob", "--as", "social_worker",
                 "--email", "bob@council.example", "--manager", "tess"]) == 0
    assert main(["--data-dir", str(data), "staff", "set", "bob", "--digest", "weekly"]) == 0
    bob = open_services(data).services.store.get_staff("bob")
    assert (bob.email, bob.manager, bob.digest) == ("bob@council.example", "tess", "weekly")
    capsys.readouterr()

    assert main(["--data-dir", str(data), "staff", "set", "bob", "--email", "bob at council"]) == 2
    err = capsys.readouterr().err
    assert "email" in err and "name@council.example" in err
    assert main(["--data-dir", str(data), "staff", "set", "bob", "--manager", "nobody"]) == 2
    assert "manager" in capsys.readouterr().err
    assert open_services(data).services.store.get_staff("bob").email == "bob@council.example"  # unchanged

    assert main(["--data-dir", str(data), "staff", "list", "--json"]) == 0
    out = capsys.readouterr().out
    listed = {m["login"]: m for m in json.loads(out[out.index("["):])}
    assert listed["alice"]["digest"] == "daily" and listed["alice"]["email"] is None  # older records load as before

    # Only administrators change other people's records.
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: "bob")
    assert main(["--data-dir", str(data), "staff", "set", "tess", "--digest", "none"]) == 2
    assert "only Virtual School administrators" in capsys.readouterr().err


def test_a_staff_file_written_before_these_fields_still_loads(tmp_path: Path) -> None:
    data = tmp_path / "live"
    assert main(["init", "--admin", "alice", "--name", "Alice Admin", "--data-dir", str(data)]) == 0
    raw = json.loads((data / "staff.json").read_text())
    for record in raw["staff"].values():
        for key in ("digest", "manager", "email"):
            record.pop(key, None)
    (data / "staff.json").write_text(json.dumps(raw))
    alice = open_services(data).services.store.get_staff("alice")
    assert alice.digest == "daily" and alice.manager is None and alice.email is None


def test_a_stored_address_from_before_the_check_does_not_lock_anyone_out(tmp_path: Path) -> None:
    data = tmp_path / "live"
    assert main(["init", "--admin", "alice", "--name", "Alice Admin", "--data-dir", str(data)]) == 0
    raw = json.loads((data / "staff.json").read_text())
    for record in raw["staff"].values():
        record["email"] = "not an address"
    (data / "staff.json").write_text(json.dumps(raw))
    services = open_services(data).services
    assert services.store.get_staff("alice").email == "not an address"
    admin = services.principal_for("alice")
    fixed = services.staff.update(admin, "alice", {"email": "alice@council.example"})
    assert fixed.email == "alice@council.example"
