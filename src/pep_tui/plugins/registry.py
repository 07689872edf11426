"""The registry: every stage, role, section, validator, view, command and summary field the loaded plugins
contributed."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from pep_tui.plugins.api import (
    SECTION_PURPOSES,
    ChildAttribute,
    CliCommand,
    CommandSpec,
    Finding,
    RoleDefinition,
    SampleContributor,
    SampleWriter,
    SectionContext,
    SectionSpec,
    ServiceSpec,
    Severity,
    StageDefinition,
    SummaryField,
    ValidationContext,
    ValidatorSpec,
    ViewSpec,
)
from pep_tui.plugins.failures import where_raised

_SECTION_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$")
_CLI_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass
class Registry:
    """Answers: the stages, the roles, the sections for a PEP and role, the validators for a PEP."""

    stages: dict[str, StageDefinition] = field(default_factory=dict)
    roles: dict[str, RoleDefinition] = field(default_factory=dict)
    sections: dict[str, SectionSpec] = field(default_factory=dict)
    validators: dict[str, ValidatorSpec] = field(default_factory=dict)
    views: dict[str, ViewSpec] = field(default_factory=dict)
    commands: dict[str, CommandSpec] = field(default_factory=dict)
    sample_contributors: list[tuple[str, SampleContributor]] = field(default_factory=list)
    summary_fields: dict[str, SummaryField] = field(default_factory=dict)
    child_attributes: dict[str, ChildAttribute] = field(default_factory=dict)
    services: dict[str, ServiceSpec] = field(default_factory=dict)
    cli_commands: dict[str, CliCommand] = field(default_factory=dict)
    sample_writers: list[tuple[str, SampleWriter]] = field(default_factory=list)
    owner: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> plugin name
    #: The last error of each summary field whose ``compute`` failed in this process (name -> message).
    summary_errors: dict[str, str] = field(default_factory=dict)
    #: Sections whose ``applies`` raised in this process (id -> what and where); reported once each.
    applies_errors: dict[str, str] = field(default_factory=dict)

    # --- adding (used by the manager) -----------------------------------------------------------

    def _claim(self, kind: str, item_id: str, plugin: str, table: dict[str, Any]) -> None:
        if item_id in table:
            other = self.owner.get((kind, item_id), "another plugin")
            raise ValueError(f"{kind} id {item_id!r} is already registered by {other}")
        self.owner[(kind, item_id)] = plugin

    def add_stage(self, plugin: str, stage: StageDefinition) -> None:
        """Add a stage; a year group may belong to one stage only."""
        self._claim("stage", stage.id, plugin, self.stages)
        for other in self.stages.values():
            overlap = set(other.year_groups) & set(stage.year_groups)
            if overlap:
                raise ValueError(f"stage {stage.id!r} claims year group(s) {sorted(overlap)} already in {other.id!r}")
        self.stages[stage.id] = stage

    def add_role(self, plugin: str, role: RoleDefinition) -> None:
        """Add a role."""
        self._claim("role", role.id, plugin, self.roles)
        self.roles[role.id] = role

    def add_section(self, plugin: str, section: SectionSpec) -> None:
        """Add a section; its id must be namespaced (``namespace.name``)."""
        if not _SECTION_ID.match(section.id):
            raise ValueError(f"section id {section.id!r} must be namespaced like 'myplugin.notes'")
        if not (isinstance(section.model, type) and issubclass(section.model, BaseModel)):
            raise ValueError(f"section {section.id!r}: model must be a pydantic model class")
        if section.purpose is not None and section.purpose not in SECTION_PURPOSES:
            raise ValueError(f"section {section.id!r}: purpose {section.purpose!r} is not one of "
                             f"{', '.join(SECTION_PURPOSES)}")
        self._claim("section", section.id, plugin, self.sections)
        self.sections[section.id] = section

    def add_validator(self, plugin: str, validator: ValidatorSpec) -> None:
        """Add a validator."""
        self._claim("validator", validator.id, plugin, self.validators)
        self.validators[validator.id] = validator

    def add_view(self, plugin: str, view: ViewSpec) -> None:
        """Add a view."""
        self._claim("view", view.id, plugin, self.views)
        self.views[view.id] = view

    def add_command(self, plugin: str, command: CommandSpec) -> None:
        """Add a palette command."""
        self._claim("command", command.id, plugin, self.commands)
        self.commands[command.id] = command

    def add_sample_contributor(self, plugin: str, contributor: SampleContributor) -> None:
        """Add a cohort-level sample-data contributor."""
        if not callable(contributor):
            raise ValueError("register_sample_data registers callables taking a SampleCohort")
        self.sample_contributors.append((plugin, contributor))

    def add_summary_field(self, plugin: str, summary_field: SummaryField) -> None:
        """Add a summary field; its name is a lower-case namespace (``pupil_premium``) and unique."""
        if not SummaryField.valid_name(summary_field.name):
            raise ValueError(f"summary field name {summary_field.name!r} must be a lower-case namespace like 'pupil_premium'")
        if not callable(summary_field.compute):
            raise ValueError(f"summary field {summary_field.name!r}: compute must be callable(child, peps)")
        if not isinstance(summary_field.version, int) or isinstance(summary_field.version, bool):
            raise ValueError(f"summary field {summary_field.name!r}: version must be an int")
        self._claim("summary_field", summary_field.name, plugin, self.summary_fields)
        self.summary_fields[summary_field.name] = summary_field

    def add_child_attribute(self, plugin: str, attribute: ChildAttribute) -> None:
        """Add a child attribute; its id is namespaced and its type one the record screen can edit."""
        if not _SECTION_ID.match(attribute.id):
            raise ValueError(f"child attribute id {attribute.id!r} must be namespaced like 'uasc.unaccompanied'")
        if attribute.type not in (bool, str, int, date):
            raise ValueError(f"child attribute {attribute.id!r}: type must be bool, str, int or date")
        self._claim("child_attribute", attribute.id, plugin, self.child_attributes)
        self.child_attributes[attribute.id] = attribute

    def add_service(self, plugin: str, service: ServiceSpec) -> None:
        """Add a plugin service; its name is a lower-case namespace and unique."""
        if not SummaryField.valid_name(service.name):
            raise ValueError(f"service name {service.name!r} must be a lower-case namespace like 'pupil_premium'")
        if not callable(service.factory):
            raise ValueError(f"service {service.name!r}: factory must be callable(services)")
        self._claim("service", service.name, plugin, self.services)
        self.services[service.name] = service

    def add_cli_command(self, plugin: str, command: CliCommand) -> None:
        """Add a ``pep-tui`` subcommand; its name and aliases must be free."""
        if not _CLI_NAME.match(command.name) or not all(_CLI_NAME.match(a) for a in command.aliases):
            raise ValueError(f"command name {command.name!r} must be lower case words joined by hyphens")
        if not callable(command.configure):
            raise ValueError(f"command {command.name!r}: configure must be callable(parser)")
        taken = {n for c in self.cli_commands.values() for n in (c.name, *c.aliases)}
        clash = sorted({command.name, *command.aliases} & taken)
        if clash:
            raise ValueError(f"command name(s) {', '.join(clash)} already taken")
        self._claim("cli_command", command.name, plugin, self.cli_commands)
        self.cli_commands[command.name] = command

    def add_sample_writer(self, plugin: str, writer: SampleWriter) -> None:
        """Add a function run after the training cohort is written."""
        if not callable(writer):
            raise ValueError("register_sample_writers registers callables taking (services, cohort)")
        self.sample_writers.append((plugin, writer))

    def summary_fields_signature(self) -> str:
        """``"name:version,…"`` of every summary field (empty without any): what summaries depend on."""
        return ",".join(f"{name}:{spec.version}" for name, spec in sorted(self.summary_fields.items()))

    def drop_plugins(self, names: set[str]) -> None:
        """Remove everything contributed by the named (broken) plugins."""
        tables = {
            "stage": self.stages,
            "role": self.roles,
            "section": self.sections,
            "validator": self.validators,
            "view": self.views,
            "command": self.commands,
            "summary_field": self.summary_fields,
            "child_attribute": self.child_attributes,
            "service": self.services,
            "cli_command": self.cli_commands,
        }
        for (kind, item_id), plugin in list(self.owner.items()):
            if plugin in names:
                tables[kind].pop(item_id, None)
                del self.owner[(kind, item_id)]
        self.sample_contributors = [(p, c) for p, c in self.sample_contributors if p not in names]
        self.sample_writers = [(p, w) for p, w in self.sample_writers if p not in names]

    # --- questions ------------------------------------------------------------------------------

    def stage_for_year_group(self, group: int) -> StageDefinition | None:
        """The stage a year group belongs to, or ``None`` if no loaded stage claims it."""
        for stage in self.stages.values():
            if group in stage.year_groups:
                return stage
        return None

    def ordered_stages(self) -> list[StageDefinition]:
        """Stages in their order (youngest first)."""
        return sorted(self.stages.values(), key=lambda s: (s.order, min(s.year_groups, default=99)))

    def ordered_roles(self) -> list[RoleDefinition]:
        """Roles in their display order."""
        return sorted(self.roles.values(), key=lambda r: (r.order, r.title))

    def role(self, role_id: str) -> RoleDefinition:
        """A role by id; ``KeyError`` naming the known roles if there is none."""
        try:
            return self.roles[role_id]
        except KeyError:
            raise KeyError(f"unknown role {role_id!r}; known roles: {', '.join(sorted(self.roles))}") from None

    def sections_for(self, ctx: SectionContext, role: str | None = None) -> list[SectionSpec]:
        """The sections that apply to a PEP (its stage and circumstances), in tab order.

        With ``role``, only those that role may see.
        """
        found = []
        for spec in self.sections.values():
            if spec.stages is not None and ctx.pep.stage not in spec.stages:
                continue
            if spec.applies is not None:
                try:
                    if not spec.applies(ctx):
                        continue
                except Exception as exc:  # a plugin's predicate must not break the PEP
                    self._applies_failed(spec, exc)
                    continue
            if role is not None and not self.can_view_section(role, spec):
                continue
            found.append(spec)
        return sorted(found, key=lambda s: (s.order, s.id))

    def section_for(self, purpose: str) -> SectionSpec | None:
        """The section that declares ``purpose`` (``SectionSpec.purpose``), first in tab order; ``None``
        when no loaded plugin provides one."""
        found = sorted((s for s in self.sections.values() if s.purpose == purpose), key=lambda s: (s.order, s.id))
        return found[0] if found else None

    def carried_forward(self) -> list[str]:
        """Ids of the sections that declare ``carry_forward``."""
        return sorted(s.id for s in self.sections.values() if s.carry_forward)

    def _applies_failed(self, spec: SectionSpec, exc: Exception) -> None:
        """Report a raising ``applies`` once per section and process (the section is left out of the PEP)."""
        if spec.id in self.applies_errors:
            return
        plugin = self.owner.get(("section", spec.id), "a plugin")
        where = where_raised(exc, spec.applies)
        message = f"applies raised {type(exc).__name__}" + (f" ({where})" if where else "")
        self.applies_errors[spec.id] = message
        print(f"pep-tui: plugin {plugin!r}: section {spec.id} {message}; the section is left out of PEPs",
              file=sys.stderr)

    def can_view_section(self, role: str, spec: SectionSpec) -> bool:
        """Whether a role may see a section (limited-view roles only where named)."""
        definition = self.roles.get(role)
        if definition is None:
            return False
        if spec.viewers is None:
            return not definition.limited_view or role in spec.editors
        return role in spec.viewers or role in spec.editors

    def can_edit_section(self, role: str, spec: SectionSpec) -> bool:
        """Whether a role may edit a section (before any workflow or scope rule)."""
        definition = self.roles.get(role)
        return definition is not None and not definition.read_only and role in spec.editors

    def validators_for(self, stage: str) -> list[ValidatorSpec]:
        """The validators that apply to a PEP of a stage."""
        return [v for v in self.validators.values() if v.stages is None or stage in v.stages]

    def parse_section(self, spec: SectionSpec, data: dict[str, Any] | None, version: int | None = None) -> BaseModel:
        """Parse stored data into the section's model, migrating older versions through the plugin.

        Raises ``pydantic.ValidationError`` if the data does not fit the model.
        """
        data = dict(data or {})
        if version is not None and version < spec.version and spec.migrate is not None:
            data = spec.migrate(version, data)
        return spec.model.model_validate(data)

    def validate(self, ctx: ValidationContext) -> list[Finding]:
        """Run every applicable validator, isolating one that raises (reported as an ``info`` finding)."""
        findings: list[Finding] = []
        for validator in self.validators_for(ctx.pep.stage):
            try:
                for finding in validator.check(ctx):
                    if finding.validator_id is None:
                        finding = Finding(**{**finding.__dict__, "validator_id": validator.id})
                    findings.append(finding)
            except Exception as exc:
                findings.append(
                    Finding(
                        Severity.INFO,
                        f"check {validator.id} could not run ({type(exc).__name__}); tell your administrator",
                        validator_id=validator.id,
                    )
                )
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        return sorted(findings, key=lambda f: order[f.severity])

    def parse_sections(self, ctx: SectionContext) -> tuple[dict[str, BaseModel | None], list[Finding]]:
        """Parse every applicable section of a PEP; stored data that no longer fits becomes a finding."""
        parsed: dict[str, BaseModel | None] = {}
        findings: list[Finding] = []
        for spec in self.sections_for(ctx):
            stored = ctx.pep.sections.get(spec.id)
            if stored is None or not stored.data:
                parsed[spec.id] = None
                continue
            try:
                parsed[spec.id] = self.parse_section(spec, stored.data, stored.version)
            except ValidationError as exc:
                parsed[spec.id] = None
                for err in exc.errors():
                    field_name = ".".join(str(p) for p in err["loc"])
                    findings.append(Finding(Severity.ERROR, f"{spec.title}: {field_name}: {err['msg']}", spec.id, field_name))
        return parsed, findings


def describe(items: Iterable[str]) -> str:
    """Comma-separated, for messages."""
    return ", ".join(items) or "none"
