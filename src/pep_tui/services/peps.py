"""PEPs: starting one, reading it as a role may see it, saving sections, validation and completion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from pep_tui.domain import PEP, PEPStatus, SectionData, TermRef, new_id, utcnow, year_group
from pep_tui.plugins.api import (
    Capability,
    Finding,
    ScopeKind,
    SectionContext,
    SectionSpec,
    Severity,
    ValidationContext,
)
from pep_tui.plugins.registry import Registry
from pep_tui.services.access import PermissionDenied, require, role_of
from pep_tui.services.care_rules import require_open
from pep_tui.services.children import ChildService
from pep_tui.services.context import ServiceContext
from pep_tui.services.errors import FieldProblem, InvalidInput, WorkflowError
from pep_tui.services.principal import Principal
from pep_tui.services.text_input import refuse_control_characters
from pep_tui.store import ChildRecord

#: Statuses in which sections may be edited.
EDITABLE_STATUSES = frozenset({PEPStatus.NOT_STARTED, PEPStatus.IN_PROGRESS, PEPStatus.RETURNED})


@dataclass(frozen=True)
class SectionState:
    """A section as one principal sees it: may they edit it, how complete is it."""

    spec: SectionSpec
    editable: bool
    filled: int
    total: int

    @property
    def complete(self) -> bool:
        """All required fields filled."""
        return self.filled >= self.total


def count_completion(model: type[BaseModel], data: dict[str, Any]) -> tuple[int, int]:
    """(required fields done, required fields total) for section data.

    A field counts as required when the model gives it no default or marks it ``json_schema_extra=
    {"required": True}``; with none such, every field counts.
    """
    fields = model.model_fields
    required = [
        n for n, f in fields.items() if f.is_required() or (isinstance(f.json_schema_extra, dict) and f.json_schema_extra.get("required"))
    ]
    names = required or list(fields)
    done = sum(1 for n in names if data.get(n) not in (None, "", [], {}))
    return done, len(names)


#: The role whose section rights a delegated role (scope kind ``DELEGATED``) borrows.
DELEGATING_ROLE = "designated_teacher"


def names_role(spec: SectionSpec, role: str) -> bool:
    """Whether a section names the role itself, as an editor or in an explicit ``viewers`` set."""
    return role in spec.editors or (spec.viewers is not None and role in spec.viewers)


def borrows_section_rights(registry: Registry, principal: Principal) -> bool:
    """Whether the principal's role is a delegated one (scope kind ``DELEGATED``) that borrows the
    designated teacher's section rights (only when a designated teacher role is installed)."""
    role = registry.roles.get(principal.role)
    return role is not None and role.scope is ScopeKind.DELEGATED and DELEGATING_ROLE in registry.roles


def may_view_section(registry: Registry, principal: Principal, spec: SectionSpec) -> bool:
    """Whether the principal may see a section.

    Every role sees what :meth:`Registry.can_view_section` allows it. A delegated role (school staff a
    designated teacher delegates to, or a plugin's own delegated role) sees, besides, the sections that
    name it explicitly (its own), and borrows the designated teacher's view of the rest, limited to the
    sections of its ``scope.sections`` when that list is not empty. The limit is the designated
    teacher's gift and restricts only the borrowed rights, never the role's own sections.
    """
    if not borrows_section_rights(registry, principal):
        return registry.can_view_section(principal.role, spec)
    if names_role(spec, principal.role):
        return True
    if principal.scope.sections and spec.id not in principal.scope.sections:
        return False
    return registry.can_view_section(DELEGATING_ROLE, spec)


def may_edit_section(registry: Registry, principal: Principal, spec: SectionSpec) -> bool:
    """Whether the principal's role may edit a section, before workflow state (see :func:`may_view_section`).

    A delegated role edits the sections naming it as an editor, and those the designated teacher edits
    within its ``scope.sections`` limit (when not empty).
    """
    if registry.can_edit_section(principal.role, spec):
        return True
    if not borrows_section_rights(registry, principal) or not registry.can_edit_section(DELEGATING_ROLE, spec):
        return False
    definition = registry.roles.get(principal.role)
    if definition is None or definition.read_only:
        return False
    return not principal.scope.sections or spec.id in principal.scope.sections


class PEPService:
    """Use cases about PEPs. Every call takes the :class:`Principal` it is made for."""

    def __init__(self, ctx: ServiceContext, children: ChildService) -> None:
        self.ctx = ctx
        self.children = children

    # --- reading ------------------------------------------------------------------------------

    def section_context(self, record: ChildRecord, pep: PEP) -> SectionContext:
        """The context deciding which sections apply to a PEP."""
        previous = next((p for p in record.peps if p.id == pep.previous_pep_id), None)
        return SectionContext(child=record.child, pep=pep, previous=previous)

    def visible_sections(self, principal: Principal, record: ChildRecord, pep: PEP) -> list[SectionState]:
        """The sections of a PEP the principal may see, with whether they may edit each and its completion.

        A delegated role (scope kind ``DELEGATED``) has its own sections' rights and borrows the
        designated teacher's for the rest, within its ``scope.sections`` limit (see
        :func:`may_view_section` and :func:`may_edit_section`).
        """
        registry = self.ctx.registry
        specs = [s for s in registry.sections_for(self.section_context(record, pep))
                 if may_view_section(registry, principal, s)]
        can_edit = self._may_edit_pep(principal, pep)
        states = []
        for spec in specs:
            editable = can_edit and may_edit_section(registry, principal, spec)
            filled, total = count_completion(spec.model, pep.section(spec.id))
            states.append(SectionState(spec, editable, filled, total))
        return states

    def _may_edit_pep(self, principal: Principal, pep: PEP) -> bool:
        role = self.ctx.registry.roles.get(principal.role)
        return (
            role is not None
            and Capability.EDIT_PEP in role.capabilities
            and pep.status in EDITABLE_STATUSES
            and pep.superseded_by is None
        )

    def get(self, principal: Principal, child_id: str, pep_id: str) -> PEP:
        """A PEP with only the sections (and plugin data) the principal's role may see."""
        record = self.children.record(principal, child_id)
        return self._visible_copy(principal, record, record.pep(pep_id))

    def history(self, principal: Principal, child_id: str) -> list[PEP]:
        """Every PEP of a child, oldest first, as the principal may see them."""
        return self.visible_peps(principal, self.children.record(principal, child_id))

    def visible_peps(self, principal: Principal, record: ChildRecord) -> list[PEP]:
        """Every PEP of a record already read through :meth:`ChildService.record`, as the principal may see them."""
        return [self._visible_copy(principal, record, p) for p in record.peps]

    def _visible_copy(self, principal: Principal, record: ChildRecord, pep: PEP) -> PEP:
        # which sections, not how complete each is: exports read every PEP of the cohort through here
        registry = self.ctx.registry
        visible = {s.id for s in registry.sections_for(self.section_context(record, pep))
                   if may_view_section(registry, principal, s)}
        role = role_of(self.ctx.registry, principal)
        update: dict[str, Any] = {"sections": {k: v for k, v in pep.sections.items() if k in visible}}
        if role.limited_view:
            # The child's and family's views: no QA, no plugin data, and no sign-off notes but their own
            # (a return's note is the Virtual School's reason, written for the professionals).
            sign_offs = [s if s.by == principal.login else s.model_copy(update={"note": ""}) for s in pep.sign_offs]
            update |= {"plugin_data": {}, "qa_ratings": [], "return_reason": None, "sign_offs": sign_offs}
        return pep.model_copy(update=update)

    # --- starting -----------------------------------------------------------------------------

    def start(self, principal: Principal, child_id: str, term: TermRef | None = None, interim: bool = False) -> PEP:
        """Start the PEP for a term (this term by default), carrying forward the previous PEP's targets."""
        record = self.children.record(principal, child_id)
        require(self.ctx.registry, principal, Capability.START_PEP, record.child)
        require_open(record.child, self.ctx.today())
        term = term or TermRef.containing(self.ctx.today())
        live = [p for p in record.peps if p.term_ref == term and p.superseded_by is None]
        if live:
            raise WorkflowError(f"{record.child.display_name} already has a {term.label} PEP")
        group = year_group(record.child.date_of_birth, term.start)
        stage = self.ctx.registry.stage_for_year_group(group)
        if stage is None:
            raise WorkflowError(f"no installed stage covers year group {group} ({record.child.display_name})")
        previous = next((p for p in reversed(record.peps) if p.term_ref < term and p.superseded_by is None), None)
        now = utcnow()
        pep = PEP(
            id=new_id("pep"), child_id=child_id, academic_year=term.academic_year, term=term.term,
            stage=stage.id, year_group=group, initial=not record.peps, interim=interim,
            previous_pep_id=previous.id if previous else None,
            created_by=principal.login, created_at=now, updated_by=principal.login, updated_at=now,
        )
        stable: list[str] = []
        if previous is not None:
            applying = {spec.id for spec in self.ctx.registry.sections_for(self.section_context(record, pep))}
            chosen = self.ctx.settings.policy.carry_forward_sections
            if chosen is None:
                chosen = self.ctx.registry.carried_forward()
            stable = [sid for sid in chosen if sid in applying]
        pep = carry_forward(pep, previous, principal.login, stable)
        return self.ctx.store.save_pep(pep, None, principal.login, principal.role, action="pep.start",
                                       detail={"term": term.label, "stage": stage.id})

    # --- saving -------------------------------------------------------------------------------

    def save_section(
        self,
        principal: Principal,
        child_id: str,
        pep_id: str,
        section_id: str,
        data: dict[str, Any] | BaseModel,
        expected_revision: int,
    ) -> PEP:
        """Validate and save one section. Bad input raises :class:`InvalidInput` naming each field; a
        stale ``expected_revision`` raises ``Conflict``; nothing is written in either case."""
        record = self.children.record(principal, child_id)
        require(self.ctx.registry, principal, Capability.EDIT_PEP, record.child)
        require_open(record.child, self.ctx.today())
        pep = record.pep(pep_id)
        state = next((s for s in self.visible_sections(principal, record, pep) if s.spec.id == section_id), None)
        if state is None:
            raise PermissionDenied(f"section {section_id} is not part of this PEP for your role")
        if not state.editable:
            if pep.status not in EDITABLE_STATUSES:
                raise PermissionDenied(f"this PEP is {pep.status.label.lower()} and cannot be edited")
            raise PermissionDenied(f"{state.spec.title} is not editable by your role")
        if isinstance(data, BaseModel):
            data = data.model_dump(mode="json")
        refuse_control_characters(state.spec.title, data)
        try:
            model = state.spec.model.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput.from_validation_error(state.spec.title, exc) from None
        stored = SectionData(
            version=state.spec.version, data=model.model_dump(mode="json"), updated_by=principal.login, updated_at=utcnow()
        )
        status = PEPStatus.IN_PROGRESS if pep.status is PEPStatus.NOT_STARTED else pep.status
        changed = pep.model_copy(update={"sections": {**pep.sections, section_id: stored}, "status": status})
        return self.ctx.store.save_pep(changed, expected_revision, principal.login, principal.role,
                                       action="pep.save_section", section_id=section_id)

    def save_plugin_data(
        self,
        principal: Principal,
        pep: PEP,
        namespace: str,
        data: dict[str, Any],
        expected_revision: int,
        *,
        capability: Capability,
        action: str,
        section_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> PEP:
        """Save a plugin's own data on a PEP (``pep.plugin_data[namespace]``): decisions, payments and the
        like that are not section content and happen after the PEP is submitted.

        Refused unless ``principal`` holds ``capability`` for the PEP's child (in scope), ``namespace``
        belongs to a loaded plugin and ``action`` is ``namespace.something``; a stale
        ``expected_revision`` raises ``Conflict``. The change is audited as ``action`` with ``detail``
        (ids and amounts, never free text). ``data`` must be JSON-able.

        .. versionadded:: 1.2
        """
        record = self.children.record(principal, pep.child_id)
        require(self.ctx.registry, principal, capability, record.child)
        owners = {plugin for (_kind, _item), plugin in self.ctx.registry.owner.items()}
        namespaces = {item.split(".", 1)[0] for (_kind, item) in self.ctx.registry.owner}
        if namespace not in namespaces and namespace not in owners:
            raise PermissionDenied(f"no loaded plugin owns the namespace {namespace!r}")
        if not action.startswith(f"{namespace}."):
            raise InvalidInput("Plugin data", [FieldProblem("action", f"expected '{namespace}.<what>', not {action!r}")])
        current = record.pep(pep.id)
        updated = current.model_copy(update={"plugin_data": {**current.plugin_data, namespace: data}})
        return self.ctx.store.save_pep(updated, expected_revision, principal.login, principal.role,
                                       action=action, section_id=section_id, detail=detail or {})

    # --- checking -----------------------------------------------------------------------------

    def validate(self, principal: Principal, child_id: str, pep_id: str) -> list[Finding]:
        """Every finding for a PEP: stored data that no longer fits, plus all plugins' validators."""
        record = self.children.record(principal, child_id)
        return self.findings_for(record, record.pep(pep_id))

    def findings_for(self, record: ChildRecord, pep: PEP) -> list[Finding]:
        """Findings for a PEP already loaded (used by workflow and QA)."""
        registry = self.ctx.registry
        sctx = self.section_context(record, pep)
        parsed, findings = registry.parse_sections(sctx)
        for spec in registry.sections_for(sctx):
            if spec.required and parsed.get(spec.id) is None and not any(f.section_id == spec.id for f in findings):
                findings.append(Finding(Severity.WARNING, f"{spec.title} has not been filled in", spec.id))
        vctx = ValidationContext(
            child=record.child, pep=pep, sections=parsed, previous=sctx.previous,
            policy=self.ctx.settings.policy, today=self.ctx.today(),
        )
        return [*findings, *registry.validate(vctx)]


#: Where a PEP records which sections were copied from the previous PEP and still await review.
CARRIED_FORWARD_KEY = "carried_forward"


def carry_forward(pep: PEP, previous: PEP | None, actor: str, stable_sections: list[str] | None = None) -> PEP:
    """Start a PEP from the previous one.

    The previous PEP's targets not already met are listed for review in ``shared.previous_targets``
    (outcome to be judged). The ``stable_sections`` (stable context such as the care context or
    leisure interests) are copied as they were and marked for review: their ids go into
    ``pep.plugin_data["carried_forward"]["sections"]``, and :func:`sections_to_review` lists those not
    saved since.
    """
    from pep_tui.domain.pep import PREVIOUS_TARGETS_SECTION
    from pep_tui.domain.target import TargetOutcome

    if previous is None:
        return pep
    sections = dict(pep.sections)
    now = utcnow()
    open_targets = [t for t in previous.targets if t.outcome is not TargetOutcome.MET]
    if open_targets:
        reviews = [
            {"target_id": t.id, "description": t.description, "owner": t.owner, "outcome": None, "comment": ""}
            for t in open_targets
        ]
        sections[PREVIOUS_TARGETS_SECTION] = SectionData(data={"reviews": reviews}, updated_by=actor, updated_at=now)
    copied = []
    for section_id in stable_sections or []:
        old = previous.sections.get(section_id)
        if old is None or not old.data or section_id in sections:
            continue
        sections[section_id] = SectionData(version=old.version, data=dict(old.data), updated_by=actor, updated_at=now)
        copied.append(section_id)
    update: dict[str, Any] = {"sections": sections}
    if copied:
        update["plugin_data"] = {**pep.plugin_data, CARRIED_FORWARD_KEY: {
            "from_pep": previous.id, "sections": copied, "at": now.isoformat()}}
    return pep.model_copy(update=update)


def sections_to_review(pep: PEP) -> list[str]:
    """Sections copied from the previous PEP that nobody has saved since (their content needs checking)."""
    info = pep.plugin_data.get(CARRIED_FORWARD_KEY) or {}
    at = info.get("at")
    out = []
    for section_id in info.get("sections", []):
        stored = pep.sections.get(section_id)
        if stored is not None and (stored.updated_at is None or at is None or stored.updated_at.isoformat() <= at):
            out.append(section_id)
    return out
