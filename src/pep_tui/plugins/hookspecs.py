"""The hook specifications: the reference for plugin authors.

Every hook is a ``register_*`` callback hook: pep-tui calls your implementation with a ``register``
function, and you call ``register(thing)`` once for each thing you contribute. A plugin is a module
(or package) named by an entry point in the ``pep_tui`` group::

    [project.entry-points.pep_tui]
    alternative_provision = "pep_tui_ap.plugin"

It declares the plugin API version it targets with a module attribute ``PEP_TUI_API_VERSION = "1.2"``
(``"1.0"`` or ``"1.1"`` if it uses no hook added since: it loads either way) and marks its implementations with :data:`pep_tui.plugins.hookimpl`. Implement only the hooks you
need; each is called once, when plugins load, and never again while the app runs.

A plugin that fails to import, targets an incompatible API version, implements a hook that does not
exist (a misspelling: the report suggests the hook you meant) or raises inside a hook is reported,
with the file and line of your code that failed, and left out; the others load. Set
``PEP_TUI_STRICT_PLUGINS=1`` while developing to make any such problem a failure and see its
traceback; ``pep-tui plugins check`` shows it too.

``docs/plugins/hooks.md`` is generated from this module: the docstrings below are the reference.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pluggy

from pep_tui.plugins.api import (
    ChildAttribute,
    CliCommand,
    CommandSpec,
    RoleDefinition,
    SampleContributor,
    SampleWriter,
    SectionSpec,
    ServiceSpec,
    StageDefinition,
    SummaryField,
    ValidatorSpec,
    ViewSpec,
)

hookspec = pluggy.HookspecMarker("pep_tui")

_F = TypeVar("_F", bound=Callable[..., Any])


# --- Deprecation ---------------------------------------------------------------------------------


class PluginDeprecationWarning(DeprecationWarning):
    """Warned when a plugin implements a deprecated hook; the message says what to use instead."""


@dataclass(frozen=True)
class HookDeprecation:
    """Why a hook is deprecated and what replaces it.

    Attributes:
        hook: the deprecated hook's name.
        since: the plugin API version that deprecated it (``"1.1"``).
        removed_in: the API version that will no longer call it (always a new major version).
        use_instead: what to implement instead, in words a plugin author can act on.
    """

    hook: str
    since: str
    removed_in: str
    use_instead: str

    def message(self) -> str:
        """The warning shown to plugin authors."""
        return (
            f"the hook {self.hook} is deprecated since plugin API {self.since} and will not be called "
            f"from API {self.removed_in}; use {self.use_instead} instead"
        )


#: Every deprecated hook, by name. The plugin API 1.2 deprecates none.
DEPRECATED_HOOKS: dict[str, HookDeprecation] = {}

#: The attribute :func:`deprecated_hookspec` sets on a deprecated specification function.
DEPRECATION_ATTRIBUTE = "pep_tui_deprecation"


def deprecated_hookspec(*, since: str, removed_in: str, use_instead: str) -> Callable[[_F], _F]:
    """Mark a hook specification as deprecated (used by pep-tui itself, not by plugins).

    A deprecated hook keeps being called until ``removed_in``; a plugin implementing it loads with a
    :class:`PluginDeprecationWarning` naming the replacement (pluggy's ``warn_on_impl``), the warning
    is listed by ``pep-tui plugins`` and ``pep-tui plugins check``, and strict mode refuses it.
    """

    def mark(function: _F) -> _F:
        deprecation = HookDeprecation(function.__name__, since, removed_in, use_instead)
        setattr(function, DEPRECATION_ATTRIBUTE, deprecation)
        return hookspec(warn_on_impl=PluginDeprecationWarning(deprecation.message()))(function)

    return mark


def deprecation_of(spec_function: Callable[..., Any] | None) -> HookDeprecation | None:
    """The deprecation of a hook specification function, or ``None`` if it is current."""
    if spec_function is None:
        return None
    found = getattr(spec_function, DEPRECATION_ATTRIBUTE, None)
    if found is None:
        found = DEPRECATED_HOOKS.get(getattr(spec_function, "__name__", ""))
    return found if isinstance(found, HookDeprecation) else None


# --- What the plugin is --------------------------------------------------------------------------


@hookspec
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """Register educational stages.

    Call ``register`` once per :class:`~pep_tui.plugins.api.StageDefinition`::

        register(StageDefinition(id="ks2", title="Key Stage 2", year_groups=(3, 4, 5, 6), order=2))

    A PEP takes the stage of the child's year group at the start of the PEP's term (Reception is
    year group 0, nursery -2 and -1, Year 13 is 13). A year group belongs to at most one stage, and
    the built-in stages claim every year group from -2 to 13: a plugin that registers a stage for a
    year group already claimed is refused. To replace a built-in stage (a Welsh or Scottish variant,
    say) disable it with ``PEP_TUI_DISABLE_PLUGINS=ks2`` and register your own. To add content for
    children in a particular circumstance across stages, register sections with ``applies`` instead.

    Stage ids are short, lower-case and unique across all plugins; ``lead_role`` names the role that
    normally completes the education sections.

    .. versionadded:: 1.0
    """


@hookspec
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """Register partner roles.

    Call ``register`` once per :class:`~pep_tui.plugins.api.RoleDefinition`::

        register(RoleDefinition(
            id="tutor", title="Tutor", scope=ScopeKind.DELEGATED,
            capabilities=frozenset({Capability.VIEW_CHILD, Capability.EDIT_PEP}),
        ))

    ``scope`` decides which children the role reaches (see :class:`~pep_tui.plugins.api.ScopeKind`);
    ``capabilities`` decide what it may do. The services enforce both on every call; the app only
    hides what would be refused. A ``limited_view`` role (the child, parents) sees only sections
    that name it in ``viewers`` or ``editors``; a ``read_only`` role can change nothing.

    .. versionadded:: 1.0
    """


# --- What the plugin adds to a PEP ---------------------------------------------------------------


@hookspec
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """Register PEP sections.

    Call ``register`` once per :class:`~pep_tui.plugins.api.SectionSpec`::

        register(SectionSpec(
            id="ks2.attainment", title="Attainment", model=KS2Attainment,
            stages=frozenset({"ks2"}), editors=frozenset({"designated_teacher"}),
        ))

    The id must be namespaced by your plugin (``namespace.name``, lower case); two plugins can never
    register the same id. ``model`` is a pydantic model: the app builds the section's form from it, so
    give every field a ``description``. ``stages`` limits the section to PEPs of those stages; for a
    circumstance rather than a stage (an EHCP, a child not on a school roll) give ``applies``, a
    predicate on :class:`~pep_tui.plugins.api.SectionContext`. ``editors`` and ``viewers`` are role
    ids. ``sample`` returns fictional content for the training cohort.
    ``reader(data, pep) -> str`` (optional) is the section in plain words for those who may read it
    but not change it (the carer reading PP+ requests sees "£250.00" and each target's wording, not
    ``Amount: "250"`` or target ids); the text is shown literally, and if it raises the fields are shown.

    When the model changes shape, bump ``version`` and supply ``migrate(from_version, data)``: stored
    data records the version it was written with and is migrated when read.

    .. versionadded:: 1.0
    """


@hookspec
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """Register validations.

    Call ``register`` once per :class:`~pep_tui.plugins.api.ValidatorSpec`::

        register(ValidatorSpec(id="ks2.mtc_range", check=check_mtc, stages=frozenset({"ks2"})))

    ``check(ctx)`` receives a :class:`~pep_tui.plugins.api.ValidationContext` (the child, the PEP,
    its parsed sections, the previous PEP, the council's policy and today's date) and yields
    :class:`~pep_tui.plugins.api.Finding` objects: an ``error`` blocks submission, a ``warning`` or
    ``info`` is shown beside the PEP. Tie each finding to a section and field, and to a QA criterion
    (``"Q1"`` to ``"Q13"``) where one applies. A section that is empty, or whose stored data no
    longer fits its model, is ``None`` in ``ctx.sections``: check for that before reading fields.

    A check must not change anything and must not raise; one that raises is reported as an ``info``
    finding and skipped, never fatal.

    .. versionadded:: 1.0
    """


@hookspec
def register_sample_data(register: Callable[[SampleContributor], None]) -> None:
    """Register contributors to the fictional training cohort.

    Call ``register(fn)`` where ``fn(cohort)`` receives the
    :class:`~pep_tui.plugins.api.SampleCohort` being generated (children, their PEPs, staff, the
    stories chosen for each child) and adds to it. Use ``cohort.rng`` or a generator seeded from
    ids, never the clock or an unseeded random, so the same seed gives the same cohort. Per-section
    content comes from ``SectionSpec.sample`` instead; use this hook for data that spans PEPs or
    children (a year of Pupil Premium Plus requests, say). Everything you add must be plainly
    fictional.

    .. versionadded:: 1.0
    """


# --- What the plugin adds to the app -------------------------------------------------------------


@hookspec
def register_views(register: Callable[[ViewSpec], None]) -> None:
    """Register screens for the app.

    Call ``register`` once per :class:`~pep_tui.plugins.api.ViewSpec`::

        register(ViewSpec(
            id="ap.overview", title="Alternative provision",
            roles=frozenset({"virtual_school"}), screen="pep_tui_ap.views:APOverviewScreen",
        ))

    ``screen`` is an import path ``"module:Class"``: a Textual ``Screen`` constructed as
    ``Class(services, principal)``. The app imports it only when the view is opened, so loading
    plugins never imports Textual; keep Textual imports in that module. The app lists the view for
    the roles named in ``roles`` (every role when ``None``). Read and change data through
    ``services`` with ``principal``, never through the store: the services check permissions.

    .. versionadded:: 1.0
    """


@hookspec
def register_commands(register: Callable[[CommandSpec], None]) -> None:
    """Register command-palette actions.

    Call ``register`` once per :class:`~pep_tui.plugins.api.CommandSpec`::

        register(CommandSpec(id="ks4.results_day", title="Record results day", run=run))

    ``run(ctx)`` receives the app's command context (its services and the signed-in principal) and
    may return a short message to show. The command is offered to the roles in ``roles`` (every
    role when ``None``).

    .. versionadded:: 1.0
    """


# --- What the plugin adds to lists and dashboards ------------------------------------------------


@hookspec
def register_summary_fields(register: Callable[[SummaryField], None]) -> None:
    """Register values kept in each child's index summary, for fast lists, queues and dashboards.

    The store keeps a small summary of every child in its index, and lists and dashboards read those
    summaries instead of opening every child's file (reading and parsing one takes up to a
    millisecond: seconds for a council of 10,000 children). Register a
    :class:`~pep_tui.plugins.api.SummaryField` to keep what your views need to pick the children worth
    opening::

        def pp_facts(child: Child, peps: list[PEP]) -> dict:
            return {"open": count_open_requests(peps)}

        register(SummaryField(name="pupil_premium", compute=pp_facts))

    ``compute(child, peps)`` runs whenever the child's summary is built: on every save of the child
    or one of their PEPs, on ``pep-tui store reindex`` and at the start of each term. Its JSON-able
    result is stored as ``summary["plugins"]["pupil_premium"]``; read it from the summaries that
    ``services.children.list(principal, with_facts=True)`` returns with
    :func:`~pep_tui.plugins.api.summary_value`. Plugins' fields are kept apart from what the children
    list reads (so a large cohort's list opens fast), and plain ``list(principal)`` leaves them out:
    ask for them where you use them. ``name`` is your plugin's namespace (or ``namespace.name``); two
    plugins can never register the same name.

    It runs inside the store's save: keep it cheap (microseconds, not milliseconds), read only what
    it is given, and never write. An exception or a value that is not JSON-able never fails the save:
    the summary is stored without your value and the error is reported. So a missing value means
    *unknown*: open the child's record instead. A value also stays as it was until the child is next
    saved, so derive it only from the child and their PEPs, never from other files or from today's
    date. Installing your plugin, or bumping ``version`` when the value's shape changes,
    re-summarises every child once, at the next list.

    .. versionadded:: 1.1
    """


# --- Plugin API 1.2 -------------------------------------------------------------------------------


@hookspec
def register_child_attributes(register: Callable[[ChildAttribute], None]) -> None:
    """Register facts about a child that your plugin keeps on the child record.

    Call ``register`` once per :class:`~pep_tui.plugins.api.ChildAttribute`::

        UNACCOMPANIED = ChildAttribute(
            id="uasc.unaccompanied", label="Unaccompanied asylum-seeking child", type=bool,
            editors=frozenset({"social_worker", "virtual_school"}),
        )
        register(UNACCOMPANIED)

    The value lives on the child record (not in any PEP), so it holds term after term. The roles in
    ``editors`` set it on the child record screen, or through
    ``services.children.set_attribute(principal, child_id, attribute_id, value)``, which refuses
    every other role and writes an audit entry. Read it anywhere you are given the child, with
    :func:`~pep_tui.plugins.api.child_attribute`: in a section's ``applies``, a validator, a view or
    a report. ``id`` is namespaced by your plugin; ``type`` is ``bool``, ``str``, ``int`` or ``date``.

    .. versionadded:: 1.2
    """


@hookspec
def register_services(register: Callable[[ServiceSpec], None]) -> None:
    """Register a service object your plugin provides: its use cases, over the core services.

    Call ``register`` once per :class:`~pep_tui.plugins.api.ServiceSpec`::

        register(ServiceSpec(name="pupil_premium", factory=PupilPremiumService))

    ``factory(services)`` is called once per set of services, on first use; your views, CLI
    commands and other plugins then reach it with ``services.plugin_service("pupil_premium")``.
    Build it on the core services (``services.children``, ``services.peps``…), which check every
    permission and write the audit trail; never on the store.

    .. versionadded:: 1.2
    """


@hookspec
def register_cli_commands(register: Callable[[CliCommand], None]) -> None:
    """Register ``pep-tui`` subcommands.

    Call ``register`` once per :class:`~pep_tui.plugins.api.CliCommand`::

        def configure(parser):
            parser.add_argument("child_id")
            parser.set_defaults(func=run)

        register(CliCommand(name="uasc-review", help="…", configure=configure))

    pep-tui creates the subcommand's parser and calls ``configure(parser)``; set ``func`` to a
    handler ``(args) -> int`` returning an exit code of :mod:`pep_tui.cli.exit_codes`. Print through
    :mod:`pep_tui.cli.output` and end a command over the whole cohort with
    ``pep_tui.cli.partial.finish``. A name already taken (by the core or another plugin) is refused.

    .. versionadded:: 1.2
    """


@hookspec
def register_sample_writers(register: Callable[[SampleWriter], None]) -> None:
    """Register functions that write your plugin's training data once the cohort is in the store.

    ``register(fn)``: ``fn(services, cohort)`` runs after the sample cohort's staff, children and
    PEPs are written into a training sandbox, with the sandbox's services and the
    :class:`~pep_tui.plugins.api.SampleCohort` that was generated. Use it for data kept outside
    PEPs (a year's budget, say), written through your own service. It never runs on a live store.

    .. versionadded:: 1.2
    """


#: The hooks in the order the reference presents them, grouped by what they contribute.
HOOK_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("What the plugin is", ("register_stages", "register_roles")),
    ("What the plugin adds to a PEP", ("register_sections", "register_validators", "register_sample_data")),
    ("What the plugin adds to the app", ("register_views", "register_commands")),
    ("What the plugin adds to lists and dashboards", ("register_summary_fields",)),
    ("What the plugin adds to children, services and the command line",
     ("register_child_attributes", "register_services", "register_cli_commands", "register_sample_writers")),
)

#: Every hook of the plugin API.
HOOK_NAMES: tuple[str, ...] = (
    "register_stages",
    "register_roles",
    "register_sections",
    "register_validators",
    "register_views",
    "register_commands",
    "register_sample_data",
    "register_summary_fields",
    "register_child_attributes",
    "register_services",
    "register_cli_commands",
    "register_sample_writers",
)
