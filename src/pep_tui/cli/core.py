"""Core subcommands: open the app, demo, sample, plugins, init, audit."""

from __future__ import annotations

import argparse
from pathlib import Path

from pep_tui.cli.common import (
    command,
    has_terminal,
    open_from_args,
    principal_from_args,
    print_json,
    require_terminal,
    table,
)
from pep_tui.cli.exit_codes import DIFFERENCES, OK
from pep_tui.cli.output import error, say
from pep_tui.tui.web import in_browser


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register the core subcommands."""
    p = command(sub, "open", help="open the app on the configured store (the default)")
    p.set_defaults(func=cmd_open)

    p = command(sub, "demo", help="open a training sandbox with the fictional sample cohort",
                description="Open (creating it if new) a training sandbox: fictional data, separate from any "
                            "live store. --login and --role choose any sample login and role in the sandbox.")
    p.add_argument("--trainee", metavar="NAME", help="this trainee's own sandbox (letters, digits, '.', '_', '-')")
    p.add_argument("--reset", action="store_true", help="put the sandbox back to its starting state")
    p.add_argument("--seed", type=int, default=None, help="cohort seed of a new or reset sandbox (default 2026)")
    p.add_argument("--children", type=int, default=None, help="cohort size of a new or reset sandbox (default 60)")
    p.add_argument("--exercises", metavar="DIR", action="append", default=None,
                   help="a folder of trainers' exercise files for this sandbox (repeatable; kept across resets)")
    p.add_argument("--list-exercises", nargs="?", const="", default=None, metavar="AUDIENCE",
                   help="list the exercises and whether each is done (optionally for an audience: early_years, "
                        "school_age, post16, a stage or a role id)")
    p.add_argument("--exercise", metavar="ID", help="show one exercise's task, hint and whether it is done")
    p.add_argument("--no-app", action="store_true", help="prepare the sandbox and print a summary, without the app")
    p.set_defaults(func=cmd_demo)

    p = command(sub, "sample", help="write a deterministic fictional cohort into a new training store")
    p.add_argument("--children", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_sample)

    p = command(sub, "plugins", help="list installed plugins, what they contribute and any load error; "
                                     "'plugins check PATH_OR_NAME' checks one plugin strictly")
    p.add_argument("action", nargs="?", choices=["check"], help="check: load one plugin strictly and report on it")
    p.add_argument("target", nargs="?", metavar="PATH_OR_NAME",
                   help="(check) a plugin folder with pyproject.toml, a .py file, or an installed plugin's name")
    p.add_argument("--json", action="store_true", help="a JSON list for scripts")
    p.add_argument("--strict", action="store_true",
                   help="(check) warnings fail too (also with PEP_TUI_STRICT_PLUGINS=1)")
    p.set_defaults(func=cmd_plugins)

    p = command(sub, "init", help="create a live store whose first Virtual School administrator is LOGIN")
    p.add_argument("--admin", required=True, metavar="LOGIN")
    p.add_argument("--name", help="the administrator's display name")
    p.set_defaults(func=cmd_init)

    p = command(sub, "audit", help="print the audit trail of a child")
    p.add_argument("child_id", metavar="CHILD", help="internal id, LA child id or UPN")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)


def cmd_open(args: argparse.Namespace) -> int:
    """Open the app on the live store, signed in as the OS login (or the forced-command login)."""
    require_terminal()
    opened = open_from_args(args, expect_kind="live")
    principal = principal_from_args(opened, args)
    from pep_tui.tui.app import run_app

    return run_app(opened, principal)


def cmd_demo(args: argparse.Namespace) -> int:
    """Create (or reuse, or reset) a training sandbox and open the app on it."""
    from pep_tui.cli import UserError
    from pep_tui.training import DEFAULT_TRAINING_LOGIN, prepare_sandbox, sandbox_dir

    data_dir = getattr(args, "data_dir", None)
    if data_dir and args.trainee:
        raise UserError("use either --trainee NAME or --data-dir DIR, not both")
    folder = Path(data_dir).expanduser() if data_dir else sandbox_dir(args.trainee)
    opened, principal = prepare_sandbox(
        folder, seed=args.seed, children=args.children, reset=args.reset, exercise_folders=args.exercises,
        login=getattr(args, "login", None) or DEFAULT_TRAINING_LOGIN, role=getattr(args, "role", None),
    )
    if args.list_exercises is not None:
        return _print_exercises(opened, args.list_exercises or None)
    if args.exercise:
        return _print_exercise(opened, args.exercise)
    if args.no_app or not (has_terminal() or in_browser()):  # pep-tui web runs it over pipes
        summaries = opened.services.children.list(principal)
        what = "reset to its starting state" if args.reset else "ready"
        say(f"Training sandbox (fictional data) {what} in {folder}: {len(summaries)} "
            f"{'child' if len(summaries) == 1 else 'children'} in view; "
            f"signed in as {principal.display_name} ({principal.role}).")
        return OK
    from pep_tui.tui.app import run_app

    return run_app(opened, principal)


def _print_exercises(opened, audience: str | None) -> int:
    from pep_tui.training import check_exercise, load_exercises

    found = load_exercises(opened.settings.data_dir)
    exercises = [e for e in found.exercises if not audience or e.for_audience(audience)]
    import shutil
    import textwrap

    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 120))
    rows = [[str(e.number), e.id, e.stage, e.login, "done ✓" if check_exercise(opened.services, e).done else "not yet"]
            for e in exercises]
    lines = table(rows, ["#", "exercise", "stage", "sign in as", "status"]).splitlines()
    say("\n".join(line.rstrip() for line in lines[:2]))
    for e, line in zip(exercises, lines[2:], strict=True):  # each task under its row: fits 80 columns
        say(line.rstrip())
        say(textwrap.fill(e.title, width=width, initial_indent="      ", subsequent_indent="      "))
    for problem in found.problems:
        error(f"exercise file problem: {problem}")
    return DIFFERENCES if found.problems else OK


def _print_exercise(opened, exercise_id: str) -> int:
    from pep_tui.cli import UserError
    from pep_tui.training import ExerciseNotFound, check_exercise, get_exercise

    try:
        exercise = get_exercise(opened.services, exercise_id)
    except ExerciseNotFound as exc:
        raise UserError(str(exc)) from None
    result = check_exercise(opened.services, exercise)
    say(f"Exercise {exercise.number}: {exercise.title}")
    say(f"Sign in as {exercise.login} ({exercise.role}); child {exercise.child}.")
    say(f"\nTask:\n{exercise.task.strip()}\n\nHint:\n{exercise.hint.strip()}\n")
    say(f"Exercise {exercise.number}: {result.message}")
    return OK


def cmd_sample(args: argparse.Namespace) -> int:
    """Write the sample cohort into a new training store."""
    from pep_tui.bootstrap import create_services
    from pep_tui.cli import UserError
    from pep_tui.sample import SAMPLE_TODAY, generate_cohort

    if not getattr(args, "data_dir", None):
        raise UserError("sample needs --data-dir DIR (a new or empty folder)")
    if args.children < 1:
        raise UserError("--children must be at least 1")
    opened = create_services(args.data_dir, "training", clock=lambda: SAMPLE_TODAY)
    report = generate_cohort(opened.services, children=args.children, seed=args.seed)
    say(f"Wrote {report.children} fictional children, {report.peps} PEPs and {report.staff} staff to {args.data_dir}")
    return OK


def cmd_plugins(args: argparse.Namespace) -> int:
    """List plugins (text or JSON), or with the ``check`` action check one."""
    if getattr(args, "action", None) == "check":
        from pep_tui.cli.plugin_cmd import cmd_check

        return cmd_check(args)
    from pep_tui.plugins.manager import load_plugins

    manager = load_plugins()
    records = sorted(manager.records.values(), key=lambda r: ({"stage": 0, "role": 1, "feature": 2}[r.kind], r.name))
    if args.json:
        print_json([r.as_json() for r in records])
        return OK
    import shutil
    import textwrap

    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
    rows = [[r.name, r.kind, r.version or "-", "disabled" if r.disabled else "ERROR" if r.error else "ok"]
            for r in records]
    lines = table(rows, ["plugin", "kind", "version", "status"]).splitlines()
    say("\n".join(lines[:2]))
    for record, line in zip(records, lines[2:], strict=True):
        say(line.rstrip())
        details = []
        if record.sections:
            details.append("sections: " + ", ".join(record.sections))
        if record.error and not record.disabled:
            details.append("error: " + record.error)
        for detail in details:
            say(textwrap.fill(detail, width=width, initial_indent="    ", subsequent_indent="      "))
    return DIFFERENCES if any(r.error and not r.disabled for r in records) else OK


def cmd_init(args: argparse.Namespace) -> int:
    """Create a live store with its first administrator."""
    from pep_tui.bootstrap import create_services
    from pep_tui.settings import load_settings

    folder = Path(args.data_dir) if getattr(args, "data_dir", None) else load_settings().data_dir
    from pep_tui.services.identity import resolve_login

    actor = resolve_login(load_settings(folder), getattr(args, "login", None))
    opened = create_services(folder, "live")
    member = opened.services.staff.bootstrap_admin(args.admin, args.name or args.admin, actor=actor)
    say(f"Created a live store in {folder}; {member.login} is its Virtual School administrator.")
    return OK


def cmd_audit(args: argparse.Namespace) -> int:
    """Print a child's audit trail (permission-checked)."""
    opened = open_from_args(args)
    principal = principal_from_args(opened, args)
    events = opened.services.audit.for_child(principal, opened.services.children.resolve(principal, args.child_id))
    if args.json:
        print_json([e.model_dump(mode="json") for e in events])
        return OK
    rows = [
        [e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.role, e.action, e.pep_id or "-", e.section_id or "-",
         f"{e.old_revision or 0}->{e.new_revision or 0}"]
        for e in events
    ]
    say(table(rows, ["when (UTC)", "who", "role", "action", "PEP", "section", "revision"]))
    return OK
