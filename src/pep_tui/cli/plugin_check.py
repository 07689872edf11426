"""``pep-tui plugins check``: load one plugin as strict mode would and say what it adds and what is wrong.

The plugin is loaded beside the other installed plugins (so clashes show), its contributions are
listed, its sample content is generated into an in-memory cohort and its validators are run on every
sample PEP. Every load error or warning, and every problem found below, makes the check fail: among
them a section's ``applies`` or ``sample`` that raises on a sample PEP (named with the file and line,
and its traceback shown). A field whose type the forms cannot edit (``time``, ``dict[str, int]``,
``int | str``: shown as a raw JSON box) is a warning, and a failure with ``--strict``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import types
import typing
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from pep_tui.cli.plugin_target import TargetNotFound, resolve_target
from pep_tui.plugins import ENTRY_POINT_GROUP
from pep_tui.plugins.api import SectionContext, SectionSpec, Severity, ValidationContext
from pep_tui.plugins.failures import format_failure, where_raised
from pep_tui.plugins.manager import PluginManager, PluginRecord, check_api_version

_CRITERION = re.compile(r"^Q(?:[1-9]|1[0-3])$")
#: The cohort the check generates in memory (the training demo's size and seed).
CHECK_CHILDREN = 60
CHECK_SEED = 2026


@dataclass
class FieldInfo:
    """One field of a section's model."""

    name: str
    type: str
    description: str | None


@dataclass
class SectionInfo:
    """One section the plugin registers."""

    id: str
    title: str
    model: str
    fields: list[FieldInfo]
    stages: list[str] | None
    circumstance: bool
    editors: list[str]
    sample: bool
    sample_peps: int = 0


@dataclass
class CheckReport:
    """What ``plugins check`` found about one plugin."""

    name: str
    module: str
    api_version: str | None = None
    kind: str = "feature"
    hooks: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    sections: list[SectionInfo] = field(default_factory=list)
    validators: list[dict[str, Any]] = field(default_factory=list)
    views: list[dict[str, Any]] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    sample_contributors: int = 0
    sample_peps: int = 0
    findings_on_sample: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Problems that fail the check only with ``--strict`` (fields the forms cannot edit).
    warnings: list[str] = field(default_factory=list)
    #: The traceback of each failure of the plugin's own code (a raising hook, ``applies`` or ``sample``).
    tracebacks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        from dataclasses import asdict

        return {**asdict(self), "ok": self.ok}


# --- Checking ------------------------------------------------------------------------------------


def _type_name(annotation: Any) -> str:
    """A field's type as a reader writes it: ``int | None``, ``list[Activity]``; constraints left out."""
    if annotation is type(None):
        return "None"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in args)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    if origin is not None and args:
        return f"{getattr(origin, '__name__', str(origin))}[{', '.join(_type_name(a) for a in args)}]"
    if isinstance(annotation, type):
        return annotation.__name__
    return re.sub(r"(?:\w+\.)+(\w+)", r"\1", str(annotation))


def _fields(model: type[BaseModel], prefix: str = "", seen: set[type] | None = None) -> list[FieldInfo]:
    seen = seen if seen is not None else set()
    seen.add(model)
    found = []
    for name, info in model.model_fields.items():
        found.append(FieldInfo(prefix + name, _type_name(info.annotation), info.description))
        nested = info.annotation
        for candidate in (nested, *getattr(nested, "__args__", ())):
            inner = (candidate, *getattr(candidate, "__args__", ()))
            for item in inner:
                if isinstance(item, type) and issubclass(item, BaseModel) and item not in seen:
                    found += _fields(item, f"{prefix}{name}.", seen)
    return found


def _unrenderable(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str]]:
    """``(field, type)`` of each field (nested ones too) the forms would show as a raw JSON box."""
    from pep_tui.tui.forms import describe_model

    found: list[tuple[str, str]] = []
    for info in describe_model(model):
        if info.kind == "json":
            found.append((prefix + info.name, _type_name(model.model_fields[info.name].annotation)))
        elif info.kind in ("group", "rows") and info.model is not None:
            found += _unrenderable(info.model, f"{prefix}{info.name}.")
    return found


def _section_info(spec: SectionSpec, registry: Any, report: CheckReport, foreign: dict[str, str]) -> SectionInfo:
    info = SectionInfo(
        id=spec.id, title=spec.title, model=f"{spec.model.__module__}.{spec.model.__qualname__}",
        fields=_fields(spec.model), stages=sorted(spec.stages) if spec.stages is not None else None,
        circumstance=spec.applies is not None, editors=sorted(spec.editors), sample=spec.sample is not None,
    )
    undescribed = [f.name for f in info.fields if not (f.description or "").strip()]
    if undescribed:
        report.problems.append(
            f"section {spec.id}: field(s) without a description: {', '.join(undescribed)} "
            f"(add Field(description=...); the form shows it as help)"
        )
    for name, type_name in _unrenderable(spec.model):
        report.warnings.append(
            f"section {spec.id}: field {name} has the type {type_name}, which the forms cannot edit (it would be "
            f"a raw JSON box); use str, int, float, bool, date, an Enum, a sub-model or a list of str or sub-models"
        )
    if spec.namespace in foreign:
        report.problems.append(f"section {spec.id}: the namespace {spec.namespace!r} belongs to the plugin "
                               f"{foreign[spec.namespace]!r}; use your plugin's own name")
    for stage in sorted(set(spec.stages or ()) - set(registry.stages)):
        report.problems.append(f"section {spec.id}: names stage {stage!r}, which no installed plugin provides")
    for role in sorted((set(spec.editors) | set(spec.viewers or ())) - set(registry.roles)):
        report.problems.append(f"section {spec.id}: names role {role!r}, which no installed plugin provides")
    if spec.version > 1 and spec.migrate is None:
        report.problems.append(f"section {spec.id}: version {spec.version} needs a migrate function for older data")
    if not spec.editors:
        report.notes.append(f"section {spec.id}: no role can edit it")
    if spec.sample is None:
        report.notes.append(f"section {spec.id}: no sample content (the training cohort shows it empty)")
    return info


def _check_view(view: Any, registry: Any, report: CheckReport) -> dict[str, Any]:
    entry = {"id": view.id, "title": view.title, "screen": view.screen,
             "roles": sorted(view.roles) if view.roles is not None else None}
    for role in sorted(set(view.roles or ()) - set(registry.roles)):
        report.problems.append(f"view {view.id}: names role {role!r}, which no installed plugin provides")
    if not view.screen:
        return entry
    module_name, sep, cls_name = view.screen.partition(":")
    if not sep or not cls_name:
        report.problems.append(f"view {view.id}: screen {view.screen!r} should be 'package.module:ScreenClass'")
        return entry
    try:
        screen = getattr(importlib.import_module(module_name), cls_name)
    except Exception as exc:
        report.problems.append(f"view {view.id}: cannot import {view.screen}: {type(exc).__name__}: {exc}")
        return entry
    from textual.screen import Screen

    if not (isinstance(screen, type) and issubclass(screen, Screen)):
        report.problems.append(f"view {view.id}: {view.screen} is not a Textual Screen class")
    return entry


def _run_on_sample(name: str, plugins: PluginManager, report: CheckReport) -> None:
    """Generate the sample cohort in memory and run the plugin's validators on every sample PEP."""
    from pep_tui.sample import SAMPLE_TODAY, build_cohort
    from pep_tui.settings import Policy

    registry = plugins.registry()
    policy = Policy()
    failed: dict[str, tuple[BaseException, Any]] = {}
    for section_id, spec in list(registry.sections.items()):
        if registry.owner.get(("section", section_id)) == name:
            registry.sections[section_id] = _watched(spec, failed)
    try:
        cohort = build_cohort(registry, policy, children=CHECK_CHILDREN, seed=CHECK_SEED)
    except Exception as exc:
        report.problems.append(f"sample data: generating the sample cohort failed: {type(exc).__name__}: {exc}")
        return
    mine = {s.id: s for s in registry.sections.values() if registry.owner.get(("section", s.id)) == name}
    validators = [v for v in registry.validators.values() if registry.owner.get(("validator", v.id)) == name]
    counts: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    crashed: dict[str, str] = {}
    for child in cohort.children:
        for pep in cohort.peps.get(child.id, []):
            previous = next((p for p in cohort.peps[child.id] if p.id == pep.previous_pep_id), None)
            sctx = SectionContext(child=child, pep=pep, previous=previous)
            parsed, _ = registry.parse_sections(sctx)
            touched = False
            for section_id in mine:
                if pep.sections.get(section_id) is not None:
                    filled[section_id] += 1
                    touched = True
            vctx = ValidationContext(child=child, pep=pep, sections=parsed, previous=previous,
                                     policy=policy, today=SAMPLE_TODAY)
            for validator in validators:
                if validator.stages is not None and pep.stage not in validator.stages:
                    continue
                try:
                    for finding in validator.check(vctx):
                        counts[finding.severity.value] += 1
                        touched = True
                        if finding.criterion and not _CRITERION.match(finding.criterion):
                            crashed.setdefault(validator.id, f"gave criterion {finding.criterion!r} (use Q1 to Q13)")
                except Exception as exc:
                    crashed.setdefault(validator.id, f"raised {type(exc).__name__}: {exc}")
            report.sample_peps += touched
    for what, (exc, code) in failed.items():
        where = where_raised(exc, code)
        report.problems.append(f"{what} raised {type(exc).__name__}: {exc}" + (f" ({where})" if where else "")
                               + " on the sample cohort")
        report.tracebacks.append(format_failure(exc))
    for section in report.sections:
        section.sample_peps = filled.get(section.id, 0)
    report.findings_on_sample = {sev.value: counts.get(sev.value, 0) for sev in Severity}
    for validator_id, what in sorted(crashed.items()):
        report.problems.append(f"validator {validator_id} {what} on the sample cohort")
    report.sample_contributors = sum(1 for plugin, _ in registry.sample_contributors if plugin == name)


def _watched(spec: SectionSpec, failed: dict[str, tuple[BaseException, Any]]) -> SectionSpec:
    """``spec`` with its ``applies`` and ``sample`` recording their first exception in ``failed`` (keyed
    ``section ID: applies`` or ``section ID: sample``), so the check names them instead of the cohort
    silently leaving the section out."""
    import dataclasses

    applies, sample = spec.applies, spec.sample

    def watched_applies(ctx: SectionContext) -> bool:
        try:
            return bool(applies(ctx))  # type: ignore[misc]
        except Exception as exc:
            failed.setdefault(f"section {spec.id}: applies", (exc, applies))
            return False

    def watched_sample(ctx: Any) -> Any:
        try:
            return sample(ctx)  # type: ignore[misc]
        except Exception as exc:
            failed.setdefault(f"section {spec.id}: sample", (exc, sample))
            return None

    return dataclasses.replace(spec, applies=watched_applies if applies is not None else None,
                               sample=watched_sample if sample is not None else None)


def _validator_info(validator: Any, registry: Any, report: CheckReport) -> dict[str, Any]:
    for stage in sorted(set(validator.stages or ()) - set(registry.stages)):
        report.problems.append(f"validator {validator.id}: names stage {stage!r}, which no installed plugin provides")
    if validator.criterion and not _CRITERION.match(validator.criterion):
        report.problems.append(f"validator {validator.id}: criterion {validator.criterion!r} is not one of Q1 to Q13")
    if not validator.description:
        report.notes.append(f"validator {validator.id}: no description")
    return {"id": validator.id, "description": validator.description,
            "stages": sorted(validator.stages) if validator.stages is not None else None,
            "criterion": validator.criterion}


def _foreign_namespaces(plugins: PluginManager, registry: Any, name: str) -> dict[str, str]:
    """Namespaces taken by other plugins: their section prefixes, stage and role ids, and their names."""
    foreign = {item_id.split(".", 1)[0]: owner for (_kind, item_id), owner in registry.owner.items()
               if owner != name}
    return foreign | {other: other for other in plugins.records if other != name}


def _check_ids(ids: list[str], report: CheckReport) -> None:
    spaces = sorted({i.split(".", 1)[0] for i in ids if "." in i})
    if len(spaces) > 1:
        report.notes.append(f"ids use several namespaces ({', '.join(spaces)}); one per plugin is clearer")
    for item in ids:
        if "." not in item:
            problem = f"id {item!r} is not namespaced; use '<your plugin>.{item}'"
            if not any(f"{item!r} must be namespaced" in p for p in report.problems):
                report.problems.append(problem)


def _describe(record: PluginRecord, plugins: PluginManager, report: CheckReport) -> None:
    registry = plugins.registry()
    foreign = _foreign_namespaces(plugins, registry, record.name)
    report.api_version, report.kind, report.hooks = record.api_version, record.kind, record.hooks
    report.stages, report.roles, report.commands = record.stages, record.roles, record.commands
    for section_id in record.sections:
        report.sections.append(_section_info(registry.sections[section_id], registry, report, foreign))
    for validator_id in record.validators:
        report.validators.append(_validator_info(registry.validators[validator_id], registry, report))
    for view_id in record.views:
        report.views.append(_check_view(registry.views[view_id], registry, report))
    ids = [*record.sections, *record.validators, *record.views, *record.commands]
    _check_ids(ids, report)
    if not ids and not record.stages and not record.roles:
        report.problems.append("the plugin contributes nothing")


#: For the dry run: each hook, the name of the type it registers in ``pep_tui.plugins.api`` (``None``:
#: any callable) and the registry method that adds one. Hooks this pep-tui does not have are skipped.
_HOOK_ADDERS: tuple[tuple[str, str | None, str], ...] = (
    ("register_stages", "StageDefinition", "add_stage"),
    ("register_roles", "RoleDefinition", "add_role"),
    ("register_sections", "SectionSpec", "add_section"),
    ("register_validators", "ValidatorSpec", "add_validator"),
    ("register_views", "ViewSpec", "add_view"),
    ("register_commands", "CommandSpec", "add_command"),
    ("register_summary_fields", "SummaryField", "add_summary_field"),
    ("register_sample_data", None, "add_sample_contributor"),
)


def _dry_run(module: ModuleType, name: str, plugins: PluginManager, report: CheckReport) -> None:
    """For a plugin pep-tui refused: call its hooks one by one, so every problem is reported at once.

    Each contribution is added to a throwaway registry of the other plugins (the same checks loading
    makes) and described as for a plugin that loaded; a failure is a problem and the next one is tried.
    """
    from pep_tui.plugins import api

    registry = plugins.registry()  # the other plugins' registry: the refused plugin is not in it
    foreign = _foreign_namespaces(plugins, registry, name)
    ids: list[str] = []
    for hook, type_name, adder in _HOOK_ADDERS:
        function = getattr(module, hook, None)
        kind = getattr(api, type_name, None) if type_name else object
        add = getattr(registry, adder, None)
        if not callable(function) or not hasattr(function, f"{ENTRY_POINT_GROUP}_impl") or kind is None or add is None:
            continue
        report.hooks.append(hook)
        contributed: list[Any] = []
        try:
            function(register=contributed.append)
        except Exception as exc:
            where = where_raised(exc, function)
            report.problems.append(f"hook {hook} raised {type(exc).__name__}: {exc}" + (f" ({where})" if where else ""))
            report.tracebacks.append(format_failure(exc))
            continue
        for item in contributed:
            if not isinstance(item, kind):
                report.problems.append(f"{hook} registers {kind.__name__} objects, not {type(item).__name__}")
                continue
            try:
                add(name, item)
            except ValueError as exc:
                report.problems.append(str(exc))
            except Exception as exc:
                report.problems.append(f"{hook} registered an unusable {type(item).__name__}: {type(exc).__name__}: {exc}")
                continue
            if isinstance(item, api.StageDefinition):
                report.stages.append(item.id)
            elif isinstance(item, api.RoleDefinition):
                report.roles.append(item.id)
            elif isinstance(item, SectionSpec):
                report.sections.append(_section_info(item, registry, report, foreign))
                ids.append(item.id)
            elif isinstance(item, api.ValidatorSpec):
                report.validators.append(_validator_info(item, registry, report))
                ids.append(item.id)
            elif isinstance(item, api.ViewSpec):
                report.views.append(_check_view(item, registry, report))
                ids.append(item.id)
            elif isinstance(item, api.CommandSpec):
                report.commands.append(item.id)
                ids.append(item.id)
    _check_ids(ids, report)
    report.notes.append("the sample cohort was not generated: fix the problems above, then check again")


def check_plugin(target: str, *, strict: bool = False) -> list[CheckReport]:
    """Check the plugin(s) a path or name designates; one report per plugin.

    With ``strict``, warnings (fields the forms cannot edit) are problems too.
    """
    try:
        found = resolve_target(target)
    except TargetNotFound:
        raise
    except Exception as exc:
        report = CheckReport(name=target, module=target)
        report.problems.append(f"import failed: {type(exc).__name__}: {exc}")
        return [report]
    reports = []
    for name, module_name, module in found:
        report = CheckReport(name=name, module=module_name)
        plugins = PluginManager(strict=False)
        others = [ep for ep in entry_points(group=ENTRY_POINT_GROUP)
                  if ep.name != name and ep.value.partition(":")[0] != module_name]
        with contextlib.redirect_stderr(io.StringIO()):  # the report says it; no "not loaded" line as well
            plugins.load_entry_points(others)
            record = plugins.load_module(module, name=name)
            plugins.registry()
        if record.error:
            report.problems.append(record.error)
        report.problems += record.warnings
        if not record.error:
            _describe(record, plugins, report)
            _run_on_sample(name, plugins, report)
        else:
            report.api_version = record.api_version
            report.kind = getattr(module, "PEP_TUI_PLUGIN_KIND", None) or report.kind
            if check_api_version(getattr(module, "PEP_TUI_API_VERSION", None)) is None:
                _dry_run(module, name, plugins, report)
        if record.traceback:
            report.tracebacks.insert(0, record.traceback)
        if strict:
            report.problems += report.warnings
        report.problems = list(dict.fromkeys(report.problems))  # the load error is usually found again
        reports.append(report)
    return reports
