"""Summary fields (plugin API 1.1): a plugin's value in every child's index summary, computed on each
save, never failing a save, and refreshed for every child when the plugin arrives or changes shape."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import SummaryField, summary_value
from pep_tui.plugins.manager import PluginManager
from pep_tui.testing import open_store_copy


def _module(name: str, fields: list[SummaryField], api: str = "1.1") -> types.ModuleType:
    @hookimpl
    def register_summary_fields(register):
        for item in fields:
            register(item)

    module = types.ModuleType(name)
    module.__dict__.update(PEP_TUI_API_VERSION=api, register_summary_fields=register_summary_fields)
    sys.modules[name] = module
    return module


def _manager(*modules: types.ModuleType) -> PluginManager:
    manager = PluginManager(strict=False)
    manager.load_entry_points()
    for module in modules:
        manager.load_module(module, name=module.__name__)
    return manager


def _count_peps(child, peps) -> dict:
    return {"peps": len(peps), "live": sum(1 for p in peps if p.superseded_by is None)}


def _open(template: Path, folder: Path, *modules: types.ModuleType):
    return open_store_copy(template, folder, plugins=_manager(*modules)).services


def test_installing_a_plugin_fills_its_field_for_every_child_and_saves_keep_it_current(pep_sample_template, tmp_path):
    services = _open(pep_sample_template, tmp_path / "store",
                     _module("kit_counts", [SummaryField(name="kit_counts", compute=_count_peps)]))
    summaries = services.store.summaries(with_facts=True)  # the store predates the plugin: every child is re-summarised once
    assert len(summaries) == 60
    for child_id, summary in summaries.items():
        record = services.store.load_child(child_id)
        assert summary_value(summary, "kit_counts") == _count_peps(record.child, record.peps)
    vs = services.principal_for("vs.head")
    child_id = next(cid for cid, s in summaries.items() if summary_value(s, "kit_counts")["peps"] == 0)
    services.peps.start(vs, child_id)
    assert summary_value(services.store.facts()[child_id], "kit_counts") == {"peps": 1, "live": 1}


def test_a_failing_or_unstorable_field_never_fails_a_save(pep_sample_template, tmp_path, capsys):
    state = {"fail": None}

    def fragile(child, peps):
        if child.id == state["fail"]:
            raise ZeroDivisionError(f"cannot summarise {child.display_name}")
        return {"ok": True}

    def unstorable(child, peps):
        return {1: "integer keys are not JSON"}

    services = _open(pep_sample_template, tmp_path / "store", _module("kit_fragile", [
        SummaryField(name="kit_fragile", compute=fragile), SummaryField(name="kit_fragile.bad", compute=unstorable)]))
    summaries = services.store.summaries(with_facts=True)
    assert all(summary_value(s, "kit_fragile") == {"ok": True} for s in summaries.values())
    assert all(summary_value(s, "kit_fragile.bad", "missing") == "missing" for s in summaries.values())
    child_id, summary = next(iter(summaries.items()))
    state["fail"] = child_id
    vs = services.principal_for("vs.head")
    child = services.children.get(vs, child_id)
    services.children.update(vs, child_id, {"carer": "carer.02"}, child.revision)  # the save goes through
    saved = services.store.summaries(with_facts=True)[child_id]
    assert saved["carer"] == "carer.02"
    assert summary_value(saved, "kit_fragile", "unknown") == "unknown"  # readers must load this child
    assert "ZeroDivisionError" in services.registry.summary_errors["kit_fragile"]
    assert "kit_fragile.bad" in services.registry.summary_errors
    err = capsys.readouterr().err
    assert "summary field kit_fragile could not be computed (ZeroDivisionError)" in err
    assert summary["name"] not in err  # no personal data on standard error
    assert err.count("summary field kit_fragile could not") == 1  # once per field, not once per save


def test_bumping_a_field_version_re_summarises_every_child(pep_sample_template, tmp_path):
    folder = tmp_path / "store"
    calls: list[str] = []

    def counted(child, peps):
        calls.append(child.id)
        return {"v": 1}

    services = _open(pep_sample_template, folder, _module("kit_v1", [SummaryField(name="kit_v", compute=counted)]))
    services.store.summaries()
    assert len(set(calls)) == 60
    calls.clear()
    services.store.summaries()
    assert calls == []  # nothing changed: nothing re-summarised

    from pep_tui.bootstrap import open_services
    from pep_tui.sample import SAMPLE_TODAY

    bumped = _manager(_module("kit_v2", [SummaryField(name="kit_v", compute=counted, version=2)]))
    again = open_services(folder, expect_kind="training", plugins=bumped, clock=lambda: SAMPLE_TODAY).services
    again.store.summaries()
    assert len(set(calls)) == 60


@pytest.mark.parametrize(("fields", "message"), [
    ([SummaryField(name="Kit Bad", compute=_count_peps)], "must be a lower-case namespace"),
    ([SummaryField(name="kit_x", compute="not callable")], "compute must be callable"),
    ([SummaryField(name="kit_x", compute=_count_peps), SummaryField(name="kit_x", compute=_count_peps)],
     "already registered"),
])
def test_an_unusable_field_refuses_the_plugin_with_a_reason(fields, message):
    manager = _manager(_module("kit_unusable", fields))
    registry = manager.registry()
    assert message in (manager.records["kit_unusable"].error or "")
    assert "kit_x" not in registry.summary_fields and "Kit Bad" not in registry.summary_fields


def test_a_plugin_written_for_api_1_0_still_loads_and_1_1_fields_are_listed():
    old = types.ModuleType("kit_old")
    old.__dict__.update(PEP_TUI_API_VERSION="1.0")
    sys.modules["kit_old"] = old
    manager = _manager(old, _module("kit_listed", [SummaryField(name="kit_listed", compute=_count_peps)]))
    manager.registry()
    assert manager.records["kit_old"].error is None
    assert manager.records["kit_listed"].as_json()["summary_fields"] == ["kit_listed"]
    assert manager.records["pupil_premium"].summary_fields == ["pupil_premium"]
