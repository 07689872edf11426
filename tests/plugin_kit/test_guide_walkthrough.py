"""The plugin author's guide works as written: its files, assembled, make a plugin that checks clean and
whose own tests pass.

docs/plugins/guide.md shows every file of its worked example in full, each in a code block whose first
line is ``# file: PATH``. These tests write those blocks into an empty folder, exactly as a reader
following the guide would, then run ``pep-tui plugins check`` on it and the guide's own tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from pep_tui.cli import main
from pep_tui.cli.plugin_check import check_plugin

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugins" / "guide.md"
BLOCK = re.compile(r"^```[a-z]*\n# file: (?P<path>\S+)\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
PACKAGE = "pep_tui_ap"


def guide_files() -> dict[str, str]:
    """``{path: text}`` of every file the guide shows in full."""
    text = GUIDE.read_text(encoding="utf-8")
    files: dict[str, str] = {}
    for match in BLOCK.finditer(text):
        path = match["path"]
        assert path not in files, f"the guide shows {path} twice; show each file once, in full"
        files[path] = f"# file: {path}\n{match['body']}"
    return files


@pytest.fixture
def built_from_the_guide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The guide's plugin folder, written from its code blocks; its modules are imported from there only."""
    folder = tmp_path / "alternative-provision"
    for path, body in guide_files().items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    (folder / "README.md").write_text("# Alternative provision for pep-tui\n", encoding="utf-8")
    monkeypatch.setattr(sys, "path", list(sys.path))
    # The example package (examples/alternative-provision) uses the same import name: keep it out of the way.
    saved = {name: module for name, module in sys.modules.items() if name.split(".")[0] == PACKAGE}
    for name in saved:
        del sys.modules[name]
    yield folder
    for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
        del sys.modules[name]
    sys.modules.update(saved)


def test_the_guide_shows_every_file_of_the_package() -> None:
    files = guide_files()
    modules = {f"src/{PACKAGE}/{name}.py" for name in ("__init__", "models", "checks", "sample", "overview",
                                                        "views", "plugin")}
    assert {"pyproject.toml", "tests/test_alternative_provision.py"} | modules <= set(files), sorted(files)
    assert 'alternative_provision = "pep_tui_ap.plugin"' in files["pyproject.toml"]
    assert "..." not in "".join(files.values()), "a file in the guide is abridged; show it in full"


def test_the_plugin_built_from_the_guide_checks_clean(built_from_the_guide: Path, capsys) -> None:
    [report] = check_plugin(str(built_from_the_guide))
    assert report.problems == []
    assert report.api_version == "1.0" and report.kind == "stage"
    assert report.hooks == ["register_sections", "register_validators", "register_views"]
    assert [s.id for s in report.sections] == ["ap.placement", "ap.progress"]
    assert all(s.sample_peps > 0 for s in report.sections), "the sample cohort has children in AP"
    assert [v["id"] for v in report.validators] == ["ap.full_time_education", "ap.provider_checks"]
    assert [v["screen"] for v in report.views] == ["pep_tui_ap.views:APOverviewScreen"]
    assert report.findings_on_sample["error"] == 0
    assert main(["plugins", "check", str(built_from_the_guide)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("no problems found")


def _installed_under_the_guides_entry_point() -> bool:
    return any(ep.name == "alternative_provision" and ep.value == f"{PACKAGE}.plugin"
               for ep in entry_points(group="pep_tui"))


@pytest.mark.skipif(not _installed_under_the_guides_entry_point(),
                    reason="needs the example plugin installed (pip install -e examples/alternative-provision)")
def test_the_guides_own_tests_pass_against_the_guides_code(built_from_the_guide: Path) -> None:
    # The installed example registers the same entry point (pep_tui_ap.plugin); with the guide's src/
    # first on the path, that entry point loads the guide's modules instead, as if they were installed.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(built_from_the_guide / "src"),
                                                         os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=built_from_the_guide, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "5 passed" in done.stdout, done.stdout[-2000:]
