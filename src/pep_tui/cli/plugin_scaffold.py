"""``pep-tui plugin new``: write a working plugin package, with a passing test, to start from.

The package has a ``pyproject.toml`` with the ``pep_tui`` entry point, a plugin module that
declares the API version and implements the hooks for its kind, and a test using the fixtures of
:mod:`pep_tui.testing`. ``pip install -e NAME`` then ``pytest NAME`` passes before any change.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from pep_tui import PLUGIN_API_VERSION, __version__

KINDS = ("stage", "role", "feature")

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,60}$")


class ScaffoldError(ValueError):
    """The plugin cannot be written as asked (bad name, folder exists)."""


def names_for(name: str) -> dict[str, str]:
    """The names derived from NAME: distribution, import package, namespace (section-id prefix)."""
    if not _NAME.match(name):
        raise ScaffoldError(f"plugin name {name!r} should start with a letter and use letters, digits, - and _")
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    namespace = slug.removeprefix("pep_tui_") or slug
    package = slug if slug.startswith("pep_tui_") else f"pep_tui_{slug}"
    distribution = package.replace("_", "-")
    title = namespace.replace("_", " ").capitalize()
    class_name = "".join(part.capitalize() for part in namespace.split("_"))
    return {"name": name, "namespace": namespace, "package": package, "distribution": distribution,
            "title": title, "Class": class_name, "api": PLUGIN_API_VERSION, "pep_tui_version": __version__}


PYPROJECT = """\
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "$distribution"
version = "0.1.0"
description = "$title: a pep-tui plugin"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["pep-tui>=$pep_tui_version"]

[project.optional-dependencies]
test = ["pytest>=8.0", "pytest-asyncio>=0.24"]

# pep-tui finds the plugin through this entry point.
[project.entry-points.pep_tui]
$namespace = "$package.plugin"

[tool.setuptools.packages.find]
where = ["src"]

[tool.pytest.ini_options]
testpaths = ["tests"]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
addopts = "--import-mode=importlib"
"""

README = """\
# $distribution

A pep-tui $kind plugin. Install it beside pep-tui and check it:

```sh
pip install -e ".[test]"
pep-tui plugins check .
pytest
```

`pep-tui plugins` then lists `$namespace`. The plugin author's guide is `docs/plugins/guide.md` in
pep-tui.
"""

INIT = '''\
"""$title: a pep-tui $kind plugin."""

__version__ = "0.1.0"
'''

COMMON_HEAD = '''\
"""$title: the module the ``pep_tui`` entry point names.

$about
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pydantic import BaseModel, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
$api_imports
)

#: The plugin API version this plugin was written for.
PEP_TUI_API_VERSION = "$api"
#: How ``pep-tui plugins`` lists this plugin.
PEP_TUI_PLUGIN_KIND = "$kind"

SECTION = "$namespace.notes"


class ${Class}Notes(BaseModel):
    """The section's data. Every field has a description: the form shows it as help."""

    summary: str = Field(default="", max_length=2000, description="What the PEP meeting should know")
    next_step: str = Field(default="", max_length=500, description="The agreed next step, and who takes it")


def check_next_step(ctx: ValidationContext) -> Iterator[Finding]:
    """A summary without a next step is worth a warning."""
    notes = ctx.sections.get(SECTION)
    if isinstance(notes, ${Class}Notes) and notes.summary and not notes.next_step:
        yield Finding(Severity.WARNING, "record the agreed next step", SECTION, "next_step", criterion="Q6")


def sample_notes(ctx: SampleContext) -> ${Class}Notes:
    """Fictional content for the training cohort (never real children's data)."""
    return ${Class}Notes(summary="Settled this term (sample text).", next_step="Review at the next PEP meeting.")


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The plugin's check."""
    register(ValidatorSpec(id="$namespace.next_step", check=check_next_step,
                           description="A summary has an agreed next step."))
'''

STAGE_BODY = '''

#: The stages this plugin adds to. Every year group already belongs to a built-in stage; to replace
#: one (a regional variant), disable it (PEP_TUI_DISABLE_PLUGINS=ks3) and register a StageDefinition
#: in a register_stages hook.
STAGES = frozenset({"ks3"})


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The plugin's section, on PEPs of its stages."""
    register(SectionSpec(id=SECTION, title="$title", model=${Class}Notes, stages=STAGES,
                         editors=frozenset({"designated_teacher", "virtual_school"}), order=500,
                         sample=sample_notes, help="Notes this plugin adds to the PEP."))
'''

ROLE_BODY = '''

ROLE = "$namespace"


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The new role: school staff a designated teacher delegates to (a mentor, a SENCo).

    A role with the ``delegated`` scope reaches only the children in its scope's ``child_ids`` and
    acts with the designated teacher's section rights. For another kind of partner choose another
    ScopeKind (see pep_tui.plugins.api.ScopeKind).
    """
    register(RoleDefinition(id=ROLE, title="$title", scope=ScopeKind.DELEGATED,
                            capabilities=frozenset({Capability.VIEW_CHILD, Capability.EDIT_PEP}),
                            description="School staff who contribute notes to the PEP.", order=50))


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The role's section, on every PEP (editable by the designated teacher, whose rights it acts with)."""
    register(SectionSpec(id=SECTION, title="$title", model=${Class}Notes,
                         editors=frozenset({ROLE, "designated_teacher"}), order=500, required=False,
                         sample=sample_notes, help="The $title's contribution to the PEP."))
'''

FEATURE_BODY = '''

def has_ehcp(ctx: SectionContext) -> bool:
    """The section applies to children with an education, health and care plan."""
    return ctx.child.sen_status.value == "ehcp"


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The feature's section, on every stage, for the children it concerns."""
    register(SectionSpec(id=SECTION, title="$title", model=${Class}Notes, applies=has_ehcp,
                         editors=frozenset({"designated_teacher", "virtual_school"}), order=500,
                         required=False, sample=sample_notes, help="Notes this plugin adds to the PEP."))


def say_installed(ctx: object) -> str:
    """A command-palette action: ``ctx`` is the app's command context."""
    return "$title is installed."


@hookimpl
def register_commands(register: Callable[[CommandSpec], None]) -> None:
    """A command-palette action."""
    register(CommandSpec(id="$namespace.about", title="About $title", run=say_installed))
'''

API_IMPORTS = {
    "stage": ["Finding", "SampleContext", "SectionSpec", "Severity", "ValidationContext", "ValidatorSpec"],
    "role": ["Capability", "Finding", "RoleDefinition", "SampleContext", "ScopeKind", "SectionSpec", "Severity",
             "ValidationContext", "ValidatorSpec"],
    "feature": ["CommandSpec", "Finding", "SampleContext", "SectionContext", "SectionSpec", "Severity",
                "ValidationContext", "ValidatorSpec"],
}

ABOUT = {
    "stage": "Adds a section and a check to PEPs of the stages in STAGES.",
    "role": "Adds a partner role and the section that role completes.",
    "feature": "Adds a section for children with an EHC plan, a check and a command-palette action.",
}

TEST_HEAD = '''\
"""$title's tests, using pep-tui's fixtures (pep_tui.testing: pep_plugins, pep_services, pep_principal,
pep_child, pep_validate, pep_app)."""

from __future__ import annotations

from pep_tui.plugins.api import Severity

from $package.plugin import SECTION


def test_the_plugin_loads(pep_plugins) -> None:
    record = pep_plugins.records["$namespace"]
    assert record.error is None, record.error
    assert record.sections == [SECTION]


def test_a_summary_without_a_next_step_is_flagged(pep_child, pep_validate) -> None:
    child_id = pep_child($child_filter)
    findings = pep_validate(child_id, sections={SECTION: {"summary": "Doing well", "next_step": ""}})
    assert [(f.severity, f.field) for f in findings if f.validator_id == "$namespace.next_step"] == [
        (Severity.WARNING, "next_step")
    ]
    findings = pep_validate(child_id, sections={SECTION: {"summary": "Doing well", "next_step": "Review in May"}})
    assert not [f for f in findings if f.validator_id == "$namespace.next_step"]
'''

TEST_STAGE = '''

def test_the_section_is_on_peps_of_its_stages_only(pep_services, pep_principal, pep_child) -> None:
    vs = pep_principal("virtual_school")
    for stage, expected in (("ks3", True), ("ks2", False)):
        record = pep_services.children.record(vs, pep_child(stage=stage))
        ids = [s.spec.id for s in pep_services.peps.visible_sections(vs, record, record.peps[-1])]
        assert (SECTION in ids) is expected
'''

TEST_ROLE = '''

def test_the_role_edits_its_section_on_a_child_it_is_given(pep_services, pep_principal, pep_child) -> None:
    from pep_tui.domain import TermRef

    child_id = pep_child(stage="ks3")
    vs = pep_principal("virtual_school")
    pep = pep_services.peps.start(vs, child_id, term=TermRef.containing(pep_services.ctx.today()).next())
    me = pep_principal("$namespace", child_id=child_id)
    saved = pep_services.peps.save_section(me, child_id, pep.id, SECTION, {"summary": "Met this week"}, pep.revision)
    assert saved.section(SECTION)["summary"] == "Met this week"
'''

TEST_FEATURE = '''

def test_the_section_applies_to_children_with_an_ehcp_only(pep_services, pep_principal, pep_child) -> None:
    vs = pep_principal("virtual_school")
    for sen, expected in (("ehcp", True), ("none", False)):
        record = pep_services.children.record(vs, pep_child(sen_status=sen))
        ids = [s.spec.id for s in pep_services.peps.visible_sections(vs, record, record.peps[-1])]
        assert (SECTION in ids) is expected
'''

CHILD_FILTER = {"stage": 'stage="ks3"', "role": 'stage="ks3"', "feature": 'sen_status="ehcp"'}


def render(kind: str, name: str) -> dict[str, str]:
    """The files of a new plugin package, by path relative to its folder."""
    if kind not in KINDS:
        raise ScaffoldError(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    values = names_for(name) | {"kind": kind, "about": ABOUT[kind], "child_filter": CHILD_FILTER[kind],
                                "api_imports": "\n".join(f"    {n}," for n in API_IMPORTS[kind])}
    body = {"stage": STAGE_BODY, "role": ROLE_BODY, "feature": FEATURE_BODY}[kind]
    test_body = {"stage": TEST_STAGE, "role": TEST_ROLE, "feature": TEST_FEATURE}[kind]
    package = values["package"]

    def fill(text: str) -> str:
        return Template(text).substitute(values)

    return {
        "pyproject.toml": fill(PYPROJECT),
        "README.md": fill(README),
        f"src/{package}/__init__.py": fill(INIT),
        f"src/{package}/plugin.py": fill(COMMON_HEAD + body),
        f"tests/test_{values['namespace']}.py": fill(TEST_HEAD + test_body),
    }


def write_plugin(folder: Path, kind: str, name: str) -> list[Path]:
    """Write the package into ``folder / NAME``; refuses to touch an existing folder."""
    files = render(kind, name)
    root = folder / name
    if root.exists():
        raise ScaffoldError(f"{root} already exists; choose another name or remove it")
    written = []
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
