"""The core names no built-in plugin: no import of ``pep_tui_stages`` or ``pep_tui_plugins`` anywhere in
``src/pep_tui``, and no built-in plugin's section id in its code (docstrings may show examples). The
sections the core itself relies on are core-owned (``pep_tui.domain.pep.CORE_SECTIONS``); everything else
the core reads, it finds by a section's declared ``purpose``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pep_tui.domain.pep import CORE_SECTIONS
from pep_tui.plugins.manager import load_plugins

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "src" / "pep_tui"
BUILT_IN_PACKAGES = ("pep_tui_stages", "pep_tui_plugins")
SOURCES = sorted(CORE.rglob("*.py"))


def _built_in_section_ids() -> set[str]:
    manager = load_plugins()
    registry = manager.registry()
    built_in = {name for name, record in manager.records.items()
                if (record.module or "").split(".")[0] in BUILT_IN_PACKAGES}
    assert {"shared_sections", "ks2", "child", "pupil_premium"} <= built_in
    return {sid for (kind, sid), owner in registry.owner.items() if kind == "section" and owner in built_in}


BUILT_IN_IDS = _built_in_section_ids() - CORE_SECTIONS
_ID_PATTERN = re.compile(r"(?<![\w.])(" + "|".join(re.escape(i) for i in sorted(BUILT_IN_IDS)) + r")(?![\w])")


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(CORE)))
def test_the_core_imports_no_built_in_plugin_and_names_none_of_their_sections(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            problems += [f"line {node.lineno}: import {a.name}" for a in node.names
                         if a.name.split(".")[0] in BUILT_IN_PACKAGES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in BUILT_IN_PACKAGES:
            problems.append(f"line {node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            problems += [f"line {node.lineno}: names the section {m}" for m in _ID_PATTERN.findall(node.value)]
    assert not problems, problems


def test_the_guard_would_see_a_section_id_and_an_import() -> None:
    tree = ast.parse('from pep_tui_plugins.pupil_premium import money\nX = "post16.route"\n')
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and _ID_PATTERN.findall(n.value)]
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module.startswith(BUILT_IN_PACKAGES)]
    assert names and imports
    assert "shared.targets" not in BUILT_IN_IDS and "post16.route" in BUILT_IN_IDS
