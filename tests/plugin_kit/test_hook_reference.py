"""The hook reference cannot drift: every hook is documented, the docs name no hook that does not exist."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path

import pytest

from pep_tui.plugins import hookspecs

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "plugins"
HOOKS_MD = (DOCS / "hooks.md").read_text(encoding="utf-8")
HEADINGS = set(re.findall(r"^### (\w+)$", HOOKS_MD, flags=re.M))


def _spec_functions() -> set[str]:
    return {name for name, value in vars(hookspecs).items()
            if inspect.isfunction(value) and hasattr(value, "pep_tui_spec")}


def test_the_hook_list_matches_the_specifications() -> None:
    grouped = [name for _, names in hookspecs.HOOK_GROUPS for name in names]
    assert sorted(grouped) == sorted(hookspecs.HOOK_NAMES) == sorted(_spec_functions())


@pytest.mark.parametrize("hook", hookspecs.HOOK_NAMES)
def test_every_hook_is_documented(hook: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert "register(" in doc and ".. versionadded::" in doc, f"{hook} needs an example and a versionadded"
    assert hook in HEADINGS, f"{hook} has no heading in docs/plugins/hooks.md; run docs/plugins/hooks_reference.py"


def test_the_reference_names_only_hooks_that_exist() -> None:
    assert set(hookspecs.HOOK_NAMES) >= HEADINGS, HEADINGS - set(hookspecs.HOOK_NAMES)


@pytest.mark.parametrize("page", ["guide.md", "stability.md", "hooks.md"])
def test_the_plugin_docs_mention_no_hook_that_does_not_exist(page: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    mentioned = set(re.findall(r"\bregister_[a-z_]+\b", text))
    assert mentioned <= set(hookspecs.HOOK_NAMES), mentioned - set(hookspecs.HOOK_NAMES)


def test_hooks_md_is_generated_from_the_current_docstrings() -> None:
    spec = importlib.util.spec_from_file_location("hooks_reference", DOCS / "hooks_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == HOOKS_MD, "docs/plugins/hooks.md is stale: run python docs/plugins/hooks_reference.py"
