"""Plugin loading: one entry point at a time, broken plugins reported, strict mode fatal, API versions."""

from __future__ import annotations

import sys
import types
from importlib.metadata import EntryPoint

import pytest
from pydantic import BaseModel

from pep_tui import PLUGIN_API_VERSION
from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import SectionSpec, StageDefinition
from pep_tui.plugins.manager import PluginError, PluginManager, check_api_version


def _module(name: str, **attrs) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


class Note(BaseModel):
    text: str = ""


def _good_plugin(name: str = "toy_good") -> types.ModuleType:
    @hookimpl
    def register_sections(register):
        register(SectionSpec(id="toy.note", title="Toy note", model=Note, editors=frozenset({"virtual_school"})))

    return _module(name, PEP_TUI_API_VERSION="1.0", register_sections=register_sections)


def _entry_points(*pairs: tuple[str, str]) -> list[EntryPoint]:
    return [EntryPoint(name=n, value=v, group="pep_tui") for n, v in pairs]


def test_installed_plugins_load_through_the_public_entry_point_group(plugins) -> None:
    names = set(plugins.records)
    assert {"early_years", "ks1", "ks2", "ks3", "ks4", "post16"} <= names
    assert {"social_worker", "designated_teacher", "virtual_school", "carer", "child", "parent", "iro"} <= names
    registry = plugins.registry()
    assert set(registry.stages) >= {"early_years", "ks1", "ks2", "ks3", "ks4", "post16"}
    assert set(registry.roles) >= {"social_worker", "designated_teacher", "virtual_school", "carer", "child",
                                   "parent", "iro"}
    assert all(r.error is None for r in plugins.records.values())


def test_a_plugin_that_fails_to_import_does_not_stop_the_others(capsys) -> None:
    _good_plugin()
    manager = PluginManager(strict=False)
    manager.load_entry_points(_entry_points(("broken", "toy_does_not_exist_anywhere"), ("good", "toy_good")))
    registry = manager.registry()
    assert "import failed" in manager.records["broken"].error
    assert manager.records["good"].error is None
    assert "toy.note" in registry.sections
    assert "plugin 'broken' not loaded" in capsys.readouterr().err


def test_strict_mode_makes_a_broken_plugin_fatal(monkeypatch) -> None:
    monkeypatch.setenv("PEP_TUI_STRICT_PLUGINS", "1")
    manager = PluginManager()
    with pytest.raises(PluginError, match="broken"):
        manager.load_entry_points(_entry_points(("broken", "toy_does_not_exist_anywhere")))


def test_a_hook_that_raises_is_isolated_and_its_other_contributions_dropped() -> None:
    @hookimpl
    def register_stages(register):
        register(StageDefinition(id="toy_stage", title="Toy", year_groups=(40,)))

    @hookimpl
    def register_sections(register):
        raise RuntimeError("boom")

    _module("toy_raises", PEP_TUI_API_VERSION="1.0", register_stages=register_stages,
            register_sections=register_sections)
    _good_plugin()
    manager = PluginManager(strict=False)
    manager.load_entry_points(_entry_points(("raises", "toy_raises"), ("good", "toy_good")))
    registry = manager.registry()
    assert "register_sections raised RuntimeError: boom" in manager.records["raises"].error
    assert "toy_stage" not in registry.stages
    assert "toy.note" in registry.sections


def test_a_misspelt_hook_fails_loudly() -> None:
    @hookimpl
    def register_sectoins(register):  # misspelt on purpose
        pass

    module = _module("toy_misspelt", PEP_TUI_API_VERSION="1.0", register_sectoins=register_sectoins)
    manager = PluginManager(strict=False)
    record = manager.load_module(module, name="misspelt")
    assert "unknown hook(s) register_sectoins" in record.error
    with pytest.raises(PluginError, match="register_sectoins"):
        PluginManager(strict=True).load_module(module, name="misspelt")


def test_plugins_can_be_disabled_by_name(monkeypatch) -> None:
    _good_plugin()
    monkeypatch.setenv("PEP_TUI_DISABLE_PLUGINS", "good")
    manager = PluginManager(strict=True)
    manager.load_entry_points(_entry_points(("good", "toy_good")))
    assert manager.records["good"].disabled
    assert "toy.note" not in manager.registry().sections
    manager = PluginManager(strict=True, disabled=["good"])
    manager.load_entry_points(_entry_points(("good", "toy_good")))
    assert manager.records["good"].disabled


def test_incompatible_api_versions_are_refused_with_a_reason() -> None:
    assert check_api_version("1.0") is None
    assert f"provides API {PLUGIN_API_VERSION}" in check_api_version("2.0")
    assert "upgrade pep-tui" in check_api_version("1.9")
    assert "should look like" in check_api_version("one")
    module = _module("toy_future", PEP_TUI_API_VERSION="2.0")
    record = PluginManager(strict=False).load_module(module, name="future")
    assert "targets plugin API 2.0" in record.error


def test_section_ids_must_be_namespaced_and_unique() -> None:
    @hookimpl
    def register_sections(register):
        register(SectionSpec(id="note", title="Bad", model=Note))

    module = _module("toy_bad_id", PEP_TUI_API_VERSION="1.0", register_sections=register_sections)
    manager = PluginManager(strict=False)
    manager.load_module(module, name="bad_id")
    manager.registry()
    assert "must be namespaced" in manager.records["bad_id"].error

    _good_plugin("toy_good_a")
    _good_plugin("toy_good_b")
    manager = PluginManager(strict=False)
    manager.load_entry_points(_entry_points(("a", "toy_good_a"), ("b", "toy_good_b")))
    manager.registry()
    assert "already registered by a" in manager.records["b"].error


def test_a_stage_cannot_claim_a_year_group_twice(plugins) -> None:
    @hookimpl
    def register_stages(register):
        register(StageDefinition(id="toy_ks2", title="Another KS2", year_groups=(5,)))

    module = _module("toy_dup_stage", PEP_TUI_API_VERSION="1.0", register_stages=register_stages)
    manager = PluginManager(strict=False)
    manager.load_entry_points()
    manager.load_module(module, name="dup_stage")
    manager.registry()
    assert "already in 'ks2'" in manager.records["dup_stage"].error
