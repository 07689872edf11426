"""Children: listing the ones in scope, reading and changing their records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from pep_tui.domain import Child, new_id, utcnow
from pep_tui.domain.care import (
    Allocation,
    AllocationKind,
    current_value,
    effective,
    initial_allocations,
)
from pep_tui.plugins.api import Capability, ChildAttribute, ScopeKind, child_attribute
from pep_tui.services.access import (
    PermissionDenied,
    in_scope,
    log_denied,
    require,
    role_of,
    summary_in_scope,
)
from pep_tui.services.context import ServiceContext
from pep_tui.services.errors import FieldProblem, InvalidInput
from pep_tui.services.family_view import (
    for_young_person,
    is_family,
    is_young_person,
    placement_visible,
    redact_summary,
    sees_staff_fields,
)
from pep_tui.services.principal import Principal
from pep_tui.services.text_input import refuse_control_characters
from pep_tui.store import ChildRecord, NotFound

#: Fields of a child's record that are one line: a tab or line break in them is refused like any
#: other control character (a CR in a name would let a terminal print over the rest of a row).
ONE_LINE_CHILD_FIELDS = frozenset({
    "first_name", "last_name", "preferred_name", "upn", "la_child_id", "sex", "placement", "school_urn",
    "school_name", "social_worker", "designated_teacher", "carer", "iro", "young_person_login", "family_access",
})

#: special educational needs in plain words
SEN_WORDS = {"none": "none", "sen_support": "SEN support at school", "ehcp": "an education, health and care plan",
             "under_assessment": "being assessed for an EHC plan"}


class ChildService:
    """Use cases about children's records. Every call takes the :class:`Principal` it is made for."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def list(self, principal: Principal, with_facts: bool = False, include_closed: bool = False) -> list[dict[str, Any]]:
        """Summaries of the children in the principal's scope (from the index; no child file is read).

        Children who have left care are left out unless ``include_closed`` (their ``status`` is
        ``"closed"``; reports and exports for the time they were looked after still count them).

        ``with_facts=True`` adds each child's facts: the compliance report's (``"report"``) and the
        plugins' summary fields (``"plugins"``, read with :func:`~pep_tui.plugins.api.summary_value`).
        They are kept apart from the list and read only when asked for, so ask only where they are used.
        """
        require(self.ctx.registry, principal, Capability.VIEW_CHILD)
        summaries = self.ctx.store.summaries(with_facts=with_facts)
        registry = self.ctx.registry
        return [redact_summary(registry, principal, s) for s in summaries.values()
                if summary_in_scope(registry, principal, s) and (include_closed or s.get("status", "open") != "closed")]

    def resolve(self, principal: Principal, text: str) -> str:
        """The internal id of the child in scope whose internal id, LA child id or UPN is ``text``
        (closed records included). Refused when none or several match; the message says which."""
        from pep_tui.services.child_lookup import (
            AmbiguousChild,
            identifier_matches,
            resolve_summary,
        )

        try:
            return resolve_summary(self.list(principal, include_closed=True), text)["child_id"]
        except AmbiguousChild:
            raise
        except PermissionDenied:
            # Someone naming a child they may not see is a security event: log the ids (never the text
            # typed, which may be a UPN) of every child it names, then refuse as for an unknown child.
            for summary in identifier_matches(self.ctx.store.summaries().values(), text):
                log_denied(principal, "read a child out of scope", summary["child_id"])
            raise

    def find(self, principal: Principal, text: str) -> list[dict[str, Any]]:
        """Children in scope (closed records included) whose name contains every word of ``text``, or
        whose internal id, LA child id or UPN is ``text``; sorted by surname."""
        from pep_tui.services.child_lookup import search

        return search(self.list(principal, include_closed=True), text)

    def record(self, principal: Principal, child_id: str) -> ChildRecord:
        """A child with their PEPs; refused (without reading data out) if out of scope."""
        return self._read(principal, child_id, skip_unreadable=False)  # type: ignore[return-value]

    def record_or_skip(self, principal: Principal, child_id: str) -> ChildRecord | None:
        """:meth:`record` for cohort-wide work (reports, exports, queues): ``None`` when the child's
        file does not parse, the child being recorded in ``store.unreadable`` for the caller to name
        (see :mod:`pep_tui.store.unreadable`). Out of scope is refused as by :meth:`record`."""
        return self._read(principal, child_id, skip_unreadable=True)

    def readable_records(self, principal: Principal, child_ids: Iterable[str]) -> Iterator[ChildRecord]:
        """The records of ``child_ids`` in order, leaving out (and recording in ``store.unreadable``)
        the children whose file does not parse. Out of scope is refused as by :meth:`record`."""
        for child_id in child_ids:
            record = self.record_or_skip(principal, child_id)
            if record is not None:
                yield record

    def _read(self, principal: Principal, child_id: str, skip_unreadable: bool) -> ChildRecord | None:
        require(self.ctx.registry, principal, Capability.VIEW_CHILD)
        store = self.ctx.store
        try:
            record = store.load_child_or_skip(child_id) if skip_unreadable else store.load_child(child_id)
        except NotFound:
            log_denied(principal, "read a child that does not exist", child_id)
            raise PermissionDenied("no such child in your scope") from None
        if record is None:
            return None
        # Allocations dated in the past few days take effect even before the record is saved again.
        record = ChildRecord(effective(record.child, self.ctx.today()), record.peps)
        if not in_scope(self.ctx.registry, principal, record.child):
            log_denied(principal, "read a child out of scope", child_id)
            raise PermissionDenied(f"this child is not in your scope as {role_of(self.ctx.registry, principal).title.lower()}")
        return record

    def get(self, principal: Principal, child_id: str) -> Child:
        """A child's record."""
        return self.record(principal, child_id).child

    def create(self, principal: Principal, data: dict[str, Any] | Child) -> Child:
        """Add a child (Virtual School, social worker). ``data`` may omit ``id``."""
        require(self.ctx.registry, principal, Capability.CREATE_CHILD)
        if isinstance(data, Child):
            child = data
        else:
            try:
                refuse_control_characters("New child", data, one_line=ONE_LINE_CHILD_FIELDS)
                child = Child.model_validate({"id": new_id("child"), **data})
            except ValidationError as exc:
                raise InvalidInput.from_validation_error("New child", exc) from None
        # The store's kind decides: a sandbox's children are fictional, a live store's never are.
        child = child.model_copy(update={"training": self.ctx.store.kind == "training"})
        # The history starts with what the new record says (allocations given, e.g. dated by an import, kept).
        given = {a.kind for a in child.allocations}
        child = child.model_copy(update={"allocations": [
            *(a.model_copy(update={"recorded_by": a.recorded_by or principal.login, "recorded_at": a.recorded_at or utcnow()})
              for a in child.allocations),
            *(a for a in initial_allocations(child, principal.login, "pep-tui", utcnow()) if a.kind not in given)]})
        if not in_scope(self.ctx.registry, principal, child):
            raise PermissionDenied("you may only add children who will be in your own scope")
        return self.ctx.store.create_child(child, principal.login, principal.role)

    def update(self, principal: Principal, child_id: str, changes: dict[str, Any], expected_revision: int) -> Child:
        """Change fields of a child's record, refusing a stale revision (``Conflict``) or bad values."""
        record = self.record(principal, child_id)
        require(self.ctx.registry, principal, Capability.EDIT_CHILD, record.child)
        forbidden = {"id", "revision", "training"} & set(changes)
        if forbidden:
            raise PermissionDenied(f"{', '.join(sorted(forbidden))} cannot be changed")
        if "attributes" in changes:
            raise PermissionDenied("a child's attributes are set one at a time, with set_attribute")
        try:
            refuse_control_characters("Child record", changes, one_line=ONE_LINE_CHILD_FIELDS)
            updated = Child.model_validate({**record.child.model_dump(), **changes})
        except ValidationError as exc:
            raise InvalidInput.from_validation_error(f"{record.child.display_name}'s record", exc) from None
        if "family_access" in changes:
            require(self.ctx.registry, principal, Capability.GRANT_FAMILY_ACCESS, record.child)
        if "family_sees_placement" in changes:
            self._may_decide_placement(principal, record.child)
        updated = _with_allocation_history(record.child, updated, principal.login, self.ctx.today())
        return self.ctx.store.save_child(updated, expected_revision, principal.login, principal.role, sorted(changes))


    def _may_decide_placement(self, principal: Principal, child: Child) -> None:
        require(self.ctx.registry, principal, Capability.GRANT_FAMILY_ACCESS, child)
        role = role_of(self.ctx.registry, principal)
        mine = role.scope is ScopeKind.CASELOAD and child.social_worker == principal.login
        if not (mine or role.scope is ScopeKind.ALL):
            raise PermissionDenied("only the child's social worker or the Virtual School decides what the family "
                                   "may see of the placement")

    def may_decide_placement(self, principal: Principal, child_id: str) -> bool:
        """Whether ``principal`` may record what the family sees of this child's placement (the key is shown
        only to them; :meth:`set_family_sees_placement` checks again)."""
        role = self.ctx.registry.roles.get(principal.role)
        if role is None or Capability.GRANT_FAMILY_ACCESS not in role.capabilities:
            return False
        try:
            child = self.record(principal, child_id).child
        except PermissionDenied:
            return False
        return role.scope is ScopeKind.ALL or (role.scope is ScopeKind.CASELOAD and child.social_worker == principal.login)

    def set_family_sees_placement(self, principal: Principal, child_id: str, visible: bool,
                                  expected_revision: int) -> Child:
        """Record the social worker's decision on whether the family may see where and with whom the child
        lives (carer, placement, school). Only the child's social worker or the Virtual School may; audited."""
        record = self.record(principal, child_id)
        self._may_decide_placement(principal, record.child)
        updated = record.child.model_copy(update={"family_sees_placement": bool(visible)})
        return self.ctx.store.save_child(updated, expected_revision, principal.login, principal.role,
                                         ["family_sees_placement"])

    def facts(self, principal: Principal, child_id: str) -> list[tuple[str, str]]:
        """The child's key facts as this principal may see them, in plain words: people by name (never a
        login), and for the family nothing of the placement until the social worker has decided so."""
        from pep_tui.domain import year_group, year_group_label

        child = self.record(principal, child_id).child
        registry = self.ctx.registry
        staff = sees_staff_fields(registry, principal)
        placement = placement_visible(registry, principal, child.family_sees_placement)

        def name(login: str | None) -> str:
            if not login:
                return "-"
            member = self.ctx.store.get_staff(login)
            return member.display_name if member is not None else (login if staff else "-")

        rows: list[tuple[str, str]] = [
            ("Name", child.display_name),
            ("Born", child.date_of_birth.strftime("%d %b %Y")),
            ("Year", year_group_label(year_group(child.date_of_birth, self.ctx.today()))),
        ]
        if placement:
            rows.append(("School", child.school_name or "-"))
        if staff:
            rows += [("UPN", child.upn or "-"), ("On roll", "yes" if child.on_roll else "NO")]
        rows.append(("SEN", SEN_WORDS.get(child.sen_status.value, child.sen_status.value.replace("_", " "))))
        if staff:
            rows.append(("In care since", child.date_entered_care.strftime("%d %b %Y") if child.date_entered_care else "-"))
        rows.append(("Social worker", name(child.social_worker)))
        if placement:
            rows.append(("Designated teacher", name(child.designated_teacher)))
        # the carer's own screen and the young person's do not need the placement spelt out; the family
        # sees the carer only once the social worker has decided they may
        if staff or (is_family(registry, principal) and placement):
            rows.append(("Carer", name(child.carer)))
        if staff:
            rows.append(("IRO", name(child.iro)))
        if is_young_person(registry, principal):
            return for_young_person(rows, child.sen_status.value)
        return rows

    def attributes(self, principal: Principal, child_id: str) -> list[tuple[ChildAttribute, Any, bool]]:
        """The installed plugins' child attributes for this child: ``(attribute, value, may_set)`` each."""
        child = self.record(principal, child_id).child
        return [(spec, child_attribute(child, spec), principal.role in spec.editors)
                for spec in sorted(self.ctx.registry.child_attributes.values(), key=lambda a: a.label)]

    def set_attribute(self, principal: Principal, child_id: str, attribute_id: str, value: Any,
                      expected_revision: int | None = None) -> Child:
        """Set (or, with ``None`` or ``""``, clear) a plugin's attribute on a child's record.

        Refused unless the signed-in role is one of the attribute's ``editors`` and the child is in its
        scope; a value of the wrong type is refused naming the attribute and what is expected. The
        change is audited (``child.attribute``, with the attribute's id, never its value).
        """
        spec = self.ctx.registry.child_attributes.get(attribute_id)
        if spec is None:
            raise InvalidInput("Child record", [FieldProblem("attribute", f"no installed plugin declares {attribute_id!r}")])
        record = self.record(principal, child_id)
        if principal.role not in spec.editors:
            raise PermissionDenied(f"the {principal.role} role may not set {spec.label!r}")
        if isinstance(value, str):
            refuse_control_characters(spec.label, {"value": value}, one_line=("value",))
        try:
            parsed = spec.parse(value)
        except ValueError as exc:
            raise InvalidInput("Child record", [FieldProblem(spec.label, str(exc))]) from None
        attributes = dict(record.child.attributes)
        if parsed is None:
            attributes.pop(spec.id, None)
        else:
            attributes[spec.id] = spec.to_json(parsed)
        revision = record.child.revision if expected_revision is None else expected_revision
        updated = record.child.model_copy(update={"attributes": attributes})
        return self.ctx.store.save_child(updated, revision, principal.login, principal.role,
                                         [f"attributes.{spec.id}"])


def _with_allocation_history(before: Child, after: Child, login: str, today) -> Child:
    """Record an allocation, from today, for each arrangement an edit of the record's fields changed,
    so the history stays complete however the change was made."""
    added = [Allocation(kind=kind, value=current_value(after, kind), start=today, recorded_by=login,
                        recorded_at=utcnow())
             for kind in AllocationKind if current_value(after, kind) != current_value(before, kind)]
    if not added:
        return after
    return after.model_copy(update={"allocations": [*after.allocations, *added]})
