"""``pep-tui children …``: children's records from the command line (operators and scripts).

Every command acts as the signed-in principal through the services, so it sees and changes only what
that login's role may. Wherever a ``CHILD`` is asked for, the internal id, the council's child id
(LA child id) or the UPN will do (:meth:`~pep_tui.services.children.ChildService.resolve`).
Stored text is printed with control characters made visible (``pep_tui.domain.text``).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from pep_tui.cli.common import command, open_from_args, principal_from_args, print_json, table
from pep_tui.cli.exit_codes import DIFFERENCES, OK
from pep_tui.cli.output import say
from pep_tui.domain.care import KIND_LABELS, AllocationKind, LeavingReason, history
from pep_tui.domain.text import show_control

#: What a ``--school``, ``--iro``… value of ``-`` means: nobody / no school from that date.
NONE = "-"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``children`` and its subcommands."""
    children = command(sub, "children", help="list, find, add and allocate children; record moves and leaving care")
    children.set_defaults(func=lambda args: (children.print_help(), 0)[1])
    csub = children.add_subparsers(dest="children_command", metavar="ACTION")

    p = command(csub, "list", help="the children you can see (open records; --include-closed for all)")
    p.add_argument("--json", action="store_true", help="a JSON list for scripts")
    p.add_argument("--include-closed", action="store_true", help="also children who have left care")
    p.set_defaults(func=cmd_list)

    p = command(csub, "find", help="children whose name contains TEXT, or whose id, LA child id or UPN is TEXT")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_find)

    p = command(csub, "show", help="one child's record: facts and allocations with their history")
    p.add_argument("child", metavar="CHILD", help="internal id, LA child id or UPN")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = command(csub, "add", help="add a child (Virtual School; a social worker adds to their own caseload)")
    p.add_argument("--first-name", required=True)
    p.add_argument("--last-name", required=True)
    p.add_argument("--dob", required=True, type=_date, metavar="YYYY-MM-DD", help="date of birth")
    p.add_argument("--upn", help="UPN (13 characters) or UN1-UN5")
    p.add_argument("--la-id", help="the council's child id (SSDA903 CHILD)")
    p.add_argument("--entered-care", type=_date, metavar="YYYY-MM-DD", help="date the current period of care began")
    p.add_argument("--social-worker", metavar="LOGIN", help="allocate a social worker from the start")
    p.set_defaults(func=cmd_add)

    p = command(csub, "edit", help="correct a child's identity and facts")
    p.add_argument("child", metavar="CHILD")
    for flag, help_text in (("--first-name", None), ("--last-name", None), ("--preferred-name", None),
                            ("--upn", "UPN or UN1-UN5"), ("--la-id", "the council's child id"),
                            ("--sex", "1 male, 2 female (SSDA903)"),
                            ("--legal-status", "SSDA903 legal status, e.g. C2, V2"),
                            ("--sen-status", "none, sen_support, ehcp or under_assessment")):
        p.add_argument(flag, help=help_text)
    p.add_argument("--dob", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--entered-care", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--ehcp-review", type=_date, metavar="YYYY-MM-DD", help="next EHCP annual review")
    p.set_defaults(func=cmd_edit)

    p = command(csub, "allocate", help="allocate a social worker, carer(s), IRO, school or placement from a date")
    p.add_argument("child", metavar="CHILD")
    p.add_argument("--social-worker", metavar="LOGIN", help=f"'{NONE}' for none")
    p.add_argument("--carer", dest="carers", action="append", metavar="LOGIN",
                   help=f"a carer (repeat for joint carers; the first is the main carer); '{NONE}' for none")
    p.add_argument("--iro", metavar="LOGIN", help=f"'{NONE}' for none")
    p.add_argument("--school", metavar="URN", help=f"school URN (a change of school is a school move); '{NONE}': off roll")
    p.add_argument("--school-name", help="the new school's name")
    p.add_argument("--designated-teacher", metavar="LOGIN", help="a named designated teacher (besides the school's)")
    p.add_argument("--placement", metavar="TEXT", help="placement type or description")
    p.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD", help="effective date (default today)")
    p.set_defaults(func=cmd_allocate)

    p = command(csub, "move-school", help="record a school move (a new PEP falls due within the policy's working days)")
    p.add_argument("child", metavar="CHILD")
    p.add_argument("urn", metavar="URN", help=f"the new school's URN ('{NONE}': off roll)")
    p.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD", help="the day of the move")
    p.add_argument("--school-name")
    p.add_argument("--designated-teacher", metavar="LOGIN")
    p.set_defaults(func=cmd_move_school)

    p = command(csub, "move-placement", help="record a placement move (new placement and/or carers)")
    p.add_argument("child", metavar="CHILD")
    p.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--placement", metavar="TEXT")
    p.add_argument("--carer", dest="carers", action="append", metavar="LOGIN", help="the new carer(s) (repeatable)")
    p.set_defaults(func=cmd_move_placement)

    for name, verb in (("grant-family", "give"), ("revoke-family", "take away")):
        p = command(csub, name, help=f"{verb} a parent/family login's access (the child's social worker)")
        p.add_argument("child", metavar="CHILD")
        p.add_argument("family_login", metavar="LOGIN")
        p.set_defaults(func=cmd_grant_family if name == "grant-family" else cmd_revoke_family)

    p = command(csub, "close", help="record that a child left care (their PEPs become read-only)")
    p.add_argument("child", metavar="CHILD")
    p.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--reason", required=True, choices=[r.value for r in LeavingReason])
    p.set_defaults(func=cmd_close)

    p = command(csub, "reopen", help="a child comes back into care: a new period starts, the old one is kept")
    p.add_argument("child", metavar="CHILD")
    p.add_argument("--date", required=True, type=_date, metavar="YYYY-MM-DD")
    p.set_defaults(func=cmd_reopen)


# --- reading ----------------------------------------------------------------------------------

def child_json(summary: dict[str, Any]) -> dict[str, Any]:
    """The documented JSON object for a child (from an index summary)."""
    return {
        "id": summary["child_id"],
        "name": summary.get("name"),
        "upn": summary.get("upn"),
        "la_child_id": summary.get("la_child_id"),
        "date_of_birth": summary.get("date_of_birth"),
        "year_group": summary.get("year_group"),
        "school_urn": summary.get("school_urn"),
        "social_worker": summary.get("social_worker"),
        "carers": ([summary["carer"]] if summary.get("carer") else []) + list(summary.get("joint_carers", [])),
        "iro": summary.get("iro"),
        "designated_teacher": summary.get("designated_teacher"),
        "family_access": list(summary.get("family_access", [])),
        "status": summary.get("status", "open"),
    }


def _text(value: Any) -> str:
    return "-" if value in (None, "", []) else show_control(str(value), one_line=True)


def _print_children(summaries: list[dict[str, Any]], as_json: bool) -> None:
    rows = [child_json(s) for s in summaries]
    if as_json:
        print_json(rows)
        return
    say(table([[_text(r["id"]), _text(r["name"]), _text(r["la_child_id"]), _text(r["upn"]),
                  _text(r["year_group"]), _text(r["school_urn"]), _text(r["social_worker"]), r["status"]]
                 for r in rows], ["id", "name", "LA id", "UPN", "year", "school", "social worker", "status"]))
    say(f"{len(rows)} {'child' if len(rows) == 1 else 'children'}.")


def _named_child(args: argparse.Namespace) -> tuple[Any, Any, str]:
    """The services, the signed-in principal and the internal id of the child ``args.child`` names
    (internal id, LA child id or UPN), for the commands that act on one child."""
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    return opened.services, principal, opened.services.children.resolve(principal, args.child)


def cmd_list(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    found = opened.services.children.list(principal, include_closed=args.include_closed)
    found.sort(key=lambda s: (s.get("last_name") or "", s.get("first_name") or "", s["child_id"]))
    _print_children(found, args.json)
    return OK


def cmd_find(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    found = opened.services.children.find(principal, args.text)
    _print_children(found, args.json)
    return OK if found else DIFFERENCES


def cmd_show(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    services = opened.services
    child = services.children.get(principal, services.children.resolve(principal, args.child))
    if args.json:
        print_json(child.model_dump(mode="json", exclude={"import_snapshot"}))
        return OK
    status = (f"left care {child.left_care_on:%Y-%m-%d} ({child.left_care_reason or 'reason not recorded'})"
              if child.left_care_on else "in care")
    facts = [
        ("id", child.id), ("name", f"{child.first_name} {child.last_name}"),
        ("preferred name", child.preferred_name), ("date of birth", child.date_of_birth), ("sex", child.sex),
        ("UPN", child.upn), ("LA child id", child.la_child_id), ("entered care", child.date_entered_care),
        ("status", status), ("legal status", child.legal_status), ("SEN", child.sen_status.value),
        ("EHCP review", child.ehcp_review_date), ("school", f"{child.school_urn or '-'} {child.school_name or ''}"),
        ("placement", child.placement), ("social worker", child.social_worker), ("carers", ", ".join(child.carers)),
        ("IRO", child.iro), ("designated teacher", child.designated_teacher),
        ("family access", ", ".join(child.family_access)),
    ]
    width = max(len(k) for k, _ in facts)
    for key, value in facts:
        say(f"{key.ljust(width)}  {_text(value.value if hasattr(value, 'value') else value)}")
    for period in child.past_care_periods:
        say(f"{'earlier care'.ljust(width)}  {_text(period.start)} to {period.end} ({_text(period.reason)})")
    rows = []
    for kind in AllocationKind:
        for start, until, allocation in history(child, kind):
            rows.append([KIND_LABELS[kind], _text(", ".join(allocation.value) or "(none)"), str(start),
                         str(until) if until else "", "" if allocation.applied else "pending",
                         _text(allocation.recorded_by), allocation.source])
    if rows:
        say("\nAllocations")
        say(table(rows, ["what", "who / which", "from", "until", "", "recorded by", "source"]))
    if child.school_moves:
        say("\nSchool moves")
        say(table([[str(m.on), _text(m.from_urn), _text(m.to_urn)] for m in child.school_moves],
                    ["on", "from", "to"]))
    if child.placement_moves:
        say("\nPlacement moves: " + ", ".join(str(d) for d in child.placement_moves))
    return OK


# --- changing ---------------------------------------------------------------------------------

def cmd_add(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    data: dict[str, Any] = {"first_name": args.first_name, "last_name": args.last_name, "date_of_birth": args.dob}
    for key, value in (("upn", args.upn), ("la_child_id", args.la_id), ("date_entered_care", args.entered_care),
                       ("social_worker", args.social_worker)):
        if value:
            data[key] = value
    if args.social_worker:
        opened.services.care.check_logins({AllocationKind.SOCIAL_WORKER: [args.social_worker]})
    child = opened.services.children.create(principal, data)
    say(f"Added {child.id} ({_text(child.display_name)}).")
    return OK


def cmd_edit(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    services = opened.services
    child = services.children.get(principal, services.children.resolve(principal, args.child))
    names = {"first_name": args.first_name, "last_name": args.last_name, "preferred_name": args.preferred_name,
             "upn": args.upn, "la_child_id": args.la_id, "sex": args.sex, "legal_status": args.legal_status,
             "sen_status": args.sen_status, "date_of_birth": args.dob, "date_entered_care": args.entered_care,
             "ehcp_review_date": args.ehcp_review}
    changes = {k: v for k, v in names.items() if v is not None}
    if not changes:
        from pep_tui.cli import UserError

        raise UserError("nothing to change: give at least one option (see 'pep-tui children edit --help')")
    saved = services.children.update(principal, child.id, changes, child.revision)
    say(f"Saved {saved.id}: {', '.join(sorted(changes))}.")
    return OK


def _none(value: str | None) -> str | None:
    return None if value == NONE else value


def cmd_allocate(args: argparse.Namespace) -> int:
    services, principal, child_id = _named_child(args)
    changes: dict[AllocationKind | str, list[str] | str | None] = {}
    if args.social_worker is not None:
        changes[AllocationKind.SOCIAL_WORKER] = _none(args.social_worker)
    if args.carers is not None:
        changes[AllocationKind.CARERS] = [] if args.carers == [NONE] else args.carers
    if args.iro is not None:
        changes[AllocationKind.IRO] = _none(args.iro)
    if args.school is not None:
        changes[AllocationKind.SCHOOL] = _none(args.school)
    if args.designated_teacher is not None:
        changes[AllocationKind.DESIGNATED_TEACHER] = _none(args.designated_teacher)
    if args.placement is not None:
        changes[AllocationKind.PLACEMENT] = _none(args.placement)
    if not changes:
        from pep_tui.cli import UserError

        raise UserError("nothing to allocate: give --social-worker, --carer, --iro, --school, "
                        "--designated-teacher or --placement")
    before = services.children.get(principal, child_id)
    saved = services.care.allocate(principal, child_id, changes, start=args.start, school_name=args.school_name)
    if saved.revision == before.revision:
        say(f"{saved.id}: nothing changed (already allocated so).")
        return OK
    _report_allocations(before, saved)
    return OK


def _report_allocations(before, saved) -> None:
    added = saved.allocations[len(before.allocations):]
    for allocation in added:
        who = ", ".join(allocation.value) or "(none)"
        when = "from" if allocation.applied else "pending, from"
        say(f"{saved.id}: {KIND_LABELS[allocation.kind].lower()} {_text(who)} {when} {allocation.start}.")
    if len(saved.school_moves) > len(before.school_moves):
        say(f"{saved.id}: school move recorded on {saved.school_moves[-1].on}; a new PEP is due after it.")
    if len(saved.placement_moves) > len(before.placement_moves):
        say(f"{saved.id}: placement move recorded on {saved.placement_moves[-1]}.")


def cmd_move_school(args: argparse.Namespace) -> int:
    services, principal, child_id = _named_child(args)
    before = services.children.get(principal, child_id)
    saved = services.care.move_school(principal, child_id, _none(args.urn), args.date, school_name=args.school_name,
                                      designated_teacher=args.designated_teacher)
    _report_allocations(before, saved)
    return OK


def cmd_move_placement(args: argparse.Namespace) -> int:
    services, principal, child_id = _named_child(args)
    before = services.children.get(principal, child_id)
    saved = services.care.move_placement(principal, child_id, args.date, placement=args.placement, carers=args.carers)
    _report_allocations(before, saved)
    return OK


def cmd_grant_family(args: argparse.Namespace) -> int:
    services, principal, child_id = _named_child(args)
    services.care.grant_family(principal, child_id, args.family_login)
    say(f"{child_id}: family access for {args.family_login}.")
    return OK


def cmd_revoke_family(args: argparse.Namespace) -> int:
    services, principal, child_id = _named_child(args)
    services.care.revoke_family(principal, child_id, args.family_login)
    say(f"{child_id}: family access for {args.family_login} ended.")
    return OK


def cmd_close(args: argparse.Namespace) -> int:
    services, principal, child_id = _named_child(args)
    services.care.close(principal, child_id, args.date, args.reason)
    say(f"{child_id}: left care on {args.date} ({args.reason}); the record and PEPs are read-only.")
    return OK


def cmd_reopen(args: argparse.Namespace) -> int:
    services, principal, child_id = _named_child(args)
    services.care.reopen(principal, child_id, args.date)
    say(f"{child_id}: back in care from {args.date}; the earlier period is kept.")
    return OK
