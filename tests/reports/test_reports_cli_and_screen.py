"""The report, import, reconcile and export commands on a training sandbox, and the compliance screen."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from textual.app import App
from textual.widgets import Static

from pep_tui.cli import main
from pep_tui.tui.screens.compliance import ComplianceScreen

DATA = Path(__file__).parent / "data"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_compliance_text_and_csv(cohort, capsys):
    root = str(cohort.store.root)
    code, out, _ = run(capsys, "--data-dir", root, "report", "compliance")
    assert code == 0 and out.startswith("PEP compliance - Spring 2025-26 - as of 09 Feb 2026")
    assert "Children in care:                     60" in out
    code, out, _ = run(capsys, "--data-dir", root, "report", "compliance", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["scope", "group", "measure", "value"]
    assert ["all", "All children", "children", "60"] in rows


def test_report_refused_for_a_social_worker(cohort, capsys):
    code, _, err = run(capsys, "--data-dir", str(cohort.store.root), "--login", "sw.amara",
                       "report", "compliance")
    assert code == 2 and "Social worker may not view cohort reports" in err


def test_import_cohort_dry_run_and_rejections_exit_non_zero(cohort, capsys):
    root = str(cohort.store.root)
    before = len(cohort.store.summaries())
    code, out, _ = run(capsys, "--data-dir", root, "import", "cohort", str(DATA / "cohort_good.csv"), "--dry-run")
    assert code == 0 and "would add 3" in out and "Dry run: nothing was changed." in out
    code, out, _ = run(capsys, "--data-dir", root, "import", "cohort", str(DATA / "cohort_bad.csv"))
    assert code == 1 and "line 3: UPN 'B207000016049': check letter should be P, not B" in out
    assert len(cohort.store.summaries()) == before


def test_import_file_problems_are_one_line(cohort, capsys, tmp_path):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("CHILD,FORENAME\nX1,Zo\u00eb\n".encode("cp1252"))
    code, _, err = run(capsys, "--data-dir", str(cohort.store.root), "import", "cohort", str(bad))
    assert code == 2 and err.startswith("pep-tui: latin1.csv: line 2 is not valid UTF-8 text (byte 0xEB)")
    assert len(err.strip().splitlines()) == 1


def test_export_blank_and_pep_write_owner_only_files(cohort, capsys, tmp_path):
    root = str(cohort.store.root)
    out_file = tmp_path / "blank.docx"
    code, out, _ = run(capsys, "--data-dir", root, "export", "blank", "--stage", "ks2", "--format", "docx",
                       "--out", str(out_file))
    assert code == 0 and out_file.stat().st_mode & 0o777 == 0o600
    code, _, err = run(capsys, "--data-dir", root, "export", "blank", "--stage", "ks2", "--format", "docx",
                       "--out", str(out_file))
    assert code == 2 and "already exists" in err
    blanks = [e for e in cohort.store.audit.events() if e.action == "export.blank"]
    assert len(blanks) == 1, "a refused export is not recorded as an export"
    vs = cohort.principal_for("vs.head")
    child_id = next(s["child_id"] for s in cohort.children.list(vs) if s.get("latest_pep_id"))
    pdf = tmp_path / "pep.pdf"
    code, out, _ = run(capsys, "--data-dir", root, "export", "pep", child_id, "--format", "pdf", "--out", str(pdf))
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF")


def test_reconcile_exits_one_when_the_extract_differs(cohort, capsys, tmp_path):
    extract = tmp_path / "903.csv"
    extract.write_text("CHILD,DOB,UPN\nNOBODY01,01/01/2015,\n")
    code, out, _ = run(capsys, "--data-dir", str(cohort.store.root), "reconcile", "903", str(extract))
    assert code == 1 and "In the 903 but not in pep-tui (1):" in out
    assert "In care in pep-tui but not in the 903 (60):" in out


async def test_compliance_screen_shows_the_dashboard_as_literal_text(cohort):
    principal = cohort.principal_for("vs.head")

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ComplianceScreen(cohort, principal))

    app = Host()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ComplianceScreen)
        shown = screen.query_one("#compliance-report", Static).render()
        assert "PEP compliance - Spring 2025-26" in str(shown)
        assert "Harbourside Primary (fictional)" in str(shown)
        await pilot.press("r")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ComplianceScreen)


async def test_compliance_screen_says_why_when_the_role_may_not_see_it(cohort):
    screen = ComplianceScreen(cohort, cohort.principal_for("sw.amara"))
    assert screen.report_text().startswith("The compliance dashboard is not available: Social worker may not")
