"""``pep-tui store …``: check, back up, list snapshots, restore and reindex a data folder.

These are operator commands: run them as the account that owns the data folder (in a multi-user
deployment, the service account; see docs/operations.md). They print file names, counts and staff
logins, never a child's personal data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pep_tui.cli.common import command, print_json, table


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``pep-tui store`` and its subcommands."""
    store = command(sub, "store", help="check, back up, restore or reindex the data folder (operators)")
    store.set_defaults(func=lambda args: (store.print_help(), 0)[1])
    actions = store.add_subparsers(dest="store_command", metavar="ACTION")

    p = command(actions, "check", help="read every file and report problems (exit 1 if any)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_check)

    p = command(actions, "backup", help="take a snapshot now and keep the newest backups_kept")
    p.set_defaults(func=cmd_backup)

    p = command(actions, "list", help="list the snapshots in backups/")
    p.set_defaults(func=cmd_list)

    p = command(actions, "restore", help="put the data back to a snapshot (the current data is kept as one)")
    p.add_argument("snapshot", nargs="?", help="the snapshot's name, from 'pep-tui store list'")
    p.add_argument("--resume", action="store_true", help="finish a restore that was interrupted")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_restore)

    p = command(actions, "reindex", help="rebuild the index of summaries from the child files")
    p.set_defaults(func=cmd_reindex)


def _settings(args: argparse.Namespace):
    from pep_tui.settings import load_settings

    return load_settings(getattr(args, "data_dir", None))


def _operator() -> str:
    from pep_tui.services.identity import os_login

    return os_login()


def cmd_check(args: argparse.Namespace) -> int:
    """Check the store; exit 1 when there are problems."""
    from pep_tui.cli.common import open_from_args
    from pep_tui.services.due_dates import calendar_warnings
    from pep_tui.store.check import check_store

    opened = open_from_args(args)
    report = check_store(opened.services.store)
    # Not a problem with the files, but a reason the due dates computed from them may be wrong.
    report.warnings += calendar_warnings(opened.settings.policy, opened.services.ctx.today())
    if args.json:
        print_json({"ok": report.ok, "problems": report.problems, "warnings": report.warnings,
                    "children": report.children, "peps": report.peps, "events": report.events,
                    "repaired": report.repaired})
    else:
        print(f"{opened.settings.data_dir}: {report.children} children, {report.peps} PEPs, "
              f"{report.events} audit events")
        if report.repaired:
            print(f"finished {len(report.repaired)} change(s) interrupted by a crash")
        for problem in report.problems:
            print(f"PROBLEM: {problem}")
        for warning in report.warnings:
            print(f"warning: {warning}")
        print("store check: OK" if report.ok else f"store check: {len(report.problems)} problem(s)")
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    """Snapshot the store (after checking it opens) and rotate old snapshots."""
    from pep_tui.cli.common import open_from_args
    from pep_tui.store.backup import backup

    opened = open_from_args(args)
    opened.services.store.repair_pending()
    snap = backup(opened.settings.data_dir, opened.settings.backups_kept, _operator())
    print(f"snapshot {snap.name}: {snap.manifest['children']} children; keeping the newest "
          f"{opened.settings.backups_kept} (backups_kept)")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List complete snapshots, newest last."""
    from pep_tui.store.backup import list_snapshots

    settings = _settings(args)
    snaps = list_snapshots(settings.data_dir)
    if not snaps:
        print(f"no snapshots in {settings.data_dir / 'backups'}; take one with 'pep-tui store backup'")
        return 0
    rows = [[s.name, s.label, str(s.manifest.get("children", "?")), "yes" if s.healthy else "unchecked"]
            for s in snaps]
    print(table(rows, ["snapshot", "why", "children", "from a healthy store"]))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a snapshot after confirmation; the current data becomes a ``before-restore`` snapshot."""
    from pep_tui.cli import UserError
    from pep_tui.store.backup import restore

    settings = _settings(args)
    root: Path = settings.data_dir
    if not args.resume and not args.snapshot:
        raise UserError("name the snapshot to restore (see 'pep-tui store list'), or use --resume")
    if not args.yes and not args.resume:
        if not sys.stdin.isatty():
            raise UserError("restore replaces the data in use; add --yes to confirm (the current data is kept "
                            "as a snapshot)")
        answer = input(f"Replace the data in {root} by snapshot {args.snapshot}? Everyone should be signed out. "
                       f"The current data is kept as a snapshot. Type the snapshot name to confirm: ")
        if answer.strip() != args.snapshot:
            print("nothing was changed")
            return 1
    result = restore(root, args.snapshot, _operator(), resume=args.resume)
    print(f"restored {result.restored.name}; the data from before is kept as snapshot {result.before}")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild the index from the child files (also when the index itself is damaged)."""
    from pep_tui.plugins.manager import load_plugins
    from pep_tui.services import Services
    from pep_tui.store import Store

    settings = _settings(args)
    plugins = load_plugins(strict=settings.strict_plugins or None, disabled=settings.disabled_plugins)
    store = Store.open(settings.data_dir, check_index=False)
    Services(store, plugins.registry(), settings)
    count = store.reindex()
    print(f"index rebuilt: {count} children")
    return 0
