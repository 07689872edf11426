"""The SSH forced command as a gate, as gitolite does for git.

Every member of staff reaches the one service account through a key whose forced command is
``pep-tui --data-dir DIR --login LOGIN``. What they typed after ``ssh peptui@server`` arrives in
``SSH_ORIGINAL_COMMAND``; this module decides what becomes of it:

- no command, with a terminal: the app (``cmd_open``), as before;
- no command and no terminal (``ssh -T``, a script), or anything not in :data:`ALLOWED` (``scp -t``,
  ``internal-sftp``, ``rsync --server``, a shell command): one line on stderr and a non-zero exit,
  before the store is opened;
- a command in :data:`ALLOWED`: parsed with :mod:`shlex`, checked word by word (any option that would
  choose the identity, the data folder, the settings or a path on the server is refused by name), then
  run as the forced command's login through the same services and permission checks as the app. Files
  come out on standard output and go in on standard input; binary output to a terminal is refused with
  a hint to redirect it.

The allow-list is data: each :class:`UserCommand` names its words, arguments and options.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shlex
from dataclasses import dataclass

from pep_tui.cli import exit_codes
from pep_tui.cli.output import error
from pep_tui.domain.text import show_control
from pep_tui.plugins.api import Capability

ENV = "SSH_ORIGINAL_COMMAND"
#: The largest file accepted on standard input for an import (bytes).
MAX_INPUT_BYTES = 64 * 1024 * 1024

log = logging.getLogger("pep_tui.security")
log.addHandler(logging.NullHandler())  # the operator's log configuration decides where these go; never stderr


class Refused(Exception):
    """A command the gate will not run; the message is one line for the user."""


@dataclass(frozen=True)
class Option:
    """An option a user command accepts over SSH."""

    name: str
    value: str = ""  # the metavar when it takes a value; "" for a flag
    choices: tuple[str, ...] = ()
    #: what the flag becomes for the pep-tui command (e.g. ``--csv`` → ``--csv -``: standard output)
    becomes: tuple[str, ...] = ()

    def usage(self) -> str:
        shown = "|".join(self.choices) if self.choices else self.value
        return f"{self.name} {shown}" if shown else self.name


@dataclass(frozen=True)
class UserCommand:
    """One entry of the allow-list."""

    words: tuple[str, ...]
    arguments: str
    summary: str
    positionals: tuple[int, int] = (0, 0)
    options: tuple[Option, ...] = ()
    capability: Capability | None = None
    #: "cli" runs the pep-tui command of the same words; anything else names a handler in ``ssh_commands``
    runner: str = "cli"
    reads_stdin: bool = False
    #: an example redirection for the help text (``> pep.pdf``, ``< attendance.csv``)
    redirect: str = ""

    @property
    def name(self) -> str:
        return " ".join(self.words)

    def option(self, name: str) -> Option | None:
        return next((o for o in (*self.options, ROLE) if o.name == name), None)


ROLE = Option("--role", "ROLE")
JSON = Option("--json")
DOC_FORMAT = Option("--format", "FORMAT", ("pdf", "docx"))
ENCODING = Option("--encoding", "ENC")
IMPORT_OPTIONS = (Option("--dry-run"), Option("--skip-rejected"), ENCODING)

#: Every command a member of staff can run over SSH. Services check each one's permissions as in the app.
ALLOWED: tuple[UserCommand, ...] = (
    UserCommand(("help",), "[COMMAND]", "the commands you can run (this list)", (0, 2), runner="help"),
    UserCommand(("whoami",), "", "who you are signed in as, your role and your children", runner="whoami"),
    UserCommand(("children", "list"), "[--json]", "the children you work with", options=(JSON,),
                capability=Capability.VIEW_CHILD),
    UserCommand(("children", "find"), "TEXT [--json]", "find a child by name, id or UPN", (1, 4), (JSON,),
                Capability.VIEW_CHILD),
    UserCommand(("children", "show"), "CHILD_ID [--json]", "one child's details and PEPs", (1, 1), (JSON,),
                Capability.VIEW_CHILD),
    UserCommand(("report", "compliance"), "[--csv]", "the compliance dashboard (text or CSV)",
                options=(Option("--csv"),), capability=Capability.VIEW_REPORTS, redirect="> compliance.csv"),
    UserCommand(("export", "pep"), "CHILD_ID [PEP_ID] --format pdf|docx", "a PEP as your role may see it",
                (1, 2), (DOC_FORMAT,), Capability.VIEW_CHILD, runner="export_pep", redirect="> pep.pdf"),
    UserCommand(("export", "blank"), "--stage STAGE --format pdf|docx", "a blank PEP form for a stage",
                options=(Option("--stage", "STAGE"), DOC_FORMAT), runner="export_blank", redirect="> blank.pdf"),
    UserCommand(("export", "data"), "--format csv|json", "the data export (CSV tables in a zip, or JSON)",
                options=(Option("--format", "FORMAT", ("csv", "json")),), capability=Capability.EXPORT_DATA,
                runner="export_data", redirect="> pep-data.zip"),
    UserCommand(("audit",), "CHILD [--json]", "a child's audit trail (CHILD: id, LA child id or UPN)", (1, 1), (JSON,), Capability.VIEW_AUDIT),
    UserCommand(("pp", "queue"), "", "Pupil Premium Plus requests awaiting a decision",
                capability=Capability.DECIDE_FUNDING),
    UserCommand(("pp", "ledger"), "[--fy YEAR | --ay YEAR] [--by school|child] [--csv]",
                "the Pupil Premium Plus ledger", options=(
                    Option("--fy", "YEAR"), Option("--ay", "YEAR"), Option("--by", "BY", ("school", "child")),
                    Option("--csv", becomes=("--csv", "-"))),
                capability=Capability.DECIDE_FUNDING, redirect="> ledger.csv"),
    UserCommand(("import", "cohort"), "[--dry-run] [--skip-rejected] [--encoding ENC]",
                "import children from a social-care CSV", options=IMPORT_OPTIONS, capability=Capability.IMPORT_DATA,
                runner="from_stdin", reads_stdin=True, redirect="< cohort.csv"),
    UserCommand(("import", "attendance"), "[--dry-run] [--skip-rejected] [--encoding ENC]",
                "import attendance from a school's CSV", options=IMPORT_OPTIONS,
                capability=Capability.IMPORT_DATA, runner="from_stdin", reads_stdin=True,
                redirect="< attendance.csv"),
    UserCommand(("reconcile", "903"), "[--encoding ENC]", "compare the cohort with an SSDA903 extract",
                options=(ENCODING,), capability=Capability.IMPORT_DATA, runner="from_stdin", reads_stdin=True,
                redirect="< ssda903.csv"),
    UserCommand(("outbox",), "", "the files the app left for you to fetch", runner="outbox"),
    UserCommand(("fetch",), "NAME", "fetch a file from your outbox", (1, 1), runner="fetch", redirect="> NAME"),
)

ALIASES = {"pupil-premium": "pp"}

#: Why an option is refused, for the ones people are likely to try.
REFUSED_OPTIONS = {
    "--login": "your login comes from your SSH key",
    "--data-dir": "the server chooses the data folder",
    "--out": "the file comes to you on standard output: add '> FILE' to your ssh command",
    "--force": "nothing is written on the server: add '> FILE' to your ssh command",
    "--settings": "settings are the operator's",
    "--exercises": "training options are not available here",
}

#: Words that are not pep-tui commands but that tools send, for a clearer refusal.
TOOLS = {
    "scp": "scp is not available: fetch files with 'ssh … export …' or 'ssh … fetch NAME > NAME'",
    "sftp": "sftp is not available: fetch files with 'ssh … export …' or 'ssh … fetch NAME > NAME'",
    "sftp-server": "sftp is not available: fetch files with 'ssh … export …' or 'ssh … fetch NAME > NAME'",
    "internal-sftp": "sftp is not available: fetch files with 'ssh … export …' or 'ssh … fetch NAME > NAME'",
    "rsync": "rsync is not available: fetch files with 'ssh … export …' or 'ssh … fetch NAME > NAME'",
}
_SAFE_WORD = re.compile(r"^[A-Za-z0-9._/+-]{1,40}$")


@dataclass
class Request:
    """A user command, checked against the allow-list."""

    command: UserCommand
    positionals: list[str]
    options: list[str]
    role: str | None = None
    help: bool = False

    @property
    def argv(self) -> list[str]:
        """The pep-tui command line it becomes (without the forced command's own options)."""
        return [*self.command.words, *self.positionals, *self.options]


def _shown(word: str) -> str:
    return show_control(word if len(word) <= 60 else word[:57] + "...", one_line=True)


def _log_word(word: str) -> str:
    """The first word of a command, for the log, only when it is plainly a command name (never free text)."""
    return word if _SAFE_WORD.match(word) else "?"


def _match(words: list[str]) -> UserCommand | None:
    best: UserCommand | None = None
    for command in ALLOWED:
        if tuple(words[: len(command.words)]) == command.words and (best is None or len(command.words) > len(best.words)):
            best = command
    return best


def parse_command(text: str) -> Request | None:
    """Check ``SSH_ORIGINAL_COMMAND`` against the allow-list; ``None`` for an empty command.

    Raises :class:`Refused` with one line naming what is not allowed.
    """
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise Refused(f"cannot read the command ({exc}); check its quotes") from None
    if not words:
        return None
    words[0] = ALIASES.get(words[0], words[0])
    command = _match(words)
    if command is None:
        first = os.path.basename(words[0])
        if first in TOOLS:
            raise Refused(TOOLS[first])
        if words[0] in {c.words[0] for c in ALLOWED}:
            choices = ", ".join(c.words[1] for c in ALLOWED if c.words[0] == words[0] and len(c.words) > 1)
            raise Refused(f"'{_shown(' '.join(words[:2]))}' is not a command you can run over SSH; "
                          f"after {words[0]} choose: {choices}")
        raise Refused(f"'{_shown(words[0])}' is not a command you can run over SSH; 'help' lists yours")
    request = Request(command, [], [])
    rest = words[len(command.words):]
    i = 0
    while i < len(rest):
        word = rest[i]
        i += 1
        if word in ("-h", "--help"):
            request.help = True
            continue
        if not word.startswith("-") or word == "-":
            request.positionals.append(word)
            continue
        name, has_value, value = word.partition("=")
        option = command.option(name)
        if option is None:
            reason = REFUSED_OPTIONS.get(name, f"'help {command.name}' shows what {command.name} accepts")
            raise Refused(f"{_shown(name)} is not accepted over SSH: {reason}")
        if not option.value:
            if has_value:
                raise Refused(f"{name} takes no value over SSH"
                              + (": the output comes on standard output" if option.becomes else ""))
            request.options.extend(option.becomes or (option.name,))
            continue
        if not has_value:
            if i >= len(rest):
                raise Refused(f"{name} needs a value ({option.usage()})")
            value = rest[i]
            i += 1
        if option.choices and value not in option.choices:
            raise Refused(f"{name}: '{_shown(value)}' is not one of {', '.join(option.choices)}")
        if option is ROLE:
            request.role = value
        else:
            request.options.extend((option.name, value))
    low, high = command.positionals
    if request.help:
        return request
    if len(request.positionals) > high:
        extra = request.positionals[high]
        if command.reads_stdin:
            raise Refused(f"{command.name} reads the file from standard input, not from a path on the server: "
                          f"add '{command.redirect}' to your ssh command instead of '{_shown(extra)}'")
        raise Refused(f"{command.name}: unexpected '{_shown(extra)}' (usage: {command.name} {command.arguments})")
    if len(request.positionals) < low:
        raise Refused(f"{command.name} needs {command.arguments.split(' [')[0].split(' --')[0] or 'an argument'} "
                      f"(usage: {command.name} {command.arguments})")
    return request


def wants_gate(args: argparse.Namespace) -> bool:
    """Whether this run is a forced command with a client's command: no subcommand and ``SSH_ORIGINAL_COMMAND``."""
    return getattr(args, "command", None) in (None, "open") and ENV in os.environ


def run_gate(args: argparse.Namespace) -> int:
    """Run ``SSH_ORIGINAL_COMMAND`` through the allow-list as the forced command's login."""
    login = getattr(args, "login", None) or "-"
    text = os.environ.get(ENV, "")
    try:
        request = parse_command(text)
        if request is None:  # ``ssh host ''``: no command
            from pep_tui.cli.core import cmd_open

            return cmd_open(args)
        if request.help:
            request = Request(ALLOWED[0], list(request.command.words), [], request.role)
        log.info("ssh command login=%s command=%s", login, request.command.name)
        from pep_tui.cli.ssh_commands import RUNNERS

        return RUNNERS[request.command.runner](request, args)
    except Refused as exc:
        words = text.split()
        log.warning("ssh command refused login=%s command=%s", login, _log_word(words[0]) if words else "-")
        error(exc)
        return exit_codes.USER_ERROR
