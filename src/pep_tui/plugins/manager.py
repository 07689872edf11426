"""Loading plugins safely, one entry point at a time, and collecting their contributions.

A plugin that fails to import, declares an incompatible API version, implements a hook that does not
exist (a misspelling) or raises inside a hook is recorded with its error and left out; the rest load.
With strict mode (``PEP_TUI_STRICT_PLUGINS=1`` or the ``strict_plugins`` setting) the first such
problem raises :class:`PluginError` instead.
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType
from typing import Any

import pluggy

from pep_tui import PLUGIN_API_VERSION
from pep_tui.plugins import ENTRY_POINT_GROUP, hookspecs
from pep_tui.plugins.api import (
    ChildAttribute,
    CliCommand,
    CommandSpec,
    RoleDefinition,
    SectionSpec,
    ServiceSpec,
    StageDefinition,
    SummaryField,
    ValidatorSpec,
    ViewSpec,
)
from pep_tui.plugins.failures import at_location, format_failure
from pep_tui.plugins.registry import Registry

#: The kinds a plugin may declare with ``PEP_TUI_PLUGIN_KIND`` (shown by ``pep-tui plugins``).
PLUGIN_KINDS: tuple[str, ...] = ("stage", "role", "feature")


class PluginError(RuntimeError):
    """A plugin could not be loaded (raised only in strict mode; otherwise recorded)."""


@dataclass
class PluginRecord:
    """What pep-tui knows about one plugin: for ``pep-tui plugins`` and the plugins screen."""

    name: str
    kind: str = "feature"
    version: str | None = None
    module: str | None = None
    api_version: str | None = None
    hooks: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    validators: list[str] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    summary_fields: list[str] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    disabled: bool = False
    #: The full traceback of the failure that left the plugin out (shown by ``plugins check`` and strict mode).
    traceback: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The JSON object printed by ``pep-tui plugins --json`` (keys are only ever added)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "version": self.version,
            "module": self.module,
            "api_version": self.api_version,
            "hooks": self.hooks,
            "stages": self.stages,
            "roles": self.roles,
            "sections": self.sections,
            "validators": self.validators,
            "views": self.views,
            "commands": self.commands,
            "summary_fields": self.summary_fields,
            "error": self.error,
            "warnings": self.warnings,
            "disabled": self.disabled,
        }


def unknown_hooks_message(names: Iterable[str]) -> str:
    """The failure for implementations of hooks that do not exist, each with a "did you mean" where one is close."""
    parts = []
    for name in sorted(names):
        close = difflib.get_close_matches(name, hookspecs.HOOK_NAMES, n=1, cutoff=0.6)
        parts.append(f"{name} (did you mean {close[0]}?)" if close else name)
    return f"implements unknown hook(s) {', '.join(parts)}; known hooks are {', '.join(hookspecs.HOOK_NAMES)}"


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str) -> set[str]:
    return {p.strip() for p in os.environ.get(name, "").split(",") if p.strip()}


#: The form of an API version a plugin declares: ``"MAJOR.MINOR"``.
_API_VERSION = re.compile(r"^(\d+)\.(\d+)$")


def check_api_version(declared: object, provided: str = PLUGIN_API_VERSION) -> str | None:
    """Return why a declared plugin API version is incompatible with this pep-tui, or ``None``.

    A plugin declares the API version it was written for as a string ``"MAJOR.MINOR"`` in
    ``PEP_TUI_API_VERSION``. It is compatible when its major version equals pep-tui's and its minor
    version is not newer (a 1.0 plugin runs on a pep-tui providing API 1.3; a 1.3 plugin does not run
    on API 1.0, because it may use what 1.0 lacks). ``None`` (not declared) is not judged here: the
    manager warns about it, and strict mode refuses it.
    """
    if declared is None:
        return None
    if not isinstance(declared, str):
        return (
            f"PEP_TUI_API_VERSION should be a string like {provided!r}, "
            f"not the {type(declared).__name__} {declared!r}"
        )
    match = _API_VERSION.match(declared.strip())
    core = _API_VERSION.match(provided)
    if match is None or core is None:
        return f"PEP_TUI_API_VERSION {declared!r} should look like {provided!r} (major.minor)"
    major, minor = int(match[1]), int(match[2])
    core_major, core_minor = int(core[1]), int(core[2])
    if major != core_major:
        advice = (
            f"install a version of the plugin built for API {core_major}.x"
            if major < core_major
            else f"upgrade pep-tui to one providing API {major}.x, or use an older version of the plugin"
        )
        return f"targets plugin API {declared}, but this pep-tui provides API {provided}; {advice}"
    if minor > core_minor:
        return (
            f"targets plugin API {declared}, newer than this pep-tui's {provided}; "
            f"upgrade pep-tui, or use a version of the plugin built for API {provided}"
        )
    return None


class PluginManager:
    """Loads plugins and builds the :class:`Registry`.

    >>> pm = PluginManager()
    >>> pm.load_entry_points()
    >>> registry = pm.registry()
    """

    def __init__(self, *, strict: bool | None = None, disabled: Iterable[str] = ()) -> None:
        self.strict = _env_flag("PEP_TUI_STRICT_PLUGINS") if strict is None else strict
        self.disabled = set(disabled) | _env_list("PEP_TUI_DISABLE_PLUGINS")
        self.only = _env_list("PEP_TUI_LOAD_PLUGINS")
        self.pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
        self.pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self._registry: Registry | None = None

    # --- loading --------------------------------------------------------------------------------

    def _fail(self, record: PluginRecord, message: str) -> None:
        record.error = message
        from pep_tui.domain.text import show_control

        print(show_control(f"pep-tui: plugin {record.name!r} not loaded: {message}", one_line=True), file=sys.stderr)
        if self.strict:
            if record.traceback:  # while developing (strict mode), the whole traceback
                for line in record.traceback.rstrip().splitlines():
                    print(show_control(line, one_line=True), file=sys.stderr)
            raise PluginError(f"plugin {record.name!r}: {message}")

    def load_entry_points(self, eps: Iterable[EntryPoint] | None = None) -> None:
        """Load every plugin of the ``pep_tui`` entry-point group, each inside its own try/except."""
        if eps is None:
            eps = entry_points(group=ENTRY_POINT_GROUP)
        seen: set[str] = set()
        for ep in sorted(eps, key=lambda e: e.name):
            if ep.name in seen:
                # The same name from a second distribution (or the same one found twice on the path).
                if ep.value != self.records[ep.name].module:
                    self.records[ep.name].warnings.append(
                        f"another installed package also names a plugin {ep.name!r} ({ep.value}); it was ignored"
                    )
                continue
            seen.add(ep.name)
            version = ep.dist.version if ep.dist is not None else None
            record = PluginRecord(name=ep.name, version=version, module=ep.value)
            self.records[ep.name] = record
            if ep.name in self.disabled or (self.only and ep.name not in self.only):
                record.disabled = True
                record.error = "disabled by setting"
                continue
            try:
                module = ep.load()
            except Exception as exc:  # a broken plugin must not stop the others
                record.traceback = format_failure(exc)
                self._fail(record, f"import failed: {type(exc).__name__}: {exc}{at_location(exc)}")
                continue
            self._register(record, module)

    def load_module(self, module: ModuleType | str, name: str | None = None, version: str | None = None) -> PluginRecord:
        """Register a module as a plugin directly (for tests and ``plugins check``)."""
        if isinstance(module, str):
            module = importlib.import_module(module)
        record = PluginRecord(name=name or module.__name__, version=version, module=module.__name__)
        self.records[record.name] = record
        self._register(record, module)
        return record

    def _warn(self, record: PluginRecord, message: str) -> bool:
        """Record a warning; in strict mode it is a failure. Returns whether loading may go on."""
        record.warnings.append(message)
        if self.strict:
            self._fail(record, message)
            return False
        return True

    def _register(self, record: PluginRecord, module: ModuleType) -> None:
        declared = getattr(module, "PEP_TUI_API_VERSION", None)
        record.api_version = str(declared) if declared is not None else None
        problem = check_api_version(declared)
        if problem:
            self._fail(record, problem)
            return
        if declared is None and not self._warn(
            record,
            f"does not declare PEP_TUI_API_VERSION; assuming {PLUGIN_API_VERSION} "
            f"(add PEP_TUI_API_VERSION = {PLUGIN_API_VERSION!r} to the plugin module)",
        ):
            return
        for name in hookspecs.HOOK_NAMES:
            candidate = getattr(module, name, None)
            if callable(candidate) and not hasattr(candidate, f"{ENTRY_POINT_GROUP}_impl"):
                record.warnings.append(
                    f"defines {name} without @hookimpl, so pep-tui does not call it "
                    f"(add 'from pep_tui.plugins import hookimpl' and decorate it)"
                )
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", hookspecs.PluginDeprecationWarning)
                self.pm.register(module, name=record.name)
        except Exception as exc:
            self._fail(record, f"registration failed: {type(exc).__name__}: {exc}")
            return
        for warning in caught:  # pass on what pluggy said (deprecated hooks), keeping its location
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        bad = [
            caller.name
            for caller in self.pm.get_hookcallers(module) or []
            if caller.spec is None
        ]
        if bad:
            self.pm.unregister(module)
            self._fail(record, unknown_hooks_message(bad))
            return
        record.hooks = sorted(c.name for c in self.pm.get_hookcallers(module) or [])
        for caller in self.pm.get_hookcallers(module) or []:
            deprecation = hookspecs.deprecation_of(caller.spec.function if caller.spec else None)
            if deprecation is not None and not self._warn(record, deprecation.message()):
                self.pm.unregister(module)
                return
        custom_kind = getattr(module, "PEP_TUI_PLUGIN_KIND", None)
        if custom_kind in PLUGIN_KINDS:
            record.kind = custom_kind
        elif custom_kind is not None:
            record.warnings.append(
                f"PEP_TUI_PLUGIN_KIND {custom_kind!r} is not one of {', '.join(PLUGIN_KINDS)}; ignored"
            )
        self._registry = None

    # --- collecting contributions ----------------------------------------------------------------

    def _collect(self, hook_name: str, kind: type, sink: Callable[[str, Any], None]) -> None:
        caller = getattr(self.pm.hook, hook_name)
        for impl in caller.get_hookimpls():
            record = self.records.get(impl.plugin_name)
            if record is None or record.error:
                continue
            contributed: list[Any] = []

            def register(item: Any, _contributed: list[Any] = contributed) -> None:
                if not isinstance(item, kind):
                    raise TypeError(f"{hook_name} registers {kind.__name__} objects, not {type(item).__name__}")
                _contributed.append(item)

            try:
                impl.function(register=register)
            except Exception as exc:
                record.traceback = format_failure(exc)
                self._fail(record, f"hook {hook_name} raised {type(exc).__name__}: {exc}{at_location(exc, impl.function)}")
                continue
            for item in contributed:
                try:
                    sink(impl.plugin_name, item)
                except ValueError as exc:
                    self._fail(record, str(exc))
                    break
                except Exception as exc:  # a malformed contribution (e.g. year_groups=None)
                    record.traceback = format_failure(exc)
                    self._fail(record, f"{hook_name} registered an unusable {type(item).__name__}: "
                                       f"{type(exc).__name__}: {exc}")
                    break

    def registry(self) -> Registry:
        """Build (once) the registry of every loaded plugin's contributions."""
        if self._registry is not None:
            return self._registry
        reg = Registry()
        records = self.records

        def add_stage(plugin: str, item: StageDefinition) -> None:
            reg.add_stage(plugin, item)
            records[plugin].stages.append(item.id)
            records[plugin].kind = "stage" if records[plugin].kind == "feature" else records[plugin].kind

        def add_role(plugin: str, item: RoleDefinition) -> None:
            reg.add_role(plugin, item)
            records[plugin].roles.append(item.id)
            if records[plugin].kind == "feature":
                records[plugin].kind = "role"

        def add_section(plugin: str, item: SectionSpec) -> None:
            reg.add_section(plugin, item)
            records[plugin].sections.append(item.id)

        def add_validator(plugin: str, item: ValidatorSpec) -> None:
            reg.add_validator(plugin, item)
            records[plugin].validators.append(item.id)

        def add_view(plugin: str, item: ViewSpec) -> None:
            reg.add_view(plugin, item)
            records[plugin].views.append(item.id)

        def add_command(plugin: str, item: CommandSpec) -> None:
            reg.add_command(plugin, item)
            records[plugin].commands.append(item.id)

        def add_sample(plugin: str, item: Any) -> None:
            reg.add_sample_contributor(plugin, item)

        def add_child_attribute(plugin: str, item: ChildAttribute) -> None:
            reg.add_child_attribute(plugin, item)

        def add_service(plugin: str, item: ServiceSpec) -> None:
            reg.add_service(plugin, item)

        def add_cli_command(plugin: str, item: CliCommand) -> None:
            reg.add_cli_command(plugin, item)

        def add_sample_writer(plugin: str, item: Any) -> None:
            reg.add_sample_writer(plugin, item)

        def add_summary_field(plugin: str, item: SummaryField) -> None:
            reg.add_summary_field(plugin, item)
            records[plugin].summary_fields.append(item.name)

        self._collect("register_stages", StageDefinition, add_stage)
        self._collect("register_roles", RoleDefinition, add_role)
        self._collect("register_sections", SectionSpec, add_section)
        self._collect("register_validators", ValidatorSpec, add_validator)
        self._collect("register_views", ViewSpec, add_view)
        self._collect("register_commands", CommandSpec, add_command)
        self._collect("register_sample_data", object, add_sample)
        self._collect("register_summary_fields", SummaryField, add_summary_field)
        self._collect("register_child_attributes", ChildAttribute, add_child_attribute)
        self._collect("register_services", ServiceSpec, add_service)
        self._collect("register_cli_commands", CliCommand, add_cli_command)
        self._collect("register_sample_writers", object, add_sample_writer)
        # A plugin that broke part-way contributes nothing at all.
        broken = {name for name, r in records.items() if r.error}
        if broken:
            reg.drop_plugins(broken)
        self._registry = reg
        return reg


def load_plugins(*, strict: bool | None = None, disabled: Iterable[str] = ()) -> PluginManager:
    """Load the installed plugins and build their registry (the usual entry point for the app)."""
    with warnings.catch_warnings():
        warnings.simplefilter("default", DeprecationWarning)
        manager = PluginManager(strict=strict, disabled=disabled)
        manager.load_entry_points()
        manager.registry()
    return manager
