"""``pep-tui plugins check`` reports what a plugin adds and catches a deliberately broken one."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

PYPROJECT = """\
[project]
name = "{dist}"
version = "0.1.0"

[project.entry-points.pep_tui]
{name} = "{module}"
"""

SLOPPY = '''
from pydantic import BaseModel, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import SectionSpec, ValidatorSpec


class Notes(BaseModel):
    text: str = ""
    when: str = Field(default="", description="When it happened")


def crashes(ctx):
    raise ZeroDivisionError("division by zero")
    yield


@hookimpl
def register_sections(register):
    register(SectionSpec(id="ks2.sloppy_notes", title="Notes", model=Notes,
                         stages=frozenset({"ks9"}), editors=frozenset({"head_of_year"})))


@hookimpl
def register_validators(register):
    register(ValidatorSpec(id="sloppy.crashes", check=crashes))


def register_views(register):  # no @hookimpl
    pass
'''

UNNAMESPACED = '''
from pydantic import BaseModel, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import SectionSpec

PEP_TUI_API_VERSION = "1.0"


class Notes(BaseModel):
    text: str = Field(default="", description="Notes")


@hookimpl
def register_sections(register):
    register(SectionSpec(id="notes", title="Notes", model=Notes))
'''


def _package(root: Path, name: str, source: str) -> Path:
    folder = root / name
    (folder / "src" / f"kit_{name}").mkdir(parents=True)
    (folder / "src" / f"kit_{name}" / "__init__.py").write_text("")
    (folder / "src" / f"kit_{name}" / "plugin.py").write_text(textwrap.dedent(source))
    (folder / "pyproject.toml").write_text(PYPROJECT.format(dist=f"kit-{name}", name=name, module=f"kit_{name}.plugin"))
    return folder


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pep_tui.cli", "plugins", "check", *args],
                          capture_output=True, text=True)


def test_a_broken_plugin_is_caught_with_useful_messages(tmp_path: Path) -> None:
    result = _check(str(_package(tmp_path, "sloppy", SLOPPY)))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "hooks: register_sections, register_validators" in out
    for expected in (
        "does not declare PEP_TUI_API_VERSION; assuming 1.2 (add PEP_TUI_API_VERSION = '1.2' to the plugin module)",
        "defines register_views without @hookimpl",
        "section ks2.sloppy_notes: field(s) without a description: text",
        "section ks2.sloppy_notes: the namespace 'ks2' belongs to the plugin",
        "section ks2.sloppy_notes: names stage 'ks9', which no installed plugin provides",
        "section ks2.sloppy_notes: names role 'head_of_year', which no installed plugin provides",
        "validator sloppy.crashes raised ZeroDivisionError: division by zero on the sample cohort",
    ):
        assert expected in out, f"missing {expected!r} in:\n{out}"
    assert "Traceback" not in result.stderr


def test_a_section_id_that_is_not_namespaced_is_reported(tmp_path: Path) -> None:
    result = _check(str(_package(tmp_path, "unnamespaced", UNNAMESPACED)), "--json")
    assert result.returncode == 1
    [report] = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problems"] == ["section id 'notes' must be namespaced like 'myplugin.notes'"]


def test_an_installed_plugin_is_checked_by_name() -> None:
    result = _check("alternative_provision", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    [report] = json.loads(result.stdout)
    assert report["problems"] == [] and report["api_version"] == "1.0"
    assert report["hooks"] == ["register_sections", "register_validators", "register_views"]
    sections = {s["id"]: s for s in report["sections"]}
    assert sections["ap.placement"]["model"] == "pep_tui_ap.models.APPlacement"
    assert sections["ap.placement"]["circumstance"] is True
    assert sections["ap.placement"]["sample_peps"] > 0
    assert all(f["description"] for s in report["sections"] for f in s["fields"])
    assert [v["id"] for v in report["validators"]] == ["ap.full_time_education", "ap.provider_checks"]
    assert report["views"][0]["screen"] == "pep_tui_ap.views:APOverviewScreen"


def test_an_unknown_target_is_one_clear_line() -> None:
    result = _check("no_such_plugin_anywhere")
    assert result.returncode == 2
    assert result.stderr.startswith("pep-tui: 'no_such_plugin_anywhere' is neither a plugin folder")
    assert "installed plugins: " in result.stderr and len(result.stderr.strip().splitlines()) == 1


REFUSED = '''
from pydantic import BaseModel

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import SectionSpec, ValidatorSpec

PEP_TUI_API_VERSION = "1.0"


class Notes(BaseModel):
    text: str = ""


def fine(ctx):
    return []


@hookimpl
def register_sections(register):
    register(SectionSpec(id="notes", title="Notes", model=Notes, editors=frozenset({"teacher"})))


@hookimpl
def register_validators(register):
    register(ValidatorSpec(id="refused.fine", check=fine, description="Never finds anything"))


@hookimpl
def register_section(register):  # misspelled: pep-tui refuses the plugin
    pass
'''


def test_a_refused_plugin_still_has_every_problem_reported_at_once(tmp_path: Path) -> None:
    result = _check(str(_package(tmp_path, "refused", REFUSED)))
    assert result.returncode == 1
    out = result.stdout
    for expected in (
        "implements unknown hook(s) register_section",
        "section id 'notes' must be namespaced like 'myplugin.notes'",
        "section notes: field(s) without a description: text",
        "section notes: names role 'teacher', which no installed plugin provides",
    ):
        assert expected in " ".join(out.split()), f"missing {expected!r} in:\n{out}"
    assert "hooks: register_sections, register_validators" in out
    assert "validator refused.fine: Never finds anything" in out
    assert out.count("must be namespaced") == 1  # found at load and again by the dry run: said once
    assert "not loaded" not in result.stderr  # the report says it; no second message on stderr


def test_field_types_read_as_written_and_lines_fit_the_terminal() -> None:
    from pep_tui.cli.plugin_check import check_plugin
    from pep_tui.cli.plugin_cmd import format_report

    [report] = check_plugin("shared_sections")
    types = {f.name: f.type for s in report.sections for f in s.fields}
    assert types["sdq_score"] == "int | None"  # bounded: no Annotated[...] or FieldInfo(...) noise
    assert types["school_urn"] == "str | None"
    assert types["activities"] == "list[Activity]"
    text = format_report(report, width=80)
    assert "FieldInfo" not in text and "Annotated" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
