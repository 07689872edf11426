"""The public types of the plugin API: what a plugin registers and what it is given.

A plugin author imports from here (``from pep_tui.plugins.api import SectionSpec, Finding …``) and
from :mod:`pep_tui.plugins` (``hookimpl``). Everything here is stable within a major API version.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    import argparse

    from pep_tui.domain import PEP, Child, StaffMember
    from pep_tui.services import Principal, Services
    from pep_tui.settings import Policy


class Capability(StrEnum):
    """What a role may do. Services check these; the TUI only uses them to hide what would be refused."""

    VIEW_CHILD = "child.view"
    EDIT_CHILD = "child.edit"
    CREATE_CHILD = "child.create"
    START_PEP = "pep.start"
    EDIT_PEP = "pep.edit"
    SUBMIT_PEP = "pep.submit"
    FINALISE_PEP = "pep.finalise"
    ACKNOWLEDGE_PEP = "pep.acknowledge"
    APPROVE_PEP = "pep.approve"
    RETURN_PEP = "pep.return"
    RATE_QA = "qa.rate"
    VIEW_AUDIT = "audit.view"
    GRANT_FAMILY_ACCESS = "family.grant"
    REQUEST_FUNDING = "funding.request"
    DECIDE_FUNDING = "funding.decide"
    VIEW_REPORTS = "reports.view"
    EXPORT_DATA = "data.export"
    IMPORT_DATA = "data.import"


class ScopeKind(StrEnum):
    """Which children a role reaches. The service layer implements each kind; see ``services.access``."""

    ALL = "all"  # every child of the LA (Virtual School)
    CASELOAD = "caseload"  # child.social_worker == login
    SCHOOL = "school"  # child.school_urn in staff.scope.school_urns, or child.designated_teacher == login
    DELEGATED = "delegated"  # child.id in staff.scope.child_ids (school staff a DT delegates to)
    PLACEMENT = "placement"  # child.carer == login, or login in child.joint_carers
    OWN = "own"  # the young person's own record: child.young_person_login == login
    FAMILY = "family"  # login in child.family_access (granted by the social worker)
    REVIEWING = "reviewing"  # child.iro == login


class Severity(StrEnum):
    """How serious a finding is: an ``error`` blocks submission."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class StageDefinition:
    """An educational stage such as Key Stage 2.

    ``year_groups`` are English year groups (Reception 0, Year 1 1 … Year 13 13; nursery -2 and -1).
    """

    id: str
    title: str
    year_groups: tuple[int, ...]
    order: int = 0
    description: str = ""
    lead_role: str = "designated_teacher"


@dataclass(frozen=True)
class RoleDefinition:
    """A partner role such as the designated teacher.

    ``limited_view`` roles (the child, parents) see only sections that name them in ``viewers``.
    ``read_only`` roles can hold no capability that changes data.
    """

    id: str
    title: str
    scope: ScopeKind
    capabilities: frozenset[Capability]
    description: str = ""
    limited_view: bool = False
    read_only: bool = False
    order: int = 0


@dataclass(frozen=True)
class SectionContext:
    """What decides whether a section applies to a PEP (for circumstance sections)."""

    child: Child
    pep: PEP
    previous: PEP | None = None


@dataclass(frozen=True)
class SampleContext:
    """What a section's sample-data function is given: a seeded RNG and the PEP being filled."""

    rng: random.Random
    child: Child
    pep: PEP
    previous: PEP | None = None
    #: Free-form facts the generator chose for this child (e.g. ``post16_route``, ``attendance_concern``).
    story: Mapping[str, Any] = field(default_factory=dict)


#: The purposes a section may declare (``SectionSpec.purpose``): what the core reads it for.
SECTION_PURPOSES: dict[str, str] = {
    "post16_route": "the young person's post-16 route, field ``route`` (education, employment, neet, "
                    "custody…): the summary, the NEET filter and the compliance report read it",
    "review_notes": "notes for the next care-plan review, field ``notes`` (a list): its editors append a "
                    "note to any PEP not superseded, approved ones too (``services.workflow.add_review_note``)",
    "child_views": "the child's own views, shown on the young person's home screen (the model may offer "
                   "``prompts(year_group)``)",
    "funding_requests": "requests for funding tied to targets (Pupil Premium Plus): the 'needs you' list "
                        "opens it for a decision or an impact to record",
}


@dataclass(frozen=True)
class SectionSpec:
    """A PEP section contributed by a plugin.

    Attributes:
        id: namespaced by the plugin, ``"ks2.attainment"``; the part before the dot is the namespace.
        title: shown as the tab title.
        model: a pydantic model; every field should have a ``description`` (used as the form label help).
        stages: stage ids the section applies to; ``None`` for every stage.
        applies: optional predicate for circumstance sections (EHCP, not on roll, transition year…).
        editors: role ids that may edit it.
        viewers: role ids that may see it; ``None`` means every role that can see the PEP, except
            ``limited_view`` roles, which see only sections naming them here.
        order: position among the tabs (lower first).
        version: schema version of ``model``; stored data records the version it was written with.
        migrate: ``migrate(from_version, data) -> data`` upgrading stored data to ``version``.
        required: whether the section counts towards completion and must be present to submit.
        sample: returns sample content for the training cohort (a model instance or a dict), or None.
        help: one paragraph for the help panel.
        reader: optional ``reader(data, pep) -> str``: the section in plain words for someone who may
            read it but not change it (a carer reading the PP+ requests: money as £, targets by their
            wording), instead of one ``Label: value`` line per stored field. ``data`` is the stored
            section (a dict), ``pep`` the :class:`~pep_tui.domain.PEP` it belongs to. Its text is shown
            literally; if it raises, the fields are shown instead.
        purpose: what the core reads this section for, one of :data:`SECTION_PURPOSES` (``None``: only
            its own plugin reads it). Added in 1.2: the core finds such a section by its purpose, never
            by its id, so a plugin can provide (or replace) it.
        carry_forward: stable context copied from the previous PEP into the next term's, marked for
            review (unless the council's ``carry_forward_sections`` setting lists the sections itself).
            Added in 1.2.
    """

    id: str
    title: str
    model: type[BaseModel]
    stages: frozenset[str] | None = None
    applies: Callable[[SectionContext], bool] | None = None
    editors: frozenset[str] = frozenset()
    viewers: frozenset[str] | None = None
    order: int = 100
    version: int = 1
    migrate: Callable[[int, dict[str, Any]], dict[str, Any]] | None = None
    required: bool = True
    sample: Callable[[SampleContext], BaseModel | dict[str, Any] | None] | None = None
    help: str = ""
    reader: Callable[[dict[str, Any], Any], str] | None = None
    purpose: str | None = None
    carry_forward: bool = False

    @property
    def namespace(self) -> str:
        """The plugin namespace of the id (``ks2`` for ``ks2.attainment``)."""
        return self.id.split(".", 1)[0]


@dataclass(frozen=True)
class Finding:
    """The result of a validation: tied to a section and field and, where it applies, a QA criterion."""

    severity: Severity
    message: str
    section_id: str | None = None
    field: str | None = None
    criterion: str | None = None  # "Q1" … "Q13"
    validator_id: str | None = None


@dataclass(frozen=True)
class ValidationContext:
    """What a validator is given: the child, the PEP, parsed section models and the policy.

    ``sections`` maps section id to the parsed model, or ``None`` when the section is empty or its
    stored data does not parse (a core finding reports that).
    """

    child: Child
    pep: PEP
    sections: Mapping[str, BaseModel | None]
    previous: PEP | None
    policy: Policy
    today: date


@dataclass(frozen=True)
class ValidatorSpec:
    """A validation contributed by a plugin: ``check(ctx)`` yields :class:`Finding` objects."""

    id: str
    check: Callable[[ValidationContext], Iterable[Finding]]
    stages: frozenset[str] | None = None
    description: str = ""
    criterion: str | None = None


@dataclass(frozen=True)
class ViewSpec:
    """A screen a plugin adds to the app.

    ``screen`` is an import path ``"package.module:ScreenClass"`` so that loading plugins never imports
    Textual; the class is a Textual ``Screen`` whose constructor takes ``(services, principal)``.
    """

    id: str
    title: str
    roles: frozenset[str] | None = None
    screen: str | None = None
    description: str = ""
    key: str | None = None


@dataclass(frozen=True)
class CommandSpec:
    """An action for the command palette (and its help), run with a :class:`CommandContext`."""

    id: str
    title: str
    run: Callable[[CommandContext], str | None]
    roles: frozenset[str] | None = None
    help: str = ""


@dataclass
class CommandContext:
    """What a plugin's palette command is run with: who is asking and what is on screen.

    Read and change data through ``services`` with ``principal``: the services check permissions.

    .. versionchanged:: 1.2
       Importable from here (it was only in ``pep_tui.tui.commands``, which still re-exports it).
    """

    services: Services
    principal: Principal
    child_id: str | None = None
    pep_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SampleCohort:
    """The cohort being generated; cohort-level sample contributors may add to it."""

    rng: random.Random
    children: list[Child]
    peps: dict[str, list[PEP]]
    staff: list[StaffMember]
    today: date
    stories: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


SampleContributor = Callable[[SampleCohort], None]

#: The key of an index summary under which plugins' summary fields are kept (``summary["plugins"]``).
SUMMARY_PLUGINS_KEY = "plugins"

_SUMMARY_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


@dataclass(frozen=True)
class SummaryField:
    """A value a plugin keeps in each child's index summary, so lists and dashboards need not load the child.

    pep-tui keeps a small summary of every child in the store's index; lists, queues and dashboards
    read those summaries instead of opening 10,000 child files. A summary field adds the plugin's own
    value to it: ``compute(child, peps)`` runs whenever the child's summary is built (every save of
    the child or one of their PEPs, a reindex, the start of a term) and its result is stored as
    ``summary["plugins"][name]``. Plugins' fields are kept with the child's other *facts*, apart from
    what the children list reads, and come with the summaries only when asked for:
    ``services.children.list(principal, with_facts=True)``.

    .. versionadded:: 1.1

    Attributes:
        name: the key under ``summary["plugins"]``: your plugin's namespace (``"pupil_premium"``), or
            ``namespace.name`` for a second field. Lower case; unique across plugins.
        compute: ``compute(child, peps) -> value``, where ``peps`` are the child's PEPs oldest term
            first. The value must be JSON-able (dicts with string keys, lists, strings, numbers,
            booleans, ``None``) and small (the index of every child is kept in memory). It runs inside
            the store's save, under the child's lock: keep it cheap, read only ``child`` and ``peps``,
            and never write anything. Store facts, not judgements about today ("decided on 3 March",
            not "overdue"): a summary is refreshed by saves and at the start of each term, not daily.
        version: bump it when the value's shape changes: every child is then re-summarised once, at
            the next list, so no summary keeps the old shape.
        description: one line for ``pep-tui plugins`` and the plugins screen.

    A ``compute`` that raises, or returns something that is not JSON-able, never stops a save: the
    child's summary is stored without the field and the error is reported (once per field and
    process, on standard error, and in :attr:`Registry.summary_errors`). So a reader must treat a
    missing value as *unknown* and fall back to the child's record; see :func:`summary_value`.
    """

    name: str
    compute: Callable[[Child, list[PEP]], Any]
    version: int = 1
    description: str = ""

    @property
    def namespace(self) -> str:
        """The plugin namespace of the name (``pupil_premium`` for ``pupil_premium.queue``)."""
        return self.name.split(".", 1)[0]

    @staticmethod
    def valid_name(name: object) -> bool:
        """Whether ``name`` is a usable field name (``namespace`` or ``namespace.name``, lower case)."""
        return isinstance(name, str) and bool(_SUMMARY_FIELD_NAME.match(name))


def summary_value(summary: Mapping[str, Any], name: str, default: Any = None) -> Any:
    """The value of summary field ``name`` in an index summary, or ``default`` when it has none.

    ``summary`` is one of the summaries ``services.children.list(principal, with_facts=True)``
    returns (or a child's facts, as the store's ``facts()`` gives them). A summary listed without
    facts has no plugin fields at all; one with facts has none when it was made before the field
    existed (the plugin was installed since, and the index has not been refreshed yet) or when the
    field's ``compute`` failed for that child. Treat that as unknown, never as "nothing": read the
    child's record instead.

    .. versionadded:: 1.1
    """
    fields = summary.get(SUMMARY_PLUGINS_KEY)
    if not isinstance(fields, Mapping):
        return default
    return fields.get(name, default)


# --- Plugin API 1.2 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CliCommand:
    """A ``pep-tui`` subcommand contributed by a plugin (``pep-tui pupil-premium …``).

    Modelled on llm's ``register_commands``: pep-tui makes the subcommand's parser and hands it to
    ``configure(parser)``, which adds its arguments (or its own subcommands) and sets ``func`` on each
    parser to a handler ``func(args) -> int`` returning one of :mod:`pep_tui.cli.exit_codes`. Handlers
    open the store with ``pep_tui.cli.common.open_from_args(args)``, print through
    ``pep_tui.cli.output.say``/``error`` and end a cohort-wide command with
    ``pep_tui.cli.partial.finish``, as the built-in commands do.

    .. versionadded:: 1.2

    Attributes:
        name: the subcommand, lower case with hyphens; unique across the core and every plugin.
        configure: ``configure(parser)`` adds the arguments and sets ``func``.
        help: one line for ``pep-tui --help``.
        aliases: other names for it (``("pp",)``).
    """

    name: str
    configure: Callable[[argparse.ArgumentParser], None]
    help: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceSpec:
    """A service object a plugin provides over the app's services (its use cases, checked and audited).

    ``factory(services)`` makes it, once per :class:`~pep_tui.services.Services`, on first use;
    anyone (the plugin's views, CLI commands, exports, other plugins) gets it with
    ``services.plugin_service(name)``. Build it on the core services (``services.children``,
    ``services.peps``…), never on the store.

    .. versionadded:: 1.2

    Attributes:
        name: the plugin's namespace (``"pupil_premium"``), or ``namespace.name``; unique.
        factory: ``factory(services) -> object``.
        description: one line for ``pep-tui plugins``.
    """

    name: str
    factory: Callable[[Services], Any]
    description: str = ""


#: ``writer(services, cohort)``: runs once the training cohort's children and PEPs are in the store.
SampleWriter = Callable[["Services", SampleCohort], None]


@dataclass(frozen=True)
class AttributeContext:
    """What a child attribute's ``applies`` predicate is given: the child (current allocations applied)."""

    child: Child


@dataclass(frozen=True)
class ChildAttribute:
    """A fact about a child that a plugin declares and keeps on the child record.

    An unaccompanied asylum-seeking child, a young carer, a child at risk of exploitation: a
    circumstance that belongs to the child rather than to one term's PEP. The value is stored on the
    child record under ``Child.attributes[id]``, set through ``services.children.set_attribute``
    (which checks that the signed-in role is one of ``editors`` and writes an audit entry), shown and
    edited on the child record screen, and read by section ``applies`` predicates, validators, views
    and reports with :func:`child_attribute`.

    .. versionadded:: 1.2

    Attributes:
        id: namespaced by the plugin (``uasc.unaccompanied``).
        label: shown on the child record screen.
        type: ``bool``, ``str``, ``int`` or ``date``.
        editors: role ids that may set it.
        default: the value of a child on whom it was never set.
        help: one line shown beside it.
    """

    id: str
    label: str
    type: type = bool
    editors: frozenset[str] = frozenset()
    default: Any = None
    help: str = ""

    @property
    def namespace(self) -> str:
        """The plugin namespace of the id."""
        return self.id.split(".", 1)[0]

    def parse(self, value: Any) -> Any:
        """The value as this attribute's type (``None`` for an empty value); raises ``ValueError`` saying
        what is expected (``expected yes or no``)."""
        if value is None or value == "":
            return None
        try:
            if self.type is bool:
                if isinstance(value, bool):
                    return value
                text = str(value).strip().lower()
                if text in ("yes", "y", "true", "1"):
                    return True
                if text in ("no", "n", "false", "0"):
                    return False
                raise ValueError
            if self.type is int:
                if isinstance(value, bool):
                    raise ValueError
                return int(value)
            if self.type is date:
                return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
            if self.type is str:
                return str(value).strip()
        except ValueError:
            pass
        expected = {bool: "yes or no", int: "a whole number", date: "a date, YYYY-MM-DD", str: "text"}
        raise ValueError(f"expected {expected.get(self.type, self.type.__name__)}")

    def to_json(self, value: Any) -> Any:
        """The stored (JSON) form of a parsed value."""
        return value.isoformat() if isinstance(value, date) else value


def child_attribute(child: Child, attribute: ChildAttribute | str, default: Any = None) -> Any:
    """The value of a child attribute on ``child`` (typed when ``attribute`` is its spec), else ``default``.

    .. versionadded:: 1.2
    """
    key = attribute if isinstance(attribute, str) else attribute.id
    raw = (getattr(child, "attributes", None) or {}).get(key)
    if raw is None:
        return attribute.default if default is None and not isinstance(attribute, str) else default
    if not isinstance(attribute, str) and attribute.type is date and isinstance(raw, str):
        return date.fromisoformat(raw)
    return raw


# --- Form hints for section models (API 1.2) ---------------------------------------------------------


def field_hints(*, required: bool = False, long_text: bool = False,
                when: Mapping[str, Iterable[str]] | None = None) -> dict[str, Any]:
    """The form hints of a section-model field, as ``json_schema_extra``.

    * ``required``: the field counts towards the section's completion (it may still be saved empty, so
      a half-filled form is never lost);
    * ``long_text``: a multi-line text area rather than a one-line input;
    * ``when={"route": ["neet"]}``: the field matters only when another field has one of these values.

    .. versionadded:: 1.2
    """
    hints: dict[str, Any] = {}
    if required:
        hints["required"] = True
    if long_text:
        hints["long_text"] = True
    if when:
        hints["when"] = {name: list(values) for name, values in when.items()}
    return hints


def form_field(description: str, *, label: str | None = None, required: bool = False, long_text: bool = False,
               when: Mapping[str, Iterable[str]] | None = None, **field_options: Any) -> Any:
    """A pydantic ``Field`` for a section model with its form hints.

    ``description`` is the form's help text; ``label`` replaces the label the form would make from the
    field's name (``"SDQ score"`` rather than ``"Sdq score"``); ``required``, ``long_text`` and ``when``
    are the hints of :func:`field_hints`. Other keywords (``default``, ``max_length``, ``ge``…) go to
    ``Field`` unchanged::

        class Placement(BaseModel):
            provider: str = form_field("The provider's name", label="Provider", required=True, default="")
            notes: str = form_field("Anything else", long_text=True, default="", max_length=4000)

    .. versionadded:: 1.2
    """
    hints = field_hints(required=required, long_text=long_text, when=when)
    extra = field_options.pop("json_schema_extra", None) or {}
    return Field(description=description, title=label, json_schema_extra={**extra, **hints} or None,
                 **field_options)
