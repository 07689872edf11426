"""``pep-tui staff add|set|list|disable``: map OS logins to roles and scopes (Virtual School administrators)."""

from __future__ import annotations

import argparse

from pep_tui.cli.common import command, open_from_args, principal_from_args, print_json, table


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``staff`` and its subcommands."""
    staff = command(sub, "staff", help="manage staff records (Virtual School administrators only)")
    ssub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)

    p = command(ssub, "add", help="add a staff record")
    p.add_argument("staff_login", metavar="LOGIN")
    p.add_argument("--name", required=True, help="display name")
    p.add_argument("--as", dest="roles", action="append", required=True, metavar="ROLE", help="a role id for the new record (repeatable)")
    p.add_argument("--school", dest="schools", action="append", default=[], help="school URN (designated teachers)")
    p.add_argument("--child", dest="children", action="append", default=[], help="child id (delegates, young people)")
    p.add_argument("--admin", action="store_true", help="may manage staff records")
    p.add_argument("--email", help="where reminders and meeting invitations go")
    p.add_argument("--manager", metavar="LOGIN", help="their manager's login (hears of long-overdue items)")
    p.set_defaults(func=cmd_add)

    p = command(ssub, "set", help="change a staff record's email, manager or digest")
    p.add_argument("staff_login", metavar="LOGIN")
    p.add_argument("--email", help="email address ('' removes it)")
    p.add_argument("--manager", metavar="MANAGER", help="their manager's login ('' removes it)")
    p.add_argument("--digest", choices=["daily", "weekly", "none"], help="how often the reminder digest is emailed")
    p.add_argument("--name", help="display name")
    p.set_defaults(func=cmd_set)

    p = command(ssub, "list", help="list staff records")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = command(ssub, "disable", help="stop a login signing in (the record is kept for the audit trail)")
    p.add_argument("staff_login", metavar="LOGIN")
    p.set_defaults(func=cmd_disable)


def cmd_add(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    member = opened.services.staff.add(
        principal,
        {
            "login": args.staff_login,
            "display_name": args.name,
            "roles": args.roles,
            "scope": {"school_urns": args.schools, "child_ids": args.children},
            "admin": args.admin,
            **({"email": args.email} if args.email else {}),
            **({"manager": args.manager} if args.manager else {}),
        },
    )
    print(f"Added {member.login} ({', '.join(member.roles)}).")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    changes = {k: v for k, v in (("email", args.email), ("manager", args.manager), ("digest", args.digest),
                                 ("display_name", args.name)) if v is not None}
    if "manager" in changes and not changes["manager"]:
        changes["manager"] = None
    if not changes:
        from pep_tui.cli import UserError

        raise UserError("nothing to change: give --email, --manager, --digest or --name")
    member = opened.services.staff.update(principal, args.staff_login, changes)
    print(f"Updated {member.login}: {', '.join(sorted(changes))}.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    members = opened.services.staff.list(principal)
    if args.json:
        print_json([m.model_dump(mode="json") for m in members])
        return 0
    rows = [[m.login, m.display_name, ", ".join(m.roles), ", ".join(m.scope.school_urns) or "-",
             "yes" if m.admin else "", "active" if m.active else "disabled", m.email or "-", m.digest]
            for m in members]
    print(table(rows, ["login", "name", "roles", "schools", "admin", "status", "email", "digest"]))
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    member = opened.services.staff.set_active(principal, args.staff_login, False)
    print(f"Disabled {member.login}.")
    return 0
