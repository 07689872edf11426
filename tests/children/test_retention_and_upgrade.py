"""Retention after leaving care (listed, deleted only explicitly after an export) and the schema 4 upgrade."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import orjson

from pep_tui.bootstrap import open_services
from pep_tui.cli import main
from pep_tui.cli.exit_codes import OK, USER_ERROR
from pep_tui.domain.care import AllocationKind, history
from pep_tui.store import Store
from pep_tui.store.layout import SCHEMA_VERSION
from pep_tui.store.migrations import UPGRADE_STAMP


def _closed_store(tmp_path: Path, monkeypatch, left: date) -> tuple[Path, str, str]:
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: "vs.head")
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "init", "--admin", "vs.head"]) == OK
    services = open_services(data).services
    vs = services.principal_for("vs.head")
    old = services.children.create(vs, {"first_name": "Old", "last_name": "Record", "date_of_birth": "1990-01-01",
                                        "date_entered_care": "1995-01-01", "la_child_id": "LA-OLD"})
    services.care.close(vs, old.id, left, "turned_18")
    recent = services.children.create(vs, {"first_name": "New", "last_name": "Record", "date_of_birth": "2010-01-01",
                                           "la_child_id": "LA-NEW"})
    services.care.close(vs, recent.id, date.today(), "returned_home")
    return data, old.id, recent.id


def test_retention_lists_records_past_the_setting_and_deletes_nothing(tmp_path, monkeypatch, capsys) -> None:
    data, old, recent = _closed_store(tmp_path, monkeypatch, date(2000, 3, 1))
    capsys.readouterr()
    assert main(["--data-dir", str(data), "store", "retention", "--json"]) == OK
    listed = json.loads(capsys.readouterr().out)
    assert listed == [{"id": old, "left_care_on": "2000-03-01", "past_retention_since": "2025-03-01"}]  # default 25
    (data / "settings.toml").write_text("[retention]\nyears_after_leaving_care = 30\n")
    assert main(["--data-dir", str(data), "store", "retention", "--json"]) == OK
    assert json.loads(capsys.readouterr().out) == []
    assert Store.open(data).child_exists(old) and Store.open(data).child_exists(recent)


def test_deletion_is_explicit_writes_the_export_first_and_is_audited(tmp_path, monkeypatch, capsys) -> None:
    data, old, recent = _closed_store(tmp_path, monkeypatch, date(2000, 3, 1))
    export = tmp_path / "exports" / "old.json"
    run = ["--data-dir", str(data), "store", "delete-child"]
    assert main([*run, "LA-OLD", "--yes"]) == USER_ERROR  # no export named: refused
    assert "--export FILE" in capsys.readouterr().err
    assert main([*run, "LA-NEW", "--export", str(export), "--yes"]) == USER_ERROR  # not past retention
    assert "not past the retention period" in capsys.readouterr().err and not export.exists()
    assert Store.open(data).child_exists(recent)

    assert main([*run, "LA-OLD", "--export", str(export), "--yes"]) == OK
    written = orjson.loads(export.read_bytes())
    assert written["child"]["1"]["la_child_id"] == "LA-OLD" and written["audit"]
    assert export.stat().st_mode & 0o077 == 0
    store = Store.open(data)
    assert not store.child_exists(old) and store.child_exists(recent)
    services = open_services(data).services
    assert {s["child_id"] for s in services.children.list(services.principal_for("vs.head"), include_closed=True)} == {recent}
    [event] = [e for e in store.audit.store_events() if e.action == "child.delete"]
    assert event.detail == {"child": old, "export": "old.json"} and event.actor == "vs.head"
    assert main([*run, recent, "--export", str(export), "--yes"]) == USER_ERROR  # never over an existing file


def test_a_schema_3_store_is_upgraded_with_allocation_history_and_fresh_lists(tmp_path, plugins) -> None:
    from pep_tui.bootstrap import create_services

    root = tmp_path / "old"
    opened = create_services(root, "live", plugins=plugins)
    services = opened.services
    services.staff.bootstrap_admin("vs.head", "Val")
    vs = services.principal_for("vs.head")
    child = services.children.create(vs, {"first_name": "Pre", "last_name": "Upgrade", "date_of_birth": "2014-01-01",
                                          "date_entered_care": "2024-01-01", "school_urn": "100001",
                                          "social_worker": "sw.old", "left_care_on": "2025-01-01"})
    # make it look as schema 3 wrote it: no allocation keys in the child, none in the index entries
    path = root / "children" / f"{child.id}.json"
    doc = orjson.loads(path.read_bytes())
    for key in ("allocations", "joint_carers", "left_care_reason", "past_care_periods"):
        doc["child"]["1"].pop(key)
    path.write_bytes(orjson.dumps(doc))
    meta = orjson.loads((root / "store.json").read_bytes())
    (root / "store.json").write_bytes(orjson.dumps({**meta, "schema": 3}))

    upgraded = open_services(root).services
    assert orjson.loads((root / "store.json").read_bytes())["schema"] == SCHEMA_VERSION == 4
    record = upgraded.store.load_child(child.id).child
    assert [(a.value, s, a.source) for s, _u, a in history(record, AllocationKind.SCHOOL)] == [
        (["100001"], date(2024, 1, 1), "migration")]
    assert upgraded.store.index.read().stamp == UPGRADE_STAMP  # every entry is made again before the next list
    [summary] = upgraded.store.summaries().values()
    assert upgraded.store.index.read().stamp != UPGRADE_STAMP
    assert summary["status"] == "closed" and summary["school_urn"] == "100001"
