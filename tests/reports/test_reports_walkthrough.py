"""The walk-through in docs/reports.md, run on the sample cohort (seed 2026, 60 children) exactly as
written there, so the documentation stays true."""

from __future__ import annotations

import re
from pathlib import Path

from pep_tui.cli import main

DATA = Path(__file__).parent / "data"
DOC = Path(__file__).parents[2] / "docs" / "reports.md"


def run(capsys, root: str, *argv: str) -> tuple[int, str]:
    code = main(["--data-dir", root, *argv])
    return code, capsys.readouterr().out


def test_the_documented_commands_work_on_the_sample_cohort(cohort, capsys, tmp_path):
    root = str(cohort.store.root)
    code, out = run(capsys, root, "import", "cohort", str(DATA / "cohort_good.csv"))
    assert code == 0 and "Children: added 3, updated 0, unchanged 0." in out

    code, out = run(capsys, root, "import", "attendance", str(DATA / "sample_attendance.csv"), "--dry-run")
    assert code == 0 and "would write attendance for 3 child(ren) into their Spring 2025-26 PEP" in out
    code, out = run(capsys, root, "import", "attendance", str(DATA / "sample_attendance.csv"))
    assert code == 0 and "wrote attendance for 3 child(ren)" in out
    assert "C2 part-time timetable (5 sessions)" in out
    assert "E suspension (1 suspension(s), 2 day(s))" in out
    assert "persistent absence (90.0% attendance)" in out

    code, out = run(capsys, root, "reconcile", "903", str(DATA / "sample_903.csv"))
    assert code == 1
    assert "In the 903 but not in pep-tui (1):\n  CHILD TRN02699999" in out
    assert "In care in pep-tui but not in the 903 (4):" in out  # one left out, plus the three just imported
    # The sample extract gives one child the UPN of Ada, imported above: a shared UPN, not a mere difference.
    assert "UPN shared with another child (1):" in out and "which is Ada Quillfeather" in out
    assert "Every child of the extract accounted for: 60 children (60 rows) = " in out

    code, out = run(capsys, root, "report", "compliance")
    assert code == 0 and "Part-time timetables (C2):" in out

    code, out = run(capsys, root, "export", "blank", "--stage", "ks2", "--format", "pdf",
                    "--out", str(tmp_path / "blank-ks2.pdf"))
    assert code == 0
    code, out = run(capsys, root, "export", "data", "--format", "csv", "--out", str(tmp_path / "analysts"))
    assert code == 0 and (tmp_path / "analysts" / "children.csv").exists()


def test_the_documentation_names_every_command():
    text = DOC.read_text()
    for command in ("report compliance", "import cohort", "import attendance", "reconcile 903", "export pep",
                    "export blank", "export data", "--dry-run", "--csv"):
        assert re.search(re.escape(command), text), command
