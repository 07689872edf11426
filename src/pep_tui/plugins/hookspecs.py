"""The hook specifications: the reference for plugin authors.

Every hook is a ``register_*`` callback hook (as in ``llm``): pep-tui calls your implementation with a
``register`` function, and you call ``register(thing)`` once for each thing you contribute. A plugin is
a module (or package) named by an entry point in the ``pep_tui`` group::

    [project.entry-points.pep_tui]
    alternative_provision = "pep_tui_ap.plugin"

and it declares the API version it targets with a module attribute ``PEP_TUI_API_VERSION = "1.0"``.
Implementations are marked with :data:`pep_tui.plugins.hookimpl`. A hook implementation that raises
is isolated: its plugin is reported broken and the app runs without that contribution.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from pep_tui.plugins.api import (
    CommandSpec,
    RoleDefinition,
    SampleContributor,
    SectionSpec,
    StageDefinition,
    ValidatorSpec,
    ViewSpec,
)

hookspec = pluggy.HookspecMarker("pep_tui")

# --- What the plugin is ------------------------------------------------------------------------


@hookspec
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """Register educational stages.

    Call ``register(StageDefinition(id="ks2", title="Key Stage 2", year_groups=(3, 4, 5, 6)))``.
    A year group belongs to at most one stage; a PEP takes the stage of the child's year group in
    the PEP's term. Stage ids are short, lower-case and unique across plugins.

    .. versionadded:: 1.0
    """


@hookspec
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """Register partner roles.

    Call ``register(RoleDefinition(id="carer", title="Carer", scope=ScopeKind.PLACEMENT,
    capabilities=frozenset({Capability.VIEW_CHILD, Capability.EDIT_PEP})))``. The scope kind decides
    which children the role reaches; the capabilities what it may do. Services enforce both.

    .. versionadded:: 1.0
    """


# --- What the plugin adds to a PEP -------------------------------------------------------------


@hookspec
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """Register PEP sections.

    Call ``register(SectionSpec(id="ks2.attainment", title="Attainment", model=KS2Attainment,
    stages=frozenset({"ks2"}), editors=frozenset({"designated_teacher"})))``. The id must be
    namespaced by your plugin (``namespace.name``); the TUI builds the form from ``model`` unless you
    also register a view. Bump ``version`` and supply ``migrate`` when the model changes shape.

    .. versionadded:: 1.0
    """


@hookspec
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """Register validations.

    Call ``register(ValidatorSpec(id="ks2.mtc_range", check=check_mtc, stages=frozenset({"ks2"})))``.
    ``check(ctx: ValidationContext)`` yields :class:`~pep_tui.plugins.api.Finding` objects: an
    ``error`` blocks submission, a ``warning`` or ``info`` is shown. Tie each finding to a section and
    field, and to a QA criterion (``"Q1"`` … ``"Q13"``) where one applies. A check that raises is
    reported and skipped, never fatal.

    .. versionadded:: 1.0
    """


# --- What the plugin adds to the app -----------------------------------------------------------


@hookspec
def register_views(register: Callable[[ViewSpec], None]) -> None:
    """Register screens for the app.

    Call ``register(ViewSpec(id="vs.qa_queue", title="QA queue", roles=frozenset({"virtual_school"}),
    screen="my_plugin.views:QAQueueScreen"))``. The screen is imported only when opened, so loading
    plugins never imports Textual.

    .. versionadded:: 1.0
    """


@hookspec
def register_commands(register: Callable[[CommandSpec], None]) -> None:
    """Register command-palette actions.

    Call ``register(CommandSpec(id="ks4.results_day", title="Record results day", run=run))``;
    ``run(ctx)`` receives the app's command context and may return a message to show.

    .. versionadded:: 1.0
    """


@hookspec
def register_sample_data(register: Callable[[SampleContributor], None]) -> None:
    """Register cohort-level sample-data contributors for the training cohort.

    Call ``register(fn)`` where ``fn(cohort: SampleCohort)`` adds to the generated cohort using
    ``cohort.rng`` only (so the cohort stays deterministic). Per-section content comes from
    ``SectionSpec.sample`` instead; use this hook for data that spans PEPs (e.g. a year of PP+).

    .. versionadded:: 1.0
    """


HOOK_NAMES: tuple[str, ...] = (
    "register_stages",
    "register_roles",
    "register_sections",
    "register_validators",
    "register_views",
    "register_commands",
    "register_sample_data",
)
