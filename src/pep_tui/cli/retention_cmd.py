"""``pep-tui store retention`` and ``pep-tui store delete-child``: records past their retention period.

Operator commands, like the other ``store`` actions: they print internal ids and dates, never a
child's personal data. Nothing is deleted automatically; deleting needs the child named, the record
past retention, an export file to write first and (without a terminal) ``--yes``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pep_tui.cli.common import command, open_from_args, print_json, table
from pep_tui.cli.exit_codes import DIFFERENCES, OK
from pep_tui.cli.output import say


def add_store_actions(actions: argparse._SubParsersAction) -> None:
    """Register the retention actions under ``pep-tui store``."""
    p = command(actions, "retention", help="list closed records past the retention period (deletes nothing)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_retention)

    p = command(actions, "delete-child", help="delete one record past retention, after writing an export of it")
    p.add_argument("child", metavar="CHILD", help="internal id, LA child id or UPN")
    p.add_argument("--export", dest="export_to", type=Path, metavar="FILE",
                   help="a new file to write the child's complete record to first (required)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_delete_child)


def cmd_retention(args: argparse.Namespace) -> int:
    """List the records past retention."""
    from pep_tui.services.retention import past_retention

    opened = open_from_args(args)
    years = opened.settings.retention.years_after_leaving_care
    found = past_retention(opened.services.store, years, opened.services.ctx.today())
    if args.json:
        print_json([{"id": p.child_id, "left_care_on": p.left_care_on.isoformat(),
                     "past_retention_since": p.due_since.isoformat()} for p in found])
        return OK
    say(f"Retention: {years} years after leaving care ([retention] years_after_leaving_care).")
    if not found:
        say("No record is past it.")
        return OK
    say(table([[p.child_id, p.left_care_on.isoformat(), p.due_since.isoformat()] for p in found],
                ["child", "left care", "past retention since"]))
    say(f"{len(found)} record(s). Nothing is deleted automatically: see 'pep-tui store delete-child --help'.")
    return OK


def cmd_delete_child(args: argparse.Namespace) -> int:
    """Delete one record past retention, writing its export first."""
    from pep_tui.cli import UserError
    from pep_tui.services.child_lookup import resolve_summary
    from pep_tui.services.identity import os_login
    from pep_tui.services.retention import past_retention
    from pep_tui.store.retention import delete_child

    if args.export_to is None:
        raise UserError("delete-child writes the child's complete record to a file first: give --export FILE")
    opened = open_from_args(args)
    store = opened.services.store
    child_id = resolve_summary(store.summaries().values(), args.child)["child_id"]
    years = opened.settings.retention.years_after_leaving_care
    due = {p.child_id: p for p in past_retention(store, years, opened.services.ctx.today())}
    if child_id not in due:
        raise UserError(f"{child_id} is not past the retention period ({years} years after leaving care); "
                        f"nothing was deleted")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UserError("deleting is final; add --yes to confirm")
        answer = input(f"Delete every record of {child_id} after writing it to {args.export_to}? "
                       f"Type the child id to confirm: ")
        if answer.strip() != child_id:
            say("nothing was changed")
            return DIFFERENCES
    path = delete_child(store, child_id, args.export_to, os_login())
    say(f"Wrote {path} (it holds personal data: keep it secure or destroy it as your policy says), "
          f"then deleted {child_id}.")
    return OK
