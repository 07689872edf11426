"""The core imports without Textual, so the CLI, importers and plugin tests stay fast."""

from __future__ import annotations

import subprocess
import sys


def test_core_and_plugins_import_without_textual() -> None:
    code = (
        "import sys\n"
        "import pep_tui, pep_tui.domain, pep_tui.store, pep_tui.services, pep_tui.plugins.manager, pep_tui.cli\n"
        "import pep_tui.bootstrap, pep_tui.sample, pep_tui.settings\n"
        "from pep_tui.plugins.manager import load_plugins\n"
        "load_plugins(strict=True)\n"
        "from pep_tui.cli import build_parser\n"
        "build_parser()\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_tinydb_is_imported_only_by_the_store() -> None:
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("src/pep_tui", "stages", "plugins"):
        for path in (root / folder).rglob("*.py"):
            if "store" in path.relative_to(root).parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "import tinydb" in text or "from tinydb" in text:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
