"""``pep-tui plugins check`` catches the mistakes a plugin author makes most: a section predicate
(``applies``) or sample generator that raises, a field type the forms cannot edit, a misspelt hook;
and every hook failure names the plugin's file and line, with the traceback."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pep_tui.cli.plugin_check import check_plugin
from pep_tui.cli.plugin_cmd import format_report

HEADER = '''
from datetime import time

from pydantic import BaseModel, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import SectionSpec

PEP_TUI_API_VERSION = "1.2"
'''


def _plugin(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(HEADER + textwrap.dedent(body))
    return str(path)


def _line_of(path: str, text: str) -> int:
    return next(n for n, line in enumerate(Path(path).read_text().splitlines(), start=1) if text in line)


def test_a_raising_applies_fails_the_check_with_its_file_line_and_traceback(tmp_path: Path) -> None:
    path = _plugin(tmp_path, "kit_applies", '''
        class Notes(BaseModel):
            text: str = Field("", description="Notes")


        def applies(ctx):
            return ctx.child.no_such_field == "x"


        @hookimpl
        def register_sections(register):
            register(SectionSpec(id="kit_applies.notes", title="Notes", model=Notes, applies=applies,
                                 editors=frozenset({"designated_teacher"})))
    ''')
    [report] = check_plugin(path)
    assert not report.ok
    line = _line_of(path, "return ctx.child.no_such_field")
    assert any(p.startswith("section kit_applies.notes: applies raised AttributeError") and f"{path}, line {line}" in p
               for p in report.problems), report.problems
    assert any("no_such_field" in t and "Traceback (most recent call last)" in t for t in report.tracebacks)
    assert "traceback:" in format_report(report, width=200)


def test_a_raising_sample_generator_fails_the_check(tmp_path: Path) -> None:
    path = _plugin(tmp_path, "kit_sample", '''
        class Notes(BaseModel):
            text: str = Field("", description="Notes")


        def sample(ctx):
            return {"text": ["not", "text"][2]}


        @hookimpl
        def register_sections(register):
            register(SectionSpec(id="kit_sample.notes", title="Notes", model=Notes, sample=sample,
                                 editors=frozenset({"designated_teacher"})))
    ''')
    [report] = check_plugin(path)
    line = _line_of(path, '["not", "text"][2]')
    assert any(p.startswith("section kit_sample.notes: sample raised IndexError") and f"line {line}" in p
               for p in report.problems), report.problems
    assert not report.ok


def test_a_field_the_forms_cannot_edit_warns_and_fails_when_strict(tmp_path: Path) -> None:
    path = _plugin(tmp_path, "kit_types", '''
        class Visit(BaseModel):
            at: time | None = Field(None, description="Time of the visit")


        class Notes(BaseModel):
            counts: dict[str, int] = Field(default_factory=dict, description="Counts by kind")
            either: int | str = Field(0, description="A number or a word")
            visits: list[Visit] = Field(default_factory=list, description="Visits")
            text: str = Field("", description="Notes")


        def sample(ctx):
            return Notes(text="Fictional notes")


        @hookimpl
        def register_sections(register):
            register(SectionSpec(id="kit_types.notes", title="Notes", model=Notes, sample=sample,
                                 editors=frozenset({"designated_teacher"})))
    ''')
    [report] = check_plugin(path)
    assert report.ok, report.problems  # a warning only
    unrenderable = {w.split(": field ", 1)[1].split(" ", 1)[0] for w in report.warnings}
    assert unrenderable == {"counts", "either", "visits.at"}
    assert any("field counts has the type dict[str, int], which the forms cannot edit" in w for w in report.warnings)
    assert "warning: section kit_types.notes: field either has the type int | str" in format_report(report, width=300)
    [strict] = check_plugin(path, strict=True)
    assert not strict.ok
    assert {p for p in strict.problems if "cannot edit" in p} == set(report.warnings)


def test_a_misspelt_hook_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = _plugin(tmp_path, "kit_spelling", '''
        @hookimpl
        def register_section(register):
            pass
    ''')
    [report] = check_plugin(path)
    assert any("implements unknown hook(s) register_section (did you mean register_sections?)" in p
               for p in report.problems), report.problems


def test_a_raising_hook_names_its_file_and_line_and_shows_the_traceback(tmp_path: Path) -> None:
    path = _plugin(tmp_path, "kit_hook", '''
        @hookimpl
        def register_sections(register):
            raise KeyError("council_code")
    ''')
    [report] = check_plugin(path)
    line = _line_of(path, 'raise KeyError("council_code")')
    assert any(p.startswith("hook register_sections raised KeyError") and f"{path}, line {line}" in p
               for p in report.problems), report.problems
    assert report.tracebacks and "KeyError: 'council_code'" in report.tracebacks[0]
