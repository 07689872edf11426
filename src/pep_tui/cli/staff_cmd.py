"""``pep-tui staff add|list|edit|disable|enable``: map OS logins to roles and scopes, contact details and
reminder settings (Virtual School administrators only; every change is audited under the administrator's
login). ``staff set`` is another name for ``staff edit``."""

from __future__ import annotations

import argparse

from pep_tui.cli.common import command, open_from_args, principal_from_args, print_json, table
from pep_tui.cli.exit_codes import OK
from pep_tui.cli.output import cell, say


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``staff`` and its subcommands."""
    staff = command(sub, "staff", help="manage staff records (Virtual School administrators only)")
    ssub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)

    p = command(ssub, "add", help="add a staff record")
    p.add_argument("staff_login", metavar="LOGIN")
    p.add_argument("--name", required=True, help="display name")
    p.add_argument("--as", dest="roles", action="append", required=True, metavar="ROLE", help="a role id for the new record (repeatable)")
    p.add_argument("--school", dest="schools", action="append", default=[], help="school URN (designated teachers)")
    p.add_argument("--child", dest="children", action="append", default=[],
                   help="a child (delegates, young people): internal id, LA child id or UPN")
    p.add_argument("--admin", action="store_true", help="may manage staff records")
    p.add_argument("--email", help="where reminders and meeting invitations go")
    p.add_argument("--manager", metavar="LOGIN", help="their manager's login (hears of long-overdue items)")
    p.set_defaults(func=cmd_add)

    p = command(ssub, "edit", aliases=["set"],
                help="change a staff record's name, e-mail, manager, digest, roles or scope",
                description="Change a staff record. Only what is given changes; --as, --school, --child and "
                            "--section replace the whole list (give each value again, once per option).")
    p.add_argument("staff_login", metavar="LOGIN")
    p.add_argument("--name", help="display name")
    p.add_argument("--email", help="e-mail address ('' removes it)")
    p.add_argument("--as", dest="roles", action="append", metavar="ROLE", help="role id (repeatable; replaces the roles)")
    p.add_argument("--school", dest="schools", action="append", metavar="URN",
                   help="school URN (repeatable; replaces the schools)")
    p.add_argument("--no-schools", action="store_true", help="remove every school")
    p.add_argument("--child", dest="children", action="append", metavar="CHILD_ID",
                   help="child id (repeatable; replaces the children)")
    p.add_argument("--no-children", action="store_true", help="remove every child")
    p.add_argument("--section", dest="sections", action="append", metavar="SECTION_ID",
                   help="section id a delegate may edit (repeatable; replaces the sections)")
    p.add_argument("--all-sections", action="store_true", help="a delegate may edit all of the role's sections")
    p.add_argument("--admin", action=argparse.BooleanOptionalAction, default=None,
                   help="may (or, with --no-admin, may no longer) manage staff records")
    p.add_argument("--manager", metavar="MANAGER", help="their manager's login ('' removes it)")
    p.add_argument("--digest", choices=["daily", "weekly", "none"], help="how often the reminder digest is emailed")
    p.set_defaults(func=cmd_edit)

    p = command(ssub, "list", help="list staff records")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = command(ssub, "disable", help="stop a login signing in (the record is kept for the audit trail)")
    p.add_argument("staff_login", metavar="LOGIN")
    p.set_defaults(func=cmd_disable)

    p = command(ssub, "enable", help="let a disabled login sign in again, with its roles and scope")
    p.add_argument("staff_login", metavar="LOGIN")
    p.set_defaults(func=cmd_enable)


def cmd_add(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    member = opened.services.staff.add(
        principal,
        {
            "login": args.staff_login,
            "display_name": args.name,
            "roles": args.roles,
            "scope": {"school_urns": args.schools,
                      "child_ids": [opened.services.children.resolve(principal, c) for c in args.children]},
            "admin": args.admin,
            **({"email": args.email} if args.email else {}),
            **({"manager": args.manager} if args.manager else {}),
        },
    )
    say(f"Added {member.login} ({', '.join(member.roles)}).")
    return OK


def cmd_list(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    members = opened.services.staff.list(principal)
    if args.json:
        print_json([m.model_dump(mode="json") for m in members])
        return OK
    rows = [[m.login, m.display_name, ", ".join(m.roles), ", ".join(m.scope.school_urns) or "-",
             "yes" if m.admin else "", "active" if m.active else "disabled", m.email or "-", m.digest]
            for m in members]
    say(table(rows, ["login", "name", "roles", "schools", "admin", "status", "email", "digest"]))
    return OK


def cmd_disable(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    member = opened.services.staff.set_active(principal, args.staff_login, False)
    say(f"Disabled {member.login}.")
    return OK


def cmd_enable(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    member = opened.services.staff.enable_staff(principal, login=args.staff_login)
    say(f"Enabled {member.login} ({', '.join(member.roles)}).")
    return OK


def cmd_edit(args: argparse.Namespace) -> int:
    from pep_tui.cli import UserError

    for flag, listed, given in (("--no-schools", "--school", args.schools), ("--no-children", "--child", args.children),
                                ("--all-sections", "--section", args.sections)):
        if given and getattr(args, flag.lstrip("-").replace("-", "_")):
            raise UserError(f"give {flag} or {listed}, not both")
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    member = opened.services.staff.edit_staff(
        principal,
        login=args.staff_login,
        display_name=args.name,
        email=args.email,
        manager=args.manager,
        digest=args.digest,
        roles=args.roles,
        school_urns=[] if args.no_schools else args.schools,
        child_ids=[] if args.no_children else args.children,
        sections=[] if args.all_sections else args.sections,
        admin=args.admin,
    )
    scope = member.scope
    say(f"Saved {member.login}: {cell(member.display_name)}; roles {', '.join(member.roles)}"
        + (f"; schools {', '.join(scope.school_urns)}" if scope.school_urns else "")
        + (f"; children {', '.join(scope.child_ids)}" if scope.child_ids else "")
        + (f"; sections {', '.join(scope.sections)}" if scope.sections else "")
        + ("; administrator" if member.admin else "")
        + (f"; manager {member.manager or 'none'}" if args.manager is not None else "")
        + (f"; digest {member.digest}" if args.digest is not None else "") + ".")
    return OK
