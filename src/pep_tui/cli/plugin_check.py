"""``pep-tui plugins check``: load one plugin as strict mode would and say what it adds and what is wrong.

The plugin is loaded beside the other installed plugins (so clashes show), its contributions are
listed, its sample content is generated into an in-memory cohort and its validators are run on every
sample PEP. Every load error or warning, and every problem found below, makes the check fail.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from pep_tui.plugins import ENTRY_POINT_GROUP
from pep_tui.plugins.api import SectionContext, SectionSpec, Severity, ValidationContext
from pep_tui.plugins.manager import PluginManager, PluginRecord

_CRITERION = re.compile(r"^Q(?:[1-9]|1[0-3])$")
#: The cohort the check generates in memory (the training demo's size and seed).
CHECK_CHILDREN = 60
CHECK_SEED = 2026


class TargetNotFound(LookupError):
    """The path or name given to ``plugins check`` names no plugin."""


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

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        from dataclasses import asdict

        return {**asdict(self), "ok": self.ok}


# --- Finding the plugin ----------------------------------------------------------------------------


def _entry_points_in_pyproject(folder: Path) -> list[tuple[str, str]]:
    data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    eps = data.get("project", {}).get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
    return sorted(eps.items())


def _import(value: str) -> ModuleType | Any:
    module_name, _, attr = value.partition(":")
    module = importlib.import_module(module_name.strip())
    return getattr(module, attr.strip()) if attr else module


def resolve_target(target: str) -> list[tuple[str, str, ModuleType | Any]]:
    """``(plugin name, module name, loaded module)`` for each plugin a path or name designates.

    A folder with a ``pyproject.toml`` gives its ``pep_tui`` entry points (its ``src/`` folder is put
    first on ``sys.path``, so the working copy is checked rather than an installed one); a ``.py``
    file or a package folder is imported as it is; anything else is an installed plugin's entry-point
    name or an importable module name. Import errors propagate to the caller.
    """
    path = Path(target).expanduser()
    if path.is_dir() and (path / "pyproject.toml").exists():
        pairs = _entry_points_in_pyproject(path)
        if not pairs:
            raise TargetNotFound(f"{path}/pyproject.toml declares no entry point in [project.entry-points.{ENTRY_POINT_GROUP}]")
        for folder in (path, path / "src"):
            if folder.is_dir() and str(folder.resolve()) not in sys.path:
                sys.path.insert(0, str(folder.resolve()))
        return [(name, value.partition(":")[0], _import(value)) for name, value in pairs]
    if path.is_file() and path.suffix == ".py":
        name = path.stem
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise TargetNotFound(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return [(name, name, module)]
    if path.is_dir() and (path / "__init__.py").exists():
        sys.path.insert(0, str(path.resolve().parent))
        return [(path.name, path.name, importlib.import_module(path.name))]
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == target:
            return [(ep.name, ep.value.partition(":")[0], ep.load())]
    if re.match(r"^[A-Za-z_][\w.]*$", target) and importlib.util.find_spec(target.split(".")[0]) is not None:
        return [(target.rsplit(".", 1)[-1], target, importlib.import_module(target))]
    raise TargetNotFound(
        f"{target!r} is neither a plugin folder (with pyproject.toml), a .py file, an installed plugin "
        f"nor an importable module; installed plugins: "
        + ", ".join(sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)))
    )


# --- Checking ------------------------------------------------------------------------------------


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    return text or re.sub(r"(?:\w+\.)+(\w+)", r"\1", str(annotation))


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
    for section in report.sections:
        section.sample_peps = filled.get(section.id, 0)
    report.findings_on_sample = {sev.value: counts.get(sev.value, 0) for sev in Severity}
    for validator_id, what in sorted(crashed.items()):
        report.problems.append(f"validator {validator_id} {what} on the sample cohort")
    report.sample_contributors = sum(1 for plugin, _ in registry.sample_contributors if plugin == name)


def _describe(record: PluginRecord, plugins: PluginManager, report: CheckReport) -> None:
    registry = plugins.registry()
    # Namespaces taken by other plugins: their section prefixes, stage and role ids, and their names.
    foreign = {item_id.split(".", 1)[0]: owner for (_kind, item_id), owner in registry.owner.items()
               if owner != record.name}
    foreign |= {other: other for other in plugins.records if other != record.name}
    report.api_version, report.kind, report.hooks = record.api_version, record.kind, record.hooks
    report.stages, report.roles, report.commands = record.stages, record.roles, record.commands
    for section_id in record.sections:
        report.sections.append(_section_info(registry.sections[section_id], registry, report, foreign))
    for validator_id in record.validators:
        validator = registry.validators[validator_id]
        report.validators.append({"id": validator.id, "description": validator.description,
                                  "stages": sorted(validator.stages) if validator.stages is not None else None,
                                  "criterion": validator.criterion})
        for stage in sorted(set(validator.stages or ()) - set(registry.stages)):
            report.problems.append(f"validator {validator.id}: names stage {stage!r}, which no installed plugin provides")
        if validator.criterion and not _CRITERION.match(validator.criterion):
            report.problems.append(f"validator {validator.id}: criterion {validator.criterion!r} is not one of Q1 to Q13")
        if not validator.description:
            report.notes.append(f"validator {validator.id}: no description")
    for view_id in record.views:
        report.views.append(_check_view(registry.views[view_id], registry, report))
    ids = [*record.sections, *record.validators, *record.views, *record.commands]
    spaces = sorted({i.split(".", 1)[0] for i in ids if "." in i})
    if len(spaces) > 1:
        report.notes.append(f"ids use several namespaces ({', '.join(spaces)}); one per plugin is clearer")
    for item in ids:
        if "." not in item:
            report.problems.append(f"id {item!r} is not namespaced; use '<your plugin>.{item}'")
    if not ids and not record.stages and not record.roles:
        report.problems.append("the plugin contributes nothing")


def check_plugin(target: str) -> list[CheckReport]:
    """Check the plugin(s) a path or name designates; one report per plugin."""
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
        plugins.load_entry_points(others)
        record = plugins.load_module(module, name=name)
        plugins.registry()
        if record.error:
            report.problems.append(record.error)
        report.problems += record.warnings
        if not record.error:
            _describe(record, plugins, report)
            _run_on_sample(name, plugins, report)
        elif record.api_version:
            report.api_version = record.api_version
        reports.append(report)
    return reports
