"""``pep-tui pupil-premium`` (alias ``pp``): the PP+ queue, decisions, payments, base payments, the
ledger (as a table or CSV) and the grant count with a reason per child. Registered through
``register_cli_commands``, so it exists when the Pupil Premium Plus plugin is installed."""

from __future__ import annotations

import argparse
from datetime import date

from pep_tui.cli.common import command, open_from_args, principal_from_args, table
from pep_tui.cli.exit_codes import OK
from pep_tui.cli.output import say
from pep_tui.cli.partial import finish
from pep_tui.domain.text import show_control


def configure(pp: argparse.ArgumentParser) -> None:
    """Add the subcommands of ``pupil-premium`` to its parser (see :class:`~pep_tui.plugins.api.CliCommand`)."""
    psub = pp.add_subparsers(dest="pp_command", metavar="ACTION", required=True)

    p = command(psub, "queue", help="requests awaiting a Virtual School decision")
    p.set_defaults(func=cmd_queue)

    p = command(psub, "decide", help="approve, part-approve, decline or refer a request")
    p.add_argument("child_id", metavar="CHILD", help="internal id, LA child id or UPN")
    p.add_argument("pep_id")
    p.add_argument("request_id")
    p.add_argument("decision", choices=["approve", "part_approve", "decline", "refer"])
    p.add_argument("--amount", help="pounds approved (part-approve), e.g. 400 or £250.50")
    p.add_argument("--reason", default="", help="why (required to part-approve or decline)")
    p.set_defaults(func=cmd_decide)

    p = command(psub, "pay", help="record a payment against an approved request")
    p.add_argument("child_id", metavar="CHILD", help="internal id, LA child id or UPN")
    p.add_argument("pep_id")
    p.add_argument("request_id")
    p.add_argument("--amount", required=True, help="pounds paid, e.g. 400")
    p.add_argument("--on", required=True, type=date.fromisoformat, help="payment date, YYYY-MM-DD")
    p.add_argument("--reference", default="", help="invoice or payment reference")
    p.set_defaults(func=cmd_pay)

    p = command(psub, "release-base", help="release the termly base payment for PEPs approved at the QA threshold")
    p.add_argument("term", help="e.g. spring-2025-26")
    p.set_defaults(func=cmd_release)

    p = command(psub, "ledger", help="the ledger of a financial or academic year")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--fy", help="financial year, e.g. 2025-26 (default: this one)")
    when.add_argument("--ay", help="academic year, e.g. 2025-26")
    p.add_argument("--by", choices=["school", "child"], default="school")
    p.add_argument("--csv", metavar="FILE", help="write the ledger as CSV ('-' for standard output)")
    p.add_argument("--force", action="store_true", help="replace an existing --csv file")
    p.set_defaults(func=cmd_ledger)

    p = command(psub, "count", help="who the grant counts, child by child, and why (the DfE rule by default)")
    p.add_argument("--fy", help="financial year of the grant, e.g. 2025-26 (default: this one)")
    p.add_argument("--only", choices=["counted", "not-counted"], help="list only these children")
    p.set_defaults(func=cmd_count)


def _open(args: argparse.Namespace):
    """The PP+ service and the signed-in principal.

    In a training sandbox (fictional data) the sandbox's date is "today" and ``--login``/``--role``
    choose any sample login (the fictional Virtual School Head by default), as in ``pep-tui demo`` and
    ``pep-tui report``; a live store takes the OS login (``--login`` only where the operator trusts it).
    """
    from pep_tui.cli import UserError

    opened = open_from_args(args)
    services = opened.services
    if services.store.kind == "training":
        from pep_tui.services import Services
        from pep_tui.training import DEFAULT_TRAINING_LOGIN
        from pep_tui.training.sandbox import sandbox_clock

        # The same store and plugins, on the sandbox's clock (not opened twice: that costs a plugin load).
        services = Services(services.store, services.registry, opened.settings, sandbox_clock)
        principal = services.principal_for(getattr(args, "login", None) or DEFAULT_TRAINING_LOGIN,
                                           getattr(args, "role", None))
    else:
        principal = principal_from_args(opened, args)
    try:
        from pep_tui_plugins.pupil_premium.service import pupil_premium
    except ImportError:
        raise UserError("the Pupil Premium Plus plugin is not installed") from None
    if "pupil_premium.requests" not in services.registry.sections:
        raise UserError("the Pupil Premium Plus plugin is not loaded (see 'pep-tui plugins')")
    return pupil_premium(services), principal


def _plain(value: object) -> str:
    """Text from the records, safe for a terminal: control characters shown as ``\\xNN``, one line."""
    return show_control("" if value is None else str(value), one_line=True)


def _pence(text: str) -> int:
    from pep_tui.cli import UserError
    from pep_tui_plugins.pupil_premium.money import parse_pounds

    try:
        return parse_pounds(text)
    except ValueError as exc:
        raise UserError(f"--amount: {exc}") from None


def cmd_queue(args: argparse.Namespace) -> int:
    from pep_tui_plugins.pupil_premium.money import format_pence

    pp, principal = _open(args)
    rows = [[v.child_id, v.pep_id, _plain(v.request.id), _plain(v.child_name), v.term, format_pence(v.requested_pence),
             v.status.label, _plain(v.request.intervention[:40])] for v in pp.queue(principal)]
    say(table(rows, ["child", "pep", "request", "name", "term", "asked", "status", "intervention"]))
    return finish(pp.ctx.store)


def cmd_decide(args: argparse.Namespace) -> int:
    pp, principal = _open(args)
    amount = _pence(args.amount) if args.amount else None
    decision = pp.decide(principal, pp.services.children.resolve(principal, args.child_id), args.pep_id, args.request_id, args.decision,
                         amount_pence=amount, reason=args.reason)
    say(f"Request {_plain(args.request_id)}: {decision.status.label.lower()}.")
    return OK


def cmd_pay(args: argparse.Namespace) -> int:
    from pep_tui_plugins.pupil_premium.money import format_pence

    pp, principal = _open(args)
    payment = pp.record_payment(principal, pp.services.children.resolve(principal, args.child_id), args.pep_id, args.request_id, args.on, _pence(args.amount),
                                args.reference)
    say(f"Recorded {format_pence(payment.amount_pence)} paid on {payment.on:%d %b %Y}.")
    return OK


def cmd_release(args: argparse.Namespace) -> int:
    from pep_tui.cli import UserError
    from pep_tui.domain import Term, TermRef
    from pep_tui_plugins.pupil_premium.money import format_pence, parse_year_label

    pp, principal = _open(args)
    try:
        term_name, year = args.term.split("-", 1)
        term = TermRef(parse_year_label(year), Term(term_name.lower()))
    except ValueError:
        raise UserError(f"term {args.term!r} should look like spring-2025-26") from None
    result = pp.release_base_payments(principal, term)
    say(f"Released {len(result.released)} base payment(s), {format_pence(result.total_pence)}; "
        f"{len(result.not_released)} not released.")
    for _child_id, name, reason in result.not_released:
        say(f"  {_plain(name)}: {_plain(reason)}")
    return finish(pp.ctx.store)


def cmd_ledger(args: argparse.Namespace) -> int:
    from pep_tui_plugins.pupil_premium.money import Period, format_pence

    pp, principal = _open(args)
    if args.ay:
        period = Period.academic(args.ay)
    elif args.fy:
        period = Period.financial(args.fy)
    else:
        period = Period.containing("fy", pp.ctx.today())
    if args.csv:
        text = pp.budget.ledger_csv(principal, period)
        if args.csv == "-":
            say(text, end="")
        else:
            from pep_tui.services.exports import write_private

            path = write_private(args.csv, text.encode(), overwrite=args.force, data_dir=pp.ctx.settings.data_dir)
            say(f"Wrote {path}. It holds personal data: keep it secure.")
        return finish(pp.ctx.store)
    ledger = pp.budget.ledger(principal, period)
    say(f"{period.title} ({period.start:%d %b %Y} to {period.end:%d %b %Y})")
    for label, pence in [("grant", ledger.grant_pence), ("top-slice", ledger.top_slice_pence),
                         ("allocated", ledger.allocated_pence), ("unallocated", ledger.unallocated_pence),
                         ("paid", ledger.paid_pence), ("central spending", ledger.central_paid_pence),
                         ("committed", ledger.committed_pence), ("not paid out by year end", ledger.held_centrally_pence)]:
        say(f"  {label:<26}{format_pence(pence):>16}")
    for warning in ledger.warnings:
        say(f"  warning: {_plain(warning)}")
    rows = ledger.per_child if args.by == "child" else ledger.per_school
    say(table([[_plain(r.name), format_pence(r.allocated_pence), format_pence(r.paid_pence), format_pence(r.committed_pence)]
               for r in rows], [args.by, "allocated", "paid", "committed"]))
    return finish(pp.ctx.store)


def cmd_count(args: argparse.Namespace) -> int:
    """List every child in scope: counted for the grant or not, and why."""
    from pep_tui_plugins.pupil_premium.money import Period

    pp, principal = _open(args)
    year = args.fy or Period.containing("fy", pp.ctx.today()).label
    result = pp.budget.grant_count(principal, year)
    say(f"PP+ grant {result.financial_year}: {result.counted} of {len(result.rows)} children counted.")
    say(f"Rule: {result.rule}.")
    if result.set_by_hand is not None:
        say(f"warning: the budget year sets the count by hand to {result.set_by_hand}; the grant uses that figure.")
    rows = [r for r in result.rows
            if args.only is None or r.counted == (args.only == "counted")]
    say(table([[r.child_id, _plain(r.name), f"{r.date_of_birth:%d/%m/%Y}", "yes" if r.counted else "no",
                  _plain(r.reason)] for r in rows], ["child", "name", "born", "counted", "why"]))
    return finish(pp.ctx.store)
