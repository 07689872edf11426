"""``pep-tui plugin new`` writes a package that installs with pip and whose own tests pass."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pep_tui import PLUGIN_API_VERSION
from pep_tui.cli import main
from pep_tui.cli.plugin_scaffold import KINDS, names_for


def _env(site: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(site), "PEP_TUI_STRICT_PLUGINS": "1"}
    env.pop("PEP_TUI_DISABLE_PLUGINS", None)
    env.pop("PEP_TUI_LOAD_PLUGINS", None)
    return env


def test_the_scaffolds_install_and_their_tests_pass(tmp_path: Path, capsys) -> None:
    for kind in KINDS:
        assert main(["plugin", "new", f"kit-{kind}", "--kind", kind, "--into", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f'pip install -e "{tmp_path / "kit-stage"}[test]"' in out  # with pytest, for the test it writes
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(site), *(str(tmp_path / f"kit-{kind}") for kind in KINDS)],
        capture_output=True, text=True,
    )
    assert install.returncode == 0, install.stderr
    assert sorted(p.name for p in site.glob("*.dist-info")) == [
        "pep_tui_kit_feature-0.1.0.dist-info", "pep_tui_kit_role-0.1.0.dist-info", "pep_tui_kit_stage-0.1.0.dist-info"
    ]
    listed = subprocess.run([sys.executable, "-m", "pep_tui.cli", "plugins", "--json"],
                            capture_output=True, text=True, env=_env(site))
    records = {r["name"]: r for r in json.loads(listed.stdout)}
    assert {records[f"kit_{kind}"]["kind"] for kind in KINDS} == set(KINDS)
    assert records["kit_role"]["roles"] == ["kit_role"]
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--import-mode=importlib",
         *(str(tmp_path / f"kit-{kind}" / "tests") for kind in KINDS)],
        capture_output=True, text=True, env=_env(site), cwd=tmp_path,
    )
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert "9 passed" in tests.stdout


def test_the_scaffold_passes_plugins_check(tmp_path: Path) -> None:
    assert main(["plugin", "new", "kit-checked", "--into", str(tmp_path)]) == 0
    result = subprocess.run([sys.executable, "-m", "pep_tui.cli", "plugins", "check", str(tmp_path / "kit-checked")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "section kit_checked.notes" in result.stdout
    assert "no problems found" in result.stdout


def test_names_are_derived_and_bad_names_refused(tmp_path: Path, capsys) -> None:
    names = names_for("SEND-support")
    assert (names["package"], names["namespace"], names["distribution"]) == (
        "pep_tui_send_support", "send_support", "pep-tui-send-support")
    assert main(["plugin", "new", "9lives", "--into", str(tmp_path)]) == 2
    assert "should start with a letter" in capsys.readouterr().err
    assert main(["plugin", "new", "twice", "--into", str(tmp_path)]) == 0
    (tmp_path / "twice" / "src" / "pep_tui_twice" / "plugin.py").write_text("# my work\n")
    assert main(["plugin", "new", "twice", "--into", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "twice" / "src" / "pep_tui_twice" / "plugin.py").read_text() == "# my work\n"


@pytest.mark.parametrize("kind", ["stage", "role", "feature"])
def test_the_scaffold_declares_the_api_version(tmp_path: Path, kind: str) -> None:
    assert main(["plugin", "new", "kit", "--kind", kind, "--into", str(tmp_path)]) == 0
    text = (tmp_path / "kit" / "src" / "pep_tui_kit" / "plugin.py").read_text()
    assert f'PEP_TUI_API_VERSION = "{PLUGIN_API_VERSION}"' in text and f'PEP_TUI_PLUGIN_KIND = "{kind}"' in text
