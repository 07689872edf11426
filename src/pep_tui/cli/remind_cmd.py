"""``pep-tui remind``: email each member of staff what needs them, and send PEP meeting invitations.

Run daily by cron or a systemd timer as the account that owns the data folder (see
docs/operations.md). Each digest and invitation is sent once (the store keeps a sent-log); a send
that fails is reported and retried on the next run, and the command then exits with
:data:`~pep_tui.cli.exit_codes.PARTIAL`. In a training sandbox the messages are written to the
sandbox's ``outbox/`` folder instead, and nothing is sent.
"""

from __future__ import annotations

import argparse

from pep_tui.cli import exit_codes
from pep_tui.cli.output import say


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``remind``."""
    p = sub.add_parser(
        "remind", help="email each member of staff what needs them, and send PEP meeting invitations",
        description="Send the 'needs you' digests (daily or weekly, as each person chose) and the PEP meeting "
                    "invitations that are due, each once. Run it daily from cron or a systemd timer.",
    )
    p.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help="the data folder (default: PEP_TUI_DATA_DIR or your user data folder)")
    p.add_argument("--dry-run", action="store_true", help="say what would be sent; send and record nothing")
    p.add_argument("--login", dest="only_login", metavar="LOGIN", default=None,
                   help="only this member of staff's digest and the invitations to their address")
    p.set_defaults(func=cmd_remind)


def cmd_remind(args: argparse.Namespace) -> int:
    """Run the reminders once; exit 3 (partial) when some sends failed."""
    from pep_tui.cli.common import open_from_args
    from pep_tui.services.mailer import MailSetupError
    from pep_tui.settings import SettingsError

    opened = open_from_args(args)
    if opened.services.store.kind == "training":
        # A sandbox lives on its own date (the one the fictional cohort is set on), as in the app.
        from pep_tui.bootstrap import open_services
        from pep_tui.training.sandbox import sandbox_clock

        opened = open_services(opened.settings.data_dir, expect_kind="training", clock=sandbox_clock)
    try:
        report = opened.services.reminders.run(dry_run=args.dry_run, only_login=args.only_login)
    except MailSetupError as exc:
        raise SettingsError(str(exc)) from None
    for line in report.sent:
        say(line)
    if report.folder is not None:
        say(f"Training sandbox: nothing was sent; {len([s for s in report.sent])} message(s) written to "
              f"{report.folder}")
    for line in report.failed:
        say(f"FAILED {line}")
    verb = "would send" if report.dry_run else "sent"
    say(f"remind: {verb} {len(report.sent)}, failed {len(report.failed)}, already sent {len(report.skipped)}"
          + ("; failed sends are retried on the next run" if report.failed else ""))
    return exit_codes.PARTIAL if report.partial else exit_codes.OK
