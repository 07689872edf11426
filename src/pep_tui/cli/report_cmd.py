"""Reports, imports and exports: ``report``, ``import``, ``reconcile`` and ``export`` subcommands.

    pep-tui report compliance [--csv]
    pep-tui import cohort FILE [--dry-run] [--skip-rejected] [--encoding ENC]
    pep-tui import attendance FILE [--dry-run] [--skip-rejected] [--encoding ENC]
    pep-tui reconcile 903 FILE [--encoding ENC]
    pep-tui export pep CHILD_ID [PEP_ID] --format pdf|docx --out FILE [--force]
    pep-tui export blank --stage ks2 --format pdf|docx [--out FILE] [--force]
    pep-tui export data --format csv|json --out DIR [--force]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pep_tui.cli.common import command, open_from_args, principal_from_args
from pep_tui.cli.exit_codes import DIFFERENCES, OK, PARTIAL
from pep_tui.cli.output import error, progress, say
from pep_tui.cli.partial import finish


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register the report, import, reconcile and export subcommands."""
    report = sub.add_parser("report", help="cohort reports for the Virtual School")
    report_sub = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    p = command(report_sub, "compliance", help="the PEP compliance dashboard (text, or --csv)")
    p.add_argument("--csv", action="store_true", help="long-format CSV (scope, group, measure, value) on stdout")
    p.set_defaults(func=cmd_compliance)

    imp = sub.add_parser("import", help="import the cohort or attendance from CSV")
    imp_sub = imp.add_subparsers(dest="import_kind", metavar="WHAT", required=True)
    for name, handler, what in (
        ("cohort", cmd_import_cohort, "children from a social-care CSV (SSDA903 header/episodes columns)"),
        ("attendance", cmd_import_attendance, "attendance (per session with national codes, or termly totals)"),
    ):
        p = command(imp_sub, name, help=what)
        p.add_argument("file", type=Path, metavar="FILE")
        p.add_argument("--dry-run", action="store_true", help="check and show what would change; change nothing")
        p.add_argument("--skip-rejected", action="store_true",
                       help="import the children whose rows are all good even if other rows were rejected")
        p.add_argument("--encoding", help="the file's encoding if not UTF-8 (e.g. cp1252)")
        p.set_defaults(func=handler)

    rec = sub.add_parser("reconcile", help="compare the cohort with another system's extract")
    rec_sub = rec.add_subparsers(dest="reconcile_kind", metavar="WHAT", required=True)
    p = command(rec_sub, "903", help="children missing on either side, UPN and date-of-birth mismatches")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--encoding", help="the file's encoding if not UTF-8 (e.g. cp1252)")
    p.set_defaults(func=cmd_reconcile_903)

    exp = sub.add_parser("export", help="PEP documents (PDF/Word) and data for analysts (CSV/JSON)")
    exp_sub = exp.add_subparsers(dest="export_kind", metavar="WHAT", required=True)
    p = command(exp_sub, "pep", help="a PEP as a printable document, as your role may see it")
    p.add_argument("child_id", metavar="CHILD", help="internal id, LA child id or UPN")
    p.add_argument("pep_id", nargs="?", help="default: this term's PEP, else the latest")
    p.add_argument("--format", choices=("pdf", "docx"), default="pdf")
    p.add_argument("--out", type=Path, help="the file to write (default: a name from the term and child id)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_export_pep)
    p = command(exp_sub, "blank", help="a blank PEP form for a stage, for offline use")
    p.add_argument("--stage", required=True, help="stage id, e.g. early_years, ks1, ks2, ks3, ks4, post16")
    p.add_argument("--format", choices=("pdf", "docx"), default="pdf")
    p.add_argument("--out", type=Path, help="the file to write (default: blank-pep-STAGE.FORMAT)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_export_blank)
    p = command(exp_sub, "data", help="the cohort and PEP data for analysts (permission-checked)")
    p.add_argument("--format", choices=("csv", "json"), required=True)
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder to write into")
    p.add_argument("--force", action="store_true", help="replace files already in the folder")
    p.set_defaults(func=cmd_export_data)


# --- helpers -----------------------------------------------------------------------------------


class _Progress:
    """A one-line text progress indicator on stderr, shown only when stderr is a terminal."""

    def __init__(self) -> None:
        self.active = sys.stderr.isatty()
        self.shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.active or total < 1000:
            return
        width = 30
        filled = int(width * done / total) if total else width
        progress(f"{phase:<9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            progress(" " * 60)
            progress("")


def _session(args: argparse.Namespace):
    """The services and the signed-in principal.

    In a training sandbox (fictional data) the sandbox's date is "today" and ``--login``/``--role``
    choose any sample login, as in ``pep-tui demo`` (the fictional Virtual School Head by default).
    """
    opened = open_from_args(args)
    if opened.services.store.kind == "training":
        from pep_tui.training import DEFAULT_TRAINING_LOGIN, open_sandbox

        opened = open_sandbox(opened.settings.data_dir)
        login = getattr(args, "login", None) or DEFAULT_TRAINING_LOGIN
        return opened.services, opened.services.principal_for(login, getattr(args, "role", None))
    return opened.services, principal_from_args(opened, args)


def _run_import(args: argparse.Namespace, kind: str) -> int:
    from pep_tui.cli import UserError
    from pep_tui.services.csv_input import ImportFileError

    services, principal = _session(args)
    progress = _Progress()
    run = services.imports.cohort if kind == "cohort" else services.imports.attendance
    try:
        result = run(principal, args.file, dry_run=args.dry_run, skip_rejected=args.skip_rejected,
                     encoding=args.encoding, progress=progress)
    except ImportFileError as exc:
        raise UserError(str(exc)) from None
    finally:
        progress.finish()
    say("\n".join(result.lines()))
    if result.failed is not None:  # children saved before the failure stay saved; the rest were not tried
        return PARTIAL if result.saved else DIFFERENCES
    return DIFFERENCES if result.rejected or result.blocked or getattr(result, "cannot_add", None) else OK


# --- handlers ----------------------------------------------------------------------------------


def cmd_compliance(args: argparse.Namespace) -> int:
    """Print the compliance dashboard."""
    from pep_tui.services.due_dates import calendar_warnings
    from pep_tui.services.report_render import csv_text, text_report

    services, principal = _session(args)
    report = services.reports.compliance(principal)
    for warning in calendar_warnings(services.ctx.settings.policy, services.ctx.today()):
        error(f"warning: {warning}")
    say(csv_text(report) if args.csv else text_report(report) + "\n", end="")
    return finish(services.store)


def cmd_import_cohort(args: argparse.Namespace) -> int:
    """Import children from CSV."""
    return _run_import(args, "cohort")


def cmd_import_attendance(args: argparse.Namespace) -> int:
    """Import attendance from CSV."""
    return _run_import(args, "attendance")


def cmd_reconcile_903(args: argparse.Namespace) -> int:
    """Compare the cohort with an SSDA903 extract; exit 1 when they differ."""
    from pep_tui.cli import UserError
    from pep_tui.services.csv_input import ImportFileError

    services, principal = _session(args)
    try:
        result = services.imports.reconcile_903(principal, args.file, encoding=args.encoding)
    except ImportFileError as exc:
        raise UserError(str(exc)) from None
    say("\n".join(result.lines()))
    return finish(services.store, DIFFERENCES if result.differences or result.problems else OK)


def _refuse_existing(path: Path | None, force: bool, data_dir: Path) -> None:
    """Refuse a ``--out`` the export may not write before exporting, so the audit trail never records
    an export that was not written."""
    from pep_tui.services.exports import write_private_check

    if path is not None:
        write_private_check(path, overwrite=force, data_dir=data_dir)


def cmd_export_pep(args: argparse.Namespace) -> int:
    """Write one PEP as PDF or Word."""
    from pep_tui.services.exports import write_private

    services, principal = _session(args)
    data_dir = services.ctx.settings.data_dir
    _refuse_existing(args.out, args.force, data_dir)
    exported = services.exports.pep(principal, services.children.resolve(principal, args.child_id), args.pep_id, args.format)
    path = write_private(args.out or Path(exported.filename), exported.content, overwrite=args.force, data_dir=data_dir)
    say(f"Wrote {path} ({len(exported.content) // 1024 or 1} KB). It holds personal data: keep it secure.")
    return OK


def cmd_export_blank(args: argparse.Namespace) -> int:
    """Write a blank PEP form for a stage."""
    from pep_tui.services.exports import write_private

    services, principal = _session(args)
    data_dir = services.ctx.settings.data_dir
    _refuse_existing(args.out, args.force, data_dir)
    exported = services.exports.blank(principal, args.stage, args.format)
    path = write_private(args.out or Path(exported.filename), exported.content, overwrite=args.force, data_dir=data_dir)
    say(f"Wrote {path}.")
    return OK


def cmd_export_data(args: argparse.Namespace) -> int:
    """Write the cohort and PEP data as CSV or JSON."""
    services, principal = _session(args)
    progress = _Progress()
    try:
        paths = services.exports.data(principal, args.format, args.out, overwrite=args.force, progress=progress)
    finally:
        progress.finish()
    say("Wrote " + ", ".join(str(p) for p in paths) + ". They hold personal data: keep them secure.")
    return finish(services.store)
