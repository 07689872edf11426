"""Commands for plugin authors: ``pep-tui plugin new`` and ``pep-tui plugins check``.

(``pep-tui plugins`` itself, the list, lives in :mod:`pep_tui.cli.core`; its ``check`` action
arrives here.)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pep_tui.cli.common import command, print_json
from pep_tui.cli.exit_codes import DIFFERENCES, OK, USER_ERROR
from pep_tui.cli.output import say


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``pep-tui plugin new``."""
    from pep_tui.cli.plugin_scaffold import KINDS

    p = command(sub, "plugin", help="tools for plugin authors: 'plugin new NAME' writes a plugin package")
    actions = p.add_subparsers(dest="plugin_action", metavar="ACTION")
    new = actions.add_parser("new", help="write a working plugin package (with a passing test) in this folder")
    new.add_argument("name", metavar="NAME", help="the plugin's name, e.g. send-support")
    new.add_argument("--kind", choices=KINDS, default="stage",
                     help="stage: content for a stage; role: a partner role; feature: anything else")
    new.add_argument("--into", type=Path, default=Path("."), help="the folder to write NAME/ in (default: here)")
    new.set_defaults(func=cmd_new)
    p.set_defaults(func=_plugin_help(p))


def _plugin_help(parser: argparse.ArgumentParser):
    def show(args: argparse.Namespace) -> int:
        parser.print_help()
        return USER_ERROR

    return show


def cmd_new(args: argparse.Namespace) -> int:
    """Write a plugin package and say what to do next."""
    from pep_tui.cli import UserError
    from pep_tui.cli.plugin_scaffold import ScaffoldError, names_for, write_plugin

    try:
        written = write_plugin(args.into, args.kind, args.name)
    except ScaffoldError as exc:
        raise UserError(str(exc)) from None
    names = names_for(args.name)
    root = args.into / args.name
    say(f"Wrote a {args.kind} plugin {names['distribution']} in {root}:")
    for path in written:
        say(f"  {path.relative_to(args.into)}")
    say("Next:")
    say(f"  pip install -e \"{root}[test]\"")
    say(f"  pep-tui plugins check {root}")
    say(f"  cd {root} && python -m pytest")
    return OK


def cmd_check(args: argparse.Namespace) -> int:
    """Check one plugin (``pep-tui plugins check PATH_OR_NAME``): 0 if no problem, 1 otherwise."""
    from pep_tui.cli import UserError
    from pep_tui.cli.plugin_check import TargetNotFound, check_plugin

    if not args.target:
        raise UserError("plugins check needs a plugin: a folder with pyproject.toml, a .py file or an installed plugin's name")
    import os

    strict = bool(getattr(args, "strict", False)) or os.environ.get("PEP_TUI_STRICT_PLUGINS", "").strip().lower() in {
        "1", "true", "yes", "on"}
    try:
        reports = check_plugin(args.target, strict=strict)
    except TargetNotFound as exc:
        raise UserError(str(exc)) from None
    if args.json:
        print_json([r.as_json() for r in reports])
    else:
        for report in reports:
            say(format_report(report))
    return OK if all(r.ok for r in reports) else DIFFERENCES


def format_report(report, width: int | None = None) -> str:
    """A check report as text; on a terminal (or given ``width``) each long line is wrapped to fit.

    Piped output is not wrapped, so each problem stays on one line for ``grep``.
    """
    import shutil
    import sys
    import textwrap

    if width is None:
        if not sys.stdout.isatty():
            return "\n".join(_report_lines(report))
        width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
    wrapped = []
    for line in _report_lines(report):
        indent = " " * (len(line) - len(line.lstrip()))
        wrapped.append(textwrap.fill(line, width=width, subsequent_indent=indent + "    ",
                                     break_long_words=False, break_on_hyphens=False) if len(line) > width else line)
    return "\n".join(wrapped)


def _report_lines(report) -> list[str]:
    lines = [f"Plugin {report.name} ({report.module})",
             f"  API version: {report.api_version or 'not declared'}   kind: {report.kind}",
             f"  hooks: {', '.join(report.hooks) or 'none'}"]
    if report.stages:
        lines.append(f"  stages: {', '.join(report.stages)}")
    if report.roles:
        lines.append(f"  roles: {', '.join(report.roles)}")
    for section in report.sections:
        where = ", ".join(section.stages) if section.stages is not None else "every stage"
        if section.circumstance:
            where += " (where it applies)"
        lines.append(f"  section {section.id} \"{section.title}\": model {section.model}; {where}; "
                     f"edited by {', '.join(section.editors) or 'nobody'}")
        for f in section.fields:
            lines.append(f"      {f.name}: {f.type}" + (f" - {f.description}" if f.description else " - (no description)"))
        if section.sample:
            lines.append(f"      sample content on {section.sample_peps} sample PEP(s)")
    for validator in report.validators:
        lines.append(f"  validator {validator['id']}: {validator['description'] or '(no description)'}")
    for view in report.views:
        lines.append(f"  view {view['id']} \"{view['title']}\": {view['screen']}")
    for command_id in report.commands:
        lines.append(f"  command {command_id}")
    if report.findings_on_sample:
        counts = ", ".join(f"{n} {sev}" for sev, n in report.findings_on_sample.items())
        lines.append(f"  sample cohort: {report.sample_peps} PEP(s) touched; validators found {counts}")
    if report.sample_contributors:
        lines.append(f"  sample-data contributors: {report.sample_contributors}")
    for note in report.notes:
        lines.append(f"  note: {note}")
    for warning in report.warnings:
        lines.append(f"  warning: {warning}")
    if report.problems:
        lines.append(f"  {len(report.problems)} problem(s):")
        lines += [f"    - {p}" for p in report.problems]
    else:
        lines.append("  no problems found")
    for trace in report.tracebacks:
        lines.append("  traceback:")
        lines += [f"    {line}" for line in trace.rstrip().splitlines()]
    return lines
