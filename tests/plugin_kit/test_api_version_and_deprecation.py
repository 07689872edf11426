"""The plugin API version: declared by plugins, checked on load; deprecated hooks warn with the replacement."""

from __future__ import annotations

import sys
import types
import warnings
from collections.abc import Callable

import pytest

import pep_tui
from pep_tui.plugins import hookimpl, hookspecs
from pep_tui.plugins.hookspecs import HookDeprecation, PluginDeprecationWarning, deprecated_hookspec
from pep_tui.plugins.manager import PluginError, PluginManager, check_api_version


def _module(name: str, **attrs) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


def test_the_api_version_is_exposed() -> None:
    assert pep_tui.PLUGIN_API_VERSION == "1.2"


@pytest.mark.parametrize(("declared", "expected"), [
    ("1.0", None),  # plugins written for 1.0 keep loading on 1.1
    (" 1.0 ", None),
    ("1.1", None),
    ("1.2", None),
    ("1.3", "newer than this pep-tui's 1.2; upgrade pep-tui"),
    ("0.9", "install a version of the plugin built for API 1.x"),
    ("2.0", "upgrade pep-tui to one providing API 2.x"),
    (1.0, "should be a string like '1.2', not the float 1.0"),
    ("1", "should look like '1.2'"),
    ("1.0.0", "should look like '1.2'"),
])
def test_check_api_version_says_why_a_version_is_refused(declared: object, expected: str | None) -> None:
    problem = check_api_version(declared)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_a_minor_version_older_than_the_core_is_accepted() -> None:
    assert check_api_version("1.0", provided="1.4") is None
    assert "newer" in check_api_version("1.5", provided="1.4")


def test_an_incompatible_plugin_is_refused_and_the_others_load(capsys) -> None:
    @hookimpl
    def register_commands(register):
        pass

    future = _module("kit_future_plugin", PEP_TUI_API_VERSION="2.0", register_commands=register_commands)
    manager = PluginManager(strict=False)
    record = manager.load_module(future, name="future")
    assert record.error.startswith("targets plugin API 2.0, but this pep-tui provides API 1.2")
    assert "plugin 'future' not loaded: targets plugin API 2.0" in capsys.readouterr().err
    assert record.hooks == []
    with pytest.raises(PluginError, match="plugin 'future': targets plugin API 2.0"):
        PluginManager(strict=True).load_module(future, name="future")


def test_a_plugin_without_a_declared_version_loads_with_a_warning_and_strict_mode_refuses_it() -> None:
    undeclared = _module("kit_undeclared_plugin")
    record = PluginManager(strict=False).load_module(undeclared, name="undeclared")
    assert record.error is None
    assert any("does not declare PEP_TUI_API_VERSION" in w for w in record.warnings)
    with pytest.raises(PluginError, match="PEP_TUI_API_VERSION"):
        PluginManager(strict=True).load_module(undeclared, name="undeclared")


def test_an_unmarked_hook_function_is_pointed_out() -> None:
    def register_sections(register):  # forgot @hookimpl
        pass

    module = _module("kit_unmarked_plugin", PEP_TUI_API_VERSION="1.0", register_sections=register_sections)
    record = PluginManager(strict=False).load_module(module, name="unmarked")
    assert any("register_sections without @hookimpl" in w for w in record.warnings)


# --- Deprecation, shown with a toy specification (API 1.0 deprecates no hook) -----------------------


def _toy_specs() -> types.ModuleType:
    @deprecated_hookspec(since="1.0", removed_in="2.0", use_instead="register_sections with SectionSpec(help=...)")
    def register_panels(register: Callable[[object], None]) -> None:
        """An old way to add panels."""

    return types.SimpleNamespace(register_panels=register_panels)  # type: ignore[return-value]


def _panel_plugin(name: str) -> types.ModuleType:
    @hookimpl
    def register_panels(register):
        register("a panel")

    return _module(name, PEP_TUI_API_VERSION="1.0", register_panels=register_panels)


def test_a_deprecated_hook_warns_with_what_to_use_instead() -> None:
    manager = PluginManager(strict=False)
    manager.pm.add_hookspecs(_toy_specs())
    with pytest.warns(PluginDeprecationWarning, match="use register_sections with SectionSpec") as caught:
        record = manager.load_module(_panel_plugin("kit_panels_plugin"), name="panels")
    assert record.error is None and record.hooks == ["register_panels"]
    assert record.warnings == [
        "the hook register_panels is deprecated since plugin API 1.0 and will not be called from API 2.0; "
        "use register_sections with SectionSpec(help=...) instead"
    ]
    assert caught[0].filename == __file__  # the warning points at the plugin's implementation
    assert manager.pm.hook.register_panels(register=lambda item: None) == []  # still called meanwhile


def test_strict_mode_refuses_a_deprecated_hook() -> None:
    manager = PluginManager(strict=True)
    manager.pm.add_hookspecs(_toy_specs())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginDeprecationWarning)
        with pytest.raises(PluginError, match="register_panels is deprecated"):
            manager.load_module(_panel_plugin("kit_panels_plugin_strict"), name="panels")


def test_the_deprecation_table_marks_an_existing_hook(monkeypatch) -> None:
    monkeypatch.setitem(hookspecs.DEPRECATED_HOOKS, "register_commands",
                        HookDeprecation("register_commands", "1.1", "2.0", "register_views"))

    @hookimpl
    def register_commands(register):
        pass

    module = _module("kit_commands_plugin", PEP_TUI_API_VERSION="1.0", register_commands=register_commands)
    record = PluginManager(strict=False).load_module(module, name="commands")
    assert record.warnings == [
        "the hook register_commands is deprecated since plugin API 1.1 and will not be called from API 2.0; "
        "use register_views instead"
    ]
