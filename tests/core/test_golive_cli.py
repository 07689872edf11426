"""Go-live rules of the command line on a live store: identity from the OS account, one line and a
logged incident after an internal error, control characters never reaching the terminal or an
export, the exit codes, and re-enabling and editing staff records."""

from __future__ import annotations

import csv
import json
import os
import pwd
import re
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pep_tui.bootstrap import create_services, open_services
from pep_tui.cli import main
from pep_tui.domain import StaffMember
from pep_tui.domain.text import CONTROL_CHARACTERS
from pep_tui.services.audit import AuditService

OS_ACCOUNT = pwd.getpwuid(os.geteuid()).pw_name
INCIDENT = re.compile(r"^pep-tui hit an internal error; incident \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-[0-9a-f]{4} "
                      r"was logged for your administrator$")
#: A forged row (CR), an escape sequence, a bell, a C1 control (CSI) and a right-to-left override.
FORGED = "Mallory Carer\rVal Headley (admin)"
NASTY = f"{FORGED}\x1b[2J\x07\x9b31m\u202eniatsa"
RAW = re.compile(r"[\r\x1b\x07\x9b\u202e]")


def _as(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    monkeypatch.setattr("pep_tui.services.identity.os_login", lambda: login)


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A live store: administrator vs.head, social worker sw.amara and one child on her caseload."""
    folder = tmp_path / "live"
    opened = create_services(folder, "live")
    services = opened.services
    services.staff.bootstrap_admin("vs.head", "Val Headley")
    vs = services.principal_for("vs.head")
    services.staff.add(vs, {"login": "sw.amara", "display_name": "Amara Social", "roles": ["social_worker"]})
    services.children.create(vs, {"first_name": "Zebedee", "last_name": "Quantock", "date_of_birth": date(2015, 5, 1),
                                  "upn": "P207000016049", "school_urn": "100001", "school_name": "Hill School",
                                  "social_worker": "sw.amara"})
    _as(monkeypatch, "vs.head")
    return folder


def _child_id(folder: Path) -> str:
    return next(iter(open_services(folder).services.store.child_ids()))


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("LOGNAME", "USER", "LNAME", "USERNAME")}
    return subprocess.run([sys.executable, "-m", "pep_tui.cli", *args], capture_output=True, text=True,
                          env={**clean, **env})


# --- 1. identity ------------------------------------------------------------------------------------

ADMIN_IN_ENV = {"LOGNAME": "vs.head", "USER": "vs.head", "LNAME": "vs.head", "USERNAME": "vs.head"}


def test_login_variables_naming_an_administrator_do_not_make_you_one(live: Path) -> None:
    assert OS_ACCOUNT != "vs.head"
    result = _run(["--data-dir", str(live), "staff", "list"], ADMIN_IN_ENV)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (f"pep-tui: {OS_ACCOUNT!r} is not an active pep-tui user here; ask a Virtual School "
                             f"administrator to run 'pep-tui staff add {OS_ACCOUNT} …'\n")
    # The refusal is a security event in the data folder's log, by login only.
    log = (live / "logs" / "pep-tui.log").read_text()
    assert f"refused sign-in: {OS_ACCOUNT!r} is not a staff login" in log


def test_the_os_accounts_own_record_is_used_whatever_the_environment_says(live: Path) -> None:
    services = open_services(live).services
    vs = services.principal_for("vs.head")
    services.staff.add(vs, {"login": OS_ACCOUNT, "display_name": "Casey Carer", "roles": ["carer"]})
    result = _run(["--data-dir", str(live), "staff", "list"], ADMIN_IN_ENV)
    assert result.returncode == 2
    assert "only Virtual School administrators may manage staff records" in result.stderr
    assert "vs.head" not in result.stdout


def test_operator_commands_record_the_os_account_not_the_environment(live: Path) -> None:
    result = _run(["--data-dir", str(live), "store", "backup"], ADMIN_IN_ENV)
    assert result.returncode == 0, result.stderr
    events = open_services(live).services.store.audit.events()
    backups = [e for e in events if e.action == "store.backup"]
    assert [e.actor for e in backups] == [OS_ACCOUNT]


def test_init_records_the_account_that_ran_it(tmp_path: Path) -> None:
    result = _run(["--data-dir", str(tmp_path / "new"), "init", "--admin", "vs.head"], ADMIN_IN_ENV)
    assert result.returncode == 0, result.stderr
    events = open_services(tmp_path / "new").services.store.audit.events()
    assert [(e.action, e.actor) for e in events] == [("staff.add", OS_ACCOUNT)]


# --- 2. internal errors -----------------------------------------------------------------------------


def test_a_crash_inside_a_command_prints_one_line_and_logs_the_traceback(live: Path, capsys, monkeypatch) -> None:
    child_id = _child_id(live)

    def failing(self: AuditService, principal, child_id: str):
        record = self.children.record(principal, child_id)  # personal data in the locals
        raise KeyError(f"{record.child.display_name} {record.child.upn}")

    monkeypatch.setattr(AuditService, "for_child", failing)
    assert main(["--data-dir", str(live), "audit", child_id]) == 70
    seen = capsys.readouterr()
    assert seen.out == ""
    assert INCIDENT.match(seen.err.rstrip("\n")) and seen.err.count("\n") == 1
    for secret in ("Zebedee", "Quantock", "P207000016049", child_id, "Traceback"):
        assert secret not in seen.err

    folder = live / "logs"
    log = folder / "pep-tui.log"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    incident_id = seen.err.split("incident ")[1].split(" ")[0]
    assert f"incident {incident_id} in pep-tui audit (OS account vs.head)" in text
    assert "Traceback (most recent call last)" in text and ", in failing" in text and "KeyError (message withheld" in text
    assert "Zebedee" not in text and "P207000016049" not in text

    # store check reports the log's size and the last incident
    assert main(["--data-dir", str(live), "store", "check"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("log: "))
    assert str(log) in line and f"last incident {incident_id}" in line and ("KB" in line or "bytes" in line)


def test_the_operator_may_allow_exception_messages_in_the_log(live: Path, capsys, monkeypatch) -> None:
    (live / "settings.toml").write_text("[log]\nerror_messages = true\n")
    monkeypatch.setattr(AuditService, "for_child", lambda self, principal, child_id: 1 / 0)
    assert main(["--data-dir", str(live), "audit", _child_id(live)]) == 70
    assert "ZeroDivisionError: division by zero" in (live / "logs" / "pep-tui.log").read_text()


def test_without_a_data_folder_the_incident_goes_to_the_per_user_log(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr("pep_tui.plugins.manager.load_plugins", lambda *a, **k: [][1])
    assert main(["--data-dir", str(tmp_path / "nowhere"), "plugins"]) == 70
    assert INCIDENT.match(capsys.readouterr().err.rstrip("\n"))
    log = tmp_path / "state" / "pep-tui" / "log" / "pep-tui.log"
    assert "IndexError (message withheld" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert not (tmp_path / "nowhere").exists()


def test_store_check_says_when_nothing_was_logged(live: Path, capsys) -> None:
    assert main(["--data-dir", str(live), "store", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["log"]["last_incident"] is None and report["log"]["files"] == 0


# --- 3. control characters --------------------------------------------------------------------------


@pytest.fixture
def nasty(live: Path) -> Path:
    """The store after older or restored data put control characters into names and child fields."""
    store = open_services(live).services.store
    store.save_staff(StaffMember(login="mallory", display_name=NASTY, roles=["carer"]), None, "vs.head", "virtual_school")
    record = store.load_child(_child_id(live))
    store.save_child(record.child.model_copy(update={"first_name": NASTY, "school_name": f"Hill\x1b[5m{FORGED}\u202e",
                                                     "carer": "mallory"}),
                     record.child.revision, "vs.head", "virtual_school")
    return live


def _no_raw_controls(text: str) -> None:
    assert not RAW.search(text), repr(text)


def test_staff_list_shows_control_characters_instead_of_forging_a_row(nasty: Path, capsys) -> None:
    assert main(["--data-dir", str(nasty), "staff", "list"]) == 0
    out = capsys.readouterr().out
    _no_raw_controls(out)
    row = next(line for line in out.splitlines() if line.startswith("mallory"))
    assert "Mallory Carer\\x0dVal Headley (admin)\\x1b[2J\\x07\\x9b31m\\u202eniatsa" in row
    assert len(out.splitlines()) == 2 + 3  # header, rule, three records: no forged line


def test_audit_and_report_show_stored_control_characters(nasty: Path, capsys) -> None:
    child_id = _child_id(nasty)
    store = open_services(nasty).services.store
    from pep_tui.domain import AuditEvent
    from pep_tui.domain.ids import utcnow

    store.audit.append(AuditEvent(at=utcnow(), actor="old\x1b[31mtool", role="virtual_school",
                                  action="child.save\r", child_id=child_id, section_id="x\u202ey"))
    assert main(["--data-dir", str(nasty), "audit", child_id]) == 0
    out = capsys.readouterr().out
    _no_raw_controls(out)
    assert "old\\x1b[31mtool" in out and "child.save\\x0d" in out and "x\\u202ey" in out

    assert main(["--data-dir", str(nasty), "report", "compliance"]) == 0
    out = capsys.readouterr().out
    _no_raw_controls(out)
    assert "Hill\\x1b[5mMallory Carer\\x0dVal"[:20] in out
    assert main(["--data-dir", str(nasty), "report", "compliance", "--csv"]) == 0
    out = capsys.readouterr().out
    _no_raw_controls(out)
    assert "Hill\\x1b[5mMallory Carer\\x0dVal Headley (admin)\\u202e" in out


def test_data_exports_escape_control_characters(nasty: Path, tmp_path: Path, capsys) -> None:
    assert main(["--data-dir", str(nasty), "export", "data", "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert main(["--data-dir", str(nasty), "export", "data", "--format", "json", "--out", str(tmp_path / "json")]) == 0
    _no_raw_controls(capsys.readouterr().out)
    raw_csv = (tmp_path / "csv" / "children.csv").read_text(encoding="utf-8-sig")
    assert not re.search(r"[\x1b\x07\x9b\u202e]", raw_csv)
    with (tmp_path / "csv" / "children.csv").open(encoding="utf-8-sig", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["first_name"] == "Mallory Carer\rVal Headley (admin)\\x1b[2J\\x07\\x9b31m\\u202eniatsa"
    raw_json = (tmp_path / "json" / "cohort.json").read_text(encoding="utf-8")
    assert not CONTROL_CHARACTERS.search(raw_json) and "\r" not in raw_json
    child = json.loads(raw_json)["children"][0]["child"]
    assert child["first_name"] == NASTY  # a program reading the JSON gets the stored text exactly


def test_line_breaks_and_control_characters_are_refused_in_names(live: Path, capsys) -> None:
    args = ["--data-dir", str(live), "staff", "add", "mallory", "--as", "carer", "--name"]
    assert main([*args, FORGED]) == 2
    err = capsys.readouterr().err
    assert err == ("pep-tui: Staff record: display_name: contains a line break ('\\r'); this field is one line "
                   "of plain text\n")
    assert main([*args, "Mallory\x1b[2J"]) == 2
    err = capsys.readouterr().err
    _no_raw_controls(err)
    assert "display_name: contains a control character ('\\x1b')" in err
    assert main(["--data-dir", str(live), "staff", "edit", "sw.amara", "--name", "Amara\nVal Headley"]) == 2
    assert "line break" in capsys.readouterr().err
    assert sorted(m.display_name for m in open_services(live).services.store.list_staff()) == ["Amara Social", "Val Headley"]


def test_argument_echoes_and_parse_errors_show_control_characters(live: Path, capsys) -> None:
    assert main(["--data-dir", str(live), "staff", "enable", "no\x1b[2Jbody"]) == 2
    err = capsys.readouterr().err
    _no_raw_controls(err)
    assert "no\\x1b[2Jbody" in err
    with pytest.raises(SystemExit) as stop:
        main(["--data-dir", str(live), "export", "data", "--format", "x\x1b[2J\x07"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    _no_raw_controls(err)
    assert "x\\x1b[2J\\x07" in err


def test_imports_refuse_line_breaks_in_one_line_fields(live: Path, tmp_path: Path, capsys) -> None:
    source = tmp_path / "cohort.csv"
    source.write_text('CHILD,UPN,DOB,FIRST_NAME,SURNAME\r\nC1,,2015-05-01,"Ann\rVal Headley",Smith\r\n')
    assert main(["--data-dir", str(live), "import", "cohort", str(source)]) == 1
    out = capsys.readouterr().out
    _no_raw_controls(out)
    assert "line break" in out


# --- 7. exit codes ----------------------------------------------------------------------------------


def test_help_documents_the_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for line in ("0   success", "1   completed, with differences or rejected rows", "2   your error",
                 "3   partial", "70  internal error"):
        assert line in out


def test_each_exit_code(live: Path, tmp_path: Path, capsys) -> None:
    from pep_tui.cli import exit_codes

    assert (exit_codes.OK, exit_codes.DIFFERENCES, exit_codes.USER_ERROR, exit_codes.PARTIAL,
            exit_codes.INTERNAL_ERROR) == (0, 1, 2, 3, 70)
    data = ["--data-dir", str(live)]
    assert main([*data, "staff", "list"]) == 0
    bad_rows = tmp_path / "bad.csv"
    bad_rows.write_text("CHILD,UPN,DOB,FIRST_NAME,SURNAME\nC1,,not-a-date,Ann,Smith\n")
    assert main([*data, "import", "cohort", str(bad_rows)]) == 1  # rejected rows
    assert main([*data, "store", "check"]) == 0
    (live / "children" / "junk.json").write_text("{")
    assert main([*data, "store", "check"]) == 1  # a problem found
    assert main([*data, "staff", "disable", "nobody"]) == 2  # the user's error
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        main([*data, "staff", "frobnicate"])
    assert stop.value.code == 2
    capsys.readouterr()


# --- 8. accounts ------------------------------------------------------------------------------------


def test_a_disabled_login_is_told_the_command_that_re_enables_it(live: Path, capsys, monkeypatch) -> None:
    data = ["--data-dir", str(live)]
    assert main([*data, "staff", "disable", "sw.amara"]) == 0
    assert main([*data, "staff", "add", "sw.amara", "--name", "Amara", "--as", "social_worker"]) == 2
    assert "re-enable it with 'pep-tui staff enable sw.amara'" in capsys.readouterr().err
    _as(monkeypatch, "sw.amara")
    assert main([*data, "audit", _child_id(live)]) == 2
    assert "is disabled; a Virtual School administrator can re-enable it with 'pep-tui staff enable sw.amara'" \
        in capsys.readouterr().err
    assert main([*data, "staff", "enable", "sw.amara"]) == 2  # only administrators
    _as(monkeypatch, "vs.head")
    assert main([*data, "staff", "enable", "sw.amara"]) == 0
    assert capsys.readouterr().out == "Enabled sw.amara (social_worker).\n"
    assert main([*data, "staff", "enable", "sw.amara"]) == 2
    assert "already active" in capsys.readouterr().err
    _as(monkeypatch, "sw.amara")
    assert main([*data, "audit", _child_id(live)]) == 0  # back at work, with the same caseload
    events = [(e.action, e.actor, e.detail.get("login")) for e in open_services(live).services.store.audit.events()]
    assert events[-2:] == [("staff.save", "vs.head", "sw.amara"), ("staff.save", "vs.head", "sw.amara")]


def test_staff_edit_changes_name_email_roles_and_scope(live: Path, capsys, monkeypatch) -> None:
    data = ["--data-dir", str(live)]
    assert main([*data, "staff", "edit", "sw.amara", "--name", "Amara Okafor", "--email", "amara@example.org",
                 "--as", "social_worker", "--as", "designated_teacher", "--school", "100001"]) == 0
    assert capsys.readouterr().out == ("Saved sw.amara: Amara Okafor; roles social_worker, designated_teacher; "
                                       "schools 100001.\n")
    member = open_services(live).services.store.get_staff("sw.amara")
    assert (member.display_name, member.email, member.roles, member.scope.school_urns) == (
        "Amara Okafor", "amara@example.org", ["social_worker", "designated_teacher"], ["100001"])
    child_id = _child_id(live)
    assert main([*data, "staff", "edit", "sw.amara", "--child", child_id, "--section", "shared.attendance"]) == 0
    member = open_services(live).services.store.get_staff("sw.amara")
    assert (member.scope.child_ids, member.scope.sections) == ([child_id], ["shared.attendance"])
    assert main([*data, "staff", "edit", "sw.amara", "--no-schools", "--email", ""]) == 0
    member = open_services(live).services.store.get_staff("sw.amara")
    assert member.scope.school_urns == [] and member.email is None and member.display_name == "Amara Okafor"
    capsys.readouterr()
    for bad, says in ((["--as", "wizard"], "unknown role(s) wizard"), (["--school", "12"], "a school URN is 6 digits"),
                      (["--email", "not-an-address"], "expected an email address"), ([], "nothing to change"),
                      (["--section", "no.such"], "unknown section(s) no.such"),
                      (["--child", "child_nobody"], "no child child_nobody in this store")):
        assert main([*data, "staff", "edit", "sw.amara", *bad]) == 2
        assert says in capsys.readouterr().err
    # no administrator can lock themselves out, and no one else may edit
    assert main([*data, "staff", "edit", "vs.head", "--no-admin"]) == 2
    assert "cannot take away your own administrator rights" in capsys.readouterr().err
    _as(monkeypatch, "sw.amara")
    assert main([*data, "staff", "edit", "sw.amara", "--admin", "--as", "virtual_school"]) == 2
    assert "only Virtual School administrators" in capsys.readouterr().err
    assert open_services(live).services.store.get_staff("sw.amara").admin is False


def test_edit_staff_refuses_a_stale_revision(live: Path) -> None:
    from pep_tui.store import Conflict

    services = open_services(live).services
    vs = services.principal_for("vs.head")
    seen = services.store.get_staff("sw.amara").revision
    services.staff.edit_staff(vs, login="sw.amara", display_name="Amara One", expected_revision=seen)
    with pytest.raises(Conflict):
        services.staff.edit_staff(vs, login="sw.amara", display_name="Amara Two", expected_revision=seen)
    assert services.store.get_staff("sw.amara").display_name == "Amara One"


def test_security_events_are_logged_with_logins_and_ids_only(live: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    data = ["--data-dir", str(live)]
    child_id = _child_id(live)
    rows = tmp_path / "rows.csv"
    rows.write_text("CHILD,UPN,DOB,FIRST_NAME,SURNAME\nC1,,not-a-date,Annabel,Smithers\n")
    assert main([*data, "import", "cohort", str(rows)]) == 1
    assert main([*data, "import", "attendance", str(tmp_path / "missing.csv")]) == 2
    _as(monkeypatch, "sw.amara")
    assert main([*data, "staff", "list"]) == 2
    assert main([*data, "--login", "vs.head", "staff", "list"]) == 2
    assert main([*data, "import", "cohort", str(rows)]) == 2
    _as(monkeypatch, "vs.head")
    services = open_services(live).services
    services.staff.add(services.principal_for("vs.head"), {"login": "dt.other", "display_name": "Dee Teacher",
                                                           "roles": ["designated_teacher"], "scope": {"school_urns": ["100002"]}})
    _as(monkeypatch, "dt.other")
    assert main([*data, "audit", child_id]) == 2
    capsys.readouterr()
    log = (live / "logs" / "pep-tui.log").read_text()
    for line in (
        "import cohort by vs.head as virtual_school refused: 1 row(s) rejected, 0 saved",
        "import attendance by vs.head as virtual_school failed: the file could not be read",
        "permission denied: sw.amara as social_worker may not manage staff records",
        "refused 'pep-tui staff list' for OS account sw.amara (PermissionDenied)",
        "refused --login 'vs.head' for OS account 'sw.amara': trust_login_flag is off",
        "permission denied: sw.amara as social_worker may not import data",
        f"permission denied: dt.other as designated_teacher may not read a child out of scope (child {child_id})",
    ):
        assert line in log, line
    for personal in ("Annabel", "Smithers", "Zebedee", "Quantock", "P207000016049", "Amara Social", "Dee Teacher"):
        assert personal not in log


def test_every_command_prints_through_the_one_output_path() -> None:
    """No command module writes to the terminal itself: each line goes through pep_tui.cli.output."""
    import pep_tui.cli

    folder = Path(pep_tui.cli.__file__).parent
    offenders = []
    for path in sorted(folder.glob("*.py")):
        if path.name == "output.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"(?<![\w.])print\(|sys\.std(out|err)\.write", line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []


def test_an_import_that_fails_part_way_is_partial(live: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    from pep_tui.services.children import ChildService
    from pep_tui.store import StoreError

    rows = tmp_path / "two.csv"
    rows.write_text("CHILD,UPN,DOB,FIRST_NAME,SURNAME\nC1,,2015-05-01,Ann,Smith\nC2,,2016-06-02,Bea,Jones\n")
    real_create = ChildService.create
    calls: list[int] = []

    def create_then_fail(self, principal, data):
        calls.append(1)
        if len(calls) == 2:
            raise StoreError("the disk is full")
        return real_create(self, principal, data)

    monkeypatch.setattr(ChildService, "create", create_then_fail)
    assert main(["--data-dir", str(live), "import", "cohort", str(rows)]) == 3
    out = capsys.readouterr().out
    assert "the disk is full" in out
    assert len(open_services(live).services.store.child_ids()) == 2  # the first child stays saved


def test_one_line_fields_of_other_entry_points_refuse_line_breaks(live: Path) -> None:
    from pep_tui.services import InvalidInput

    services = open_services(live).services
    vs = services.principal_for("vs.head")
    child_id = _child_id(live)
    revision = services.children.get(vs, child_id).revision
    with pytest.raises(InvalidInput, match=r"school_name: contains a line break"):
        services.children.update(vs, child_id, {"school_name": "Hill\rSchool"}, revision)
    with pytest.raises(InvalidInput, match=r"first_name: contains a tab"):
        services.children.create(vs, {"first_name": "A\tB", "last_name": "C", "date_of_birth": date(2015, 1, 1)})
    from pep_tui_plugins.pupil_premium.inputs import plain_text

    assert plain_text(" two\nlines ", "Impact", "comment") == "two\nlines"  # free text keeps its lines
    with pytest.raises(InvalidInput, match=r"reference: contains a line break"):
        plain_text("INV-1\rINV-2", "Payment", "reference", one_line=True)
