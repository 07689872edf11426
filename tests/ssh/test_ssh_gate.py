"""pep-tui run exactly as sshd runs a forced command: ``pep-tui --data-dir D --login L`` in a subprocess,
no terminal, the client's command in ``SSH_ORIGINAL_COMMAND``. Allowed commands work for an in-scope
child and are refused for an out-of-scope one; everything else (identity and path options, operator
commands, a shell, scp, sftp, rsync) is refused in one line; nothing is left running.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pep_tui.bootstrap import create_services, open_services
from pep_tui.sample import SAMPLE_TODAY, generate_cohort

DATA = Path(__file__).parent.parent / "reports" / "data"
TIMEOUT = 120  # generous: a hung process fails the test, a slow machine does not


def _trusting_store(root: Path) -> Path:
    (root / "settings.toml").write_text("[server]\ntrust_login_flag = true\n")
    return root


@pytest.fixture(scope="module")
def store(tmp_path_factory, plugins) -> Path:
    """A 60-child sample store whose settings trust the forced command's --login (read-only in these tests)."""
    root = tmp_path_factory.mktemp("gate") / "store"
    opened = create_services(root, "training", plugins=plugins, clock=lambda: SAMPLE_TODAY)
    generate_cohort(opened.services, children=60, seed=2026)
    return _trusting_store(root)


@pytest.fixture(scope="module")
def scopes(store, plugins) -> dict[str, str]:
    """An in-scope and an out-of-scope child for dt.harbourside and for sw.amara."""
    services = open_services(store, plugins=plugins).services
    everyone = [s["child_id"] for s in services.children.list(services.principal_for("vs.head"))]
    out = {}
    for login in ("dt.harbourside", "sw.amara"):
        mine = {s["child_id"] for s in services.children.list(services.principal_for(login))
                if s.get("latest_pep_id")}
        out[f"{login}:in"] = sorted(mine)[0]
        out[f"{login}:out"] = next(c for c in everyone if c not in mine)
    return out


def forced(store: Path, login: str, command: str | None, stdin: bytes = b"", **kwargs) -> subprocess.CompletedProcess:
    """Run pep-tui as sshd runs the key's forced command (pipes, no terminal)."""
    env = {k: v for k, v in os.environ.items() if k != "SSH_ORIGINAL_COMMAND"}
    if command is not None:
        env["SSH_ORIGINAL_COMMAND"] = command
    streams = kwargs or {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.run([sys.executable, "-m", "pep_tui.cli", "--data-dir", str(store), "--login", login],
                          input=stdin, env=env, timeout=TIMEOUT, **streams)


def one_line(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("pep-tui: "), err
    assert "Traceback" not in err
    return err


# --- allowed commands --------------------------------------------------------------------------


def test_whoami_and_help_name_the_key_s_login_and_only_its_commands(store):
    result = forced(store, "dt.harbourside", "whoami")
    assert result.returncode == 0
    assert result.stdout.decode().startswith("dt.harbourside: Designated teacher, Harbourside")
    helped = forced(store, "dt.harbourside", "help").stdout.decode()
    assert "export pep CHILD_ID [PEP_ID] --format pdf|docx > pep.pdf" in helped
    assert "report compliance" not in helped and "import attendance" not in helped  # not the DT's to run
    assert "report compliance [--csv]" in forced(store, "vs.head", "help").stdout.decode()


def test_export_pep_writes_a_pdf_for_an_in_scope_child_and_refuses_another(store, scopes):
    ok = forced(store, "dt.harbourside", f"export pep {scopes['dt.harbourside:in']} --format pdf")
    assert ok.returncode == 0 and ok.stdout.startswith(b"%PDF")
    word = forced(store, "sw.amara", f"export pep {scopes['sw.amara:in']} --format=docx")
    assert word.returncode == 0 and zipfile.ZipFile(io.BytesIO(word.stdout)).namelist()  # a .docx is a zip
    refused = forced(store, "dt.harbourside", f"export pep {scopes['dt.harbourside:out']} --format pdf")
    assert refused.returncode == 2 and refused.stdout == b""
    assert "in your scope" in one_line(refused)


def test_export_blank_form(store):
    result = forced(store, "carer.01", "export blank --stage ks2 --format pdf")
    assert result.returncode == 0 and result.stdout.startswith(b"%PDF")


def test_audit_trail_in_and_out_of_scope(store, scopes):
    child = scopes["sw.amara:in"]
    result = forced(store, "sw.amara", f"audit {child} --json")
    assert result.returncode == 0
    assert {e["child_id"] for e in json.loads(result.stdout)} == {child}
    refused = forced(store, "sw.amara", f"audit {scopes['sw.amara:out']}")
    assert refused.returncode == 2 and "in your scope" in one_line(refused)


def test_compliance_report_for_the_virtual_school_only(store):
    result = forced(store, "vs.head", "report compliance --csv")
    rows = list(csv.reader(io.StringIO(result.stdout.decode())))
    assert result.returncode == 0 and rows[0] == ["scope", "group", "measure", "value"]
    assert ["all", "All children", "children", "60"] in rows
    refused = forced(store, "dt.harbourside", "report compliance --csv")
    assert refused.returncode == 2 and refused.stdout == b"" and "may not view cohort reports" in one_line(refused)


def test_data_export_as_a_zip_of_csv_tables_and_as_json(store):
    result = forced(store, "vs.head", "export data --format csv")
    assert result.returncode == 0
    archive = zipfile.ZipFile(io.BytesIO(result.stdout))
    assert sorted(archive.namelist()) == ["children.csv", "pep_fields.csv", "peps.csv", "targets.csv"]
    children = list(csv.reader(io.StringIO(archive.read("children.csv").decode("utf-8-sig"))))
    assert len(children) == 61 and children[0][0] == "id"
    as_json = json.loads(forced(store, "vs.head", "export data --format json").stdout)
    assert len(as_json["children"]) == 60 and as_json["exported_by"] == "vs.head"
    refused = forced(store, "dt.harbourside", "export data --format csv")
    assert refused.returncode == 2 and "may not export data" in one_line(refused)
    assert not (store.parent / f"{store.name}-outbox" / "dt.harbourside").exists(), "nothing is made on the server for a refusal"


def test_pupil_premium_ledger_and_queue(store):
    ledger = forced(store, "vs.head", "pp ledger --fy 2025-26 --csv")
    assert ledger.returncode == 0 and ledger.stdout.decode().startswith("period,row,date,child_id")
    queue = forced(store, "vs.head", "pupil-premium queue")
    assert queue.returncode == 0 and "intervention" in queue.stdout.decode()
    refused = forced(store, "dt.harbourside", "pp ledger --csv")
    assert refused.returncode == 2 and refused.stdout == b""
    one_line(refused)


def test_imports_read_standard_input(plugins, tmp_path):
    root = tmp_path / "store"
    opened = create_services(root, "training", plugins=plugins, clock=lambda: SAMPLE_TODAY)
    generate_cohort(opened.services, children=20, seed=2026)
    _trusting_store(root)
    before = len(opened.services.store.summaries())
    good = (DATA / "cohort_good.csv").read_bytes()
    dry = forced(root, "vs.head", "import cohort --dry-run", stdin=good)
    assert dry.returncode == 0 and "would add 3" in dry.stdout.decode()
    assert len(open_services(root, plugins=plugins).services.store.summaries()) == before
    refused = forced(root, "dt.harbourside", "import cohort", stdin=good)
    assert refused.returncode == 2 and "may not" in one_line(refused)
    applied = forced(root, "vs.head", "import cohort", stdin=good)
    assert applied.returncode == 0, applied.stderr
    assert len(open_services(root, plugins=plugins).services.store.summaries()) == before + 3
    attendance = forced(root, "vs.head", "import attendance --dry-run",
                        stdin=(DATA / "sample_attendance.csv").read_bytes())
    assert "Dry run: nothing was changed." in attendance.stdout.decode()
    reconciled = forced(root, "vs.head", "reconcile 903", stdin=(DATA / "sample_903.csv").read_bytes())
    assert reconciled.returncode in (0, 1) and reconciled.stdout


def test_children_commands_run_the_children_command(store, scopes):
    from pep_tui.cli import build_parser

    if "children" not in build_parser()._subparsers._group_actions[0].choices:
        pytest.skip("this version has no 'children' command yet; the gate lists it by name")
    result = forced(store, "dt.harbourside", "children list")
    assert result.returncode == 0 and scopes["dt.harbourside:in"] in result.stdout.decode()
    refused = forced(store, "dt.harbourside", f"children show {scopes['dt.harbourside:out']}")
    assert refused.returncode == 2
    one_line(refused)


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("command", "named"), [
    ("whoami --login vs.head", "--login"),
    ("report compliance --login=vs.head", "--login"),
    ("export data --format csv --data-dir /tmp", "--data-dir"),
    ("export pep X --format pdf --out /srv/pep-tui/.ssh/authorized_keys", "--out"),
    ("pp ledger --csv=/tmp/ledger.csv", "--csv"),
    ("import attendance /srv/pep-tui/data/staff.json", "standard input"),
    ("store backup", "'store'"),
    ("staff add eve --name Eve --as virtual_school --admin", "'staff'"),
    ("sh -c id", "'sh'"),
    ("id", "'id'"),
    ("scp -t /srv/pep-tui", "scp"),
    ("scp -f /srv/pep-tui/data/staff.json", "scp"),
    ("internal-sftp", "sftp"),
    ("/usr/lib/openssh/sftp-server", "sftp"),
    ("rsync --server --sender -vlogDtpre.iLsfxC . /srv/pep-tui/data", "rsync"),
    ("git-upload-pack '/srv/pep-tui'", "git-upload-pack"),
    ("export pep 'unclosed", "quotes"),
])
def test_everything_else_is_refused_in_one_line(store, command, named):
    result = forced(store, "vs.head", command)
    assert result.returncode != 0 and result.stdout == b""
    assert named in one_line(result)


def test_a_refused_staff_add_changes_nothing(store, plugins):
    forced(store, "vs.head", "staff add eve --name Eve --as virtual_school --admin")
    assert open_services(store, plugins=plugins).services.store.get_staff("eve") is None


def test_binary_output_to_a_terminal_is_refused_with_a_hint(store, scopes):
    import pty

    leader, follower = pty.openpty()
    try:
        result = forced(store, "dt.harbourside", f"export pep {scopes['dt.harbourside:in']} --format pdf",
                        stdout=follower, stderr=subprocess.PIPE)
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2
    assert "add '> pep.pdf' to your ssh command" in result.stderr.decode()


def test_no_terminal_and_no_command_exits_at_once(store):
    for command in (None, ""):
        result = forced(store, "vs.head", command)  # a hang fails through the subprocess timeout
        assert result.returncode == 2
        assert "the app needs a terminal" in one_line(result)


def test_without_a_terminal_the_app_never_starts_anywhere(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pep_tui.cli", "--data-dir", str(tmp_path / "none")],
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
    assert result.returncode == 2 and "the app needs a terminal" in one_line(result)


# --- nothing outlives its client ----------------------------------------------------------------


def _gone(pid: int, within: float = 60.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def test_the_process_ends_when_its_client_goes(store):
    """A client that connects, sends nothing and drops: pep-tui (waiting for an import on stdin) ends."""
    env = {**os.environ, "SSH_ORIGINAL_COMMAND": "import attendance --dry-run"}
    process = subprocess.Popen([sys.executable, "-m", "pep_tui.cli", "--data-dir", str(store), "--login", "vs.head"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        time.sleep(0.5)
        process.stdin.close()  # the client went away
        assert process.wait(timeout=TIMEOUT) != 0
    finally:
        if process.poll() is None:
            process.kill()


def test_the_process_ends_when_its_parent_is_killed(store, tmp_path):
    """sshd's session process killed: its pipes close and pep-tui goes with it."""
    parent = tmp_path / "parent.py"
    parent.write_text(
        "import subprocess, sys, time\n"
        "p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(600)\n")
    env = {**os.environ, "SSH_ORIGINAL_COMMAND": "import cohort --dry-run"}
    session = subprocess.Popen([sys.executable, str(parent), sys.executable, "-m", "pep_tui.cli", "--data-dir",
                                str(store), "--login", "vs.head"], stdout=subprocess.PIPE, env=env)
    child_pid = int(session.stdout.readline())
    try:
        time.sleep(0.5)
        os.kill(session.pid, signal.SIGKILL)
        session.wait(timeout=TIMEOUT)
        assert _gone(child_pid), "pep-tui outlived its client"
    finally:
        for pid in (session.pid, child_pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_client_that_stops_reading_ends_the_export(store, plugins):
    def exports() -> int:
        events = open_services(store, plugins=plugins).services.store.audit.events()
        return sum(1 for e in events if e.action == "export.data")

    before = exports()
    env = {**os.environ, "SSH_ORIGINAL_COMMAND": "export data --format csv"}
    process = subprocess.Popen([sys.executable, "-m", "pep_tui.cli", "--data-dir", str(store), "--login", "vs.head"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        process.stdout.close()  # the client went away before the export was sent
        assert process.wait(timeout=TIMEOUT) != 0
        assert not list((store.parent / f"{store.name}-outbox" / "vs.head").glob(".work-*")), "no scratch files left behind"
        assert exports() == before, "the export stopped when its client went, before it was complete"
    finally:
        if process.poll() is None:
            process.kill()


def test_on_a_live_store_the_key_s_login_cannot_take_another_role(tmp_path):
    root = tmp_path / "live"
    env = {k: v for k, v in os.environ.items() if k != "SSH_ORIGINAL_COMMAND"}
    cli = [sys.executable, "-m", "pep_tui.cli", "--data-dir", str(root)]
    subprocess.run([*cli, "init", "--admin", "vs.head"], check=True, capture_output=True, env=env, timeout=TIMEOUT)
    _trusting_store(root)
    subprocess.run([*cli, "--login", "vs.head", "staff", "add", "dt.x", "--name", "DT X", "--as",
                    "designated_teacher", "--school", "123456"], check=True, capture_output=True, env=env,
                   timeout=TIMEOUT)
    assert forced(root, "dt.x", "whoami").stdout.decode().startswith("dt.x: DT X")
    refused = forced(root, "dt.x", "report compliance --role virtual_school")
    assert refused.returncode == 2 and "does not hold the role 'virtual_school'" in one_line(refused)
    unknown = forced(root, "mallory", "whoami")
    assert unknown.returncode == 2 and "not an active pep-tui user" in one_line(unknown)
