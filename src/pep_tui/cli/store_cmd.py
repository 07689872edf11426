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
from pep_tui.cli.exit_codes import DIFFERENCES, OK, USER_ERROR
from pep_tui.cli.output import say
from pep_tui.cli.partial import finish
from pep_tui.domain.text import show_control


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``pep-tui store`` and its subcommands."""
    store = command(sub, "store", help="check, back up, restore or reindex the data folder (operators)")
    store.set_defaults(func=lambda args: (store.print_help(), 0)[1])
    actions = store.add_subparsers(dest="store_command", metavar="ACTION")

    p = command(actions, "check", help="read every file and report problems (exit 1 if any)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--repair", action="store_true",
                   help="also make the repairs that lose nothing (remove temp files of killed writes, rebuild "
                        "a stale index, tighten permissions), listing each")
    p.set_defaults(func=cmd_check)

    p = command(actions, "backup", help="take a snapshot now and keep the newest backups_kept")
    p.set_defaults(func=cmd_backup)

    p = command(actions, "list", help="list the snapshots in backups/")
    p.set_defaults(func=cmd_list)

    p = command(actions, "restore", help="put the data back to a snapshot (the current data is kept as one), "
                                          "or just one child with --child")
    p.add_argument("snapshot", nargs="?", help="the snapshot's name, from 'pep-tui store list'")
    p.add_argument("--child", metavar="CHILD_ID",
                   help="restore only this child (e.g. a file that cannot be read); everyone else is left as is "
                        "and the current file is kept beside it as evidence")
    p.add_argument("--snapshot", dest="snapshot_option", metavar="NAME",
                   help="with --child: the snapshot to take the child from (default: the newest one holding a "
                        "readable copy)")
    p.add_argument("--resume", action="store_true", help="finish a restore that was interrupted")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_restore)

    p = command(actions, "reindex", help="rebuild the index of summaries from the child files")
    p.set_defaults(func=cmd_reindex)

    from pep_tui.cli.retention_cmd import add_store_actions

    add_store_actions(actions)


def _settings(args: argparse.Namespace):
    from pep_tui.settings import load_settings

    return load_settings(getattr(args, "data_dir", None))


def _operator(args: argparse.Namespace, settings=None) -> str:
    """Who runs an operator command, for the audit trail: the OS account (or the trusted ``--login``)."""
    from pep_tui.services.identity import resolve_login

    return resolve_login(settings or _settings(args), getattr(args, "login", None))


def cmd_check(args: argparse.Namespace) -> int:
    """Check the store; exit 1 when there are problems."""
    from pep_tui.cli.common import open_from_args
    from pep_tui.services.due_dates import calendar_warnings
    from pep_tui.store.check import check_store

    opened = open_from_args(args)
    report = check_store(opened.services.store, repair=args.repair)
    # Not a problem with the files, but a reason the due dates computed from them may be wrong.
    report.warnings += calendar_warnings(opened.settings.policy, opened.services.ctx.today())
    if args.json:
        print_json({"ok": report.ok, "problems": report.problems, "warnings": report.warnings,
                    "children": report.children, "peps": report.peps, "events": report.events,
                    "repaired": report.repaired, "unreadable": report.unreadable,
                    "leftover_temp_files": report.leftovers, "fixed": report.fixed,
                    "log": _log_json(opened.settings.data_dir)})
    else:
        say(f"{opened.settings.data_dir}: {report.children} children, {report.peps} PEPs, "
            f"{report.events} audit events")
        say(_log_line(opened.settings.data_dir))
        if report.repaired:
            say(f"finished {len(report.repaired)} change(s) interrupted by a crash")
        for done in report.fixed:
            say(f"repaired: {done}")
        for problem in report.problems:
            say(f"PROBLEM: {problem}")
        for warning in report.warnings:
            say(f"warning: {warning}")
        say("store check: OK" if report.ok else f"store check: {len(report.problems)} problem(s)")
    return OK if report.ok else DIFFERENCES


def _log_line(data_dir: Path) -> str:
    """The operator's log: its size and the last incident (see docs/operations.md, "The log")."""
    from pep_tui.incidents import log_summary

    return log_summary(data_dir).line()


def _log_json(data_dir: Path) -> dict:
    from pep_tui.incidents import log_summary

    found = log_summary(data_dir)
    return {"file": str(found.folder / "pep-tui.log"), "size_bytes": found.size_bytes, "files": found.files,
            "last_incident": found.last_incident, "last_incident_at": found.last_incident_at}


def cmd_backup(args: argparse.Namespace) -> int:
    """Snapshot the store (after checking it opens) and rotate old snapshots."""
    from pep_tui.cli.common import open_from_args
    from pep_tui.store.backup import backup

    opened = open_from_args(args)
    opened.services.store.repair_pending()
    snap = backup(opened.settings.data_dir, opened.settings.backups_kept, _operator(args, opened.settings))
    say(f"snapshot {snap.name}: {snap.manifest['children']} children; keeping the newest "
        f"{opened.settings.backups_kept} (backups_kept)")
    return OK


def cmd_list(args: argparse.Namespace) -> int:
    """List complete snapshots, newest last."""
    from pep_tui.store.backup import list_snapshots

    settings = _settings(args)
    snaps = list_snapshots(settings.data_dir)
    if not snaps:
        say(f"no snapshots in {settings.data_dir / 'backups'}; take one with 'pep-tui store backup'")
        return OK
    rows = [[s.name, s.label, str(s.manifest.get("children", "?")), "yes" if s.healthy else "unchecked"]
            for s in snaps]
    say(table(rows, ["snapshot", "why", "children", "from a healthy store"]))
    return OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a snapshot after confirmation; the current data becomes a ``before-restore`` snapshot."""
    from pep_tui.cli import UserError
    from pep_tui.store.backup import restore

    if args.child:
        return _restore_child(args)
    if args.snapshot_option:
        raise UserError("--snapshot goes with --child; to restore the whole store name the snapshot alone")
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
            say("nothing was changed: the name typed was not the snapshot's")
            return USER_ERROR
    result = restore(root, args.snapshot, _operator(args, settings), resume=args.resume)
    say(f"restored {result.restored.name}; the data from before is kept as snapshot {result.before}")
    return OK


def _restore_child(args: argparse.Namespace) -> int:
    """``store restore --child ID``: one child back from a snapshot, nobody else touched."""
    from pep_tui.cli import UserError
    from pep_tui.cli.common import open_from_args
    from pep_tui.store import NotFound, StoreCorrupt
    from pep_tui.store.child_restore import restore_child

    if args.resume:
        raise UserError("--resume finishes an interrupted restore of the whole store; it does not go with --child")
    if args.snapshot and args.snapshot_option and args.snapshot != args.snapshot_option:
        raise UserError("name the snapshot once (--snapshot NAME)")
    opened = open_from_args(args)
    store = opened.services.store
    try:
        store.child_path(args.child)
    except NotFound:
        raise UserError(f"--child: {show_control(args.child, one_line=True)!r} is not a child id") from None
    readable = False
    if store.child_exists(args.child):
        try:
            store.load_child(args.child)
            readable = True
        except StoreCorrupt:
            pass
    if readable and not args.yes:
        if not sys.stdin.isatty():
            raise UserError(f"child {args.child}'s file reads correctly: restoring it undoes every change to that "
                            f"child since the snapshot; add --yes to confirm (the current file is kept as evidence)")
        answer = input(f"Child {args.child}'s file reads correctly. Undo every change to this child since the "
                       f"snapshot? Type the child id to confirm: ")
        if answer.strip() != args.child:
            say("nothing was changed")
            return USER_ERROR
    result = restore_child(store, args.child, args.snapshot_option or args.snapshot, _operator(args))
    kept = f"; the file it replaced is kept as {result.evidence.relative_to(store.root)}" if result.evidence else ""
    say(f"restored child {result.child_id} ({result.peps} PEP(s)) from snapshot {result.snapshot} as revision "
        f"{result.revision}{kept}. Changes to this child since the snapshot are in its audit trail "
        f"('pep-tui audit {result.child_id}') but not in the record: re-enter them.")
    return OK


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
    say(f"index rebuilt: {count} children")
    return finish(store)
