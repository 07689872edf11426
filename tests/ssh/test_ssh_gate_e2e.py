"""The forced command as a gate, through a real OpenSSH server on 127.0.0.1: a designated teacher
fetches a PEP as a PDF on stdout, an out-of-scope child is refused, and scp, sftp and a session with
no terminal and no command end at once, leaving no pep-tui process behind."""

from __future__ import annotations

import subprocess
import time

import pytest
from sshd_deployment import SSHDeployment

DT = ("gate.dt", "Gita Teacher", "--as", "designated_teacher", "--school", "654321")


@pytest.fixture(scope="module")
def gate(ssh_deployment: SSHDeployment) -> tuple[SSHDeployment, object]:
    """A designated teacher with one pupil at her school and one child elsewhere."""
    key = ssh_deployment.add_staff(*DT)
    admin = ("--login", "vs.head")
    for la_id, urn in (("GATE1", "654321"), ("GATE2", "111111")):
        ssh_deployment.operator(*admin, "children", "add", "--first-name", "Fen", "--last-name", f"Gatewood{la_id[-1]}",
                                "--dob", "2014-03-02", "--la-id", la_id, "--entered-care", "2025-09-01")
        ssh_deployment.operator(*admin, "children", "allocate", la_id, "--school", urn, "--from", "2025-09-01")
    # this term's PEP for the first child, started as the app would (through the services)
    start = ("from pep_tui.bootstrap import open_services; import sys; "
             "s = open_services(sys.argv[1]).services; vs = s.principal_for('vs.head'); "
             "s.peps.start(vs, s.children.resolve(vs, 'GATE1'))")
    ssh_deployment.as_account(str(ssh_deployment.install.venv / "bin" / "python"), "-c", start,
                              str(ssh_deployment.data_dir))
    return ssh_deployment, key


def _pep_tui_processes(account: str) -> list[str]:
    done = subprocess.run(["pgrep", "-u", account, "-a", "-f", "pep-tui"], capture_output=True, text=True)
    return [line for line in done.stdout.splitlines() if line.strip()]


def _no_pep_tui_left(account: str) -> list[str]:
    deadline = time.monotonic() + 10
    while (left := _pep_tui_processes(account)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_a_pep_comes_back_as_a_pdf_on_stdout(gate) -> None:
    deployment, key = gate
    listed = deployment.ssh(key, "children", "list", timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert "Gatewood1" in listed.stdout and "Gatewood2" not in listed.stdout
    pdf = subprocess.run(deployment.ssh_argv(key, "export", "pep", "GATE1", "--format", "pdf"),
                         capture_output=True, timeout=90)
    assert pdf.returncode == 0, pdf.stderr.decode(errors="replace")
    assert pdf.stdout.startswith(b"%PDF-"), pdf.stdout[:200]
    refused = deployment.ssh(key, "export", "pep", "GATE2", "--format", "pdf", timeout=60)
    assert refused.returncode != 0 and refused.stdout == ""
    assert "scope" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def test_scp_sftp_and_a_bare_session_fail_at_once_and_leave_nothing_running(gate, tmp_path) -> None:
    deployment, key = gate
    base = ["-F", "/dev/null", "-i", str(key), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-P", str(deployment.port)]
    target = f"{deployment.account}@{deployment.host}"
    local = tmp_path / "f.txt"
    local.write_text("x")
    attempts = {
        "scp": ["scp", "-O", *base, str(local), f"{target}:f.txt"],
        "scp (sftp protocol)": ["scp", *base, str(local), f"{target}:f.txt"],
        "sftp": ["sftp", *base, "-b", "-", target],
        "no terminal, no command": deployment.ssh_argv(key, tty=False),
    }
    for name, argv in attempts.items():
        try:
            done = subprocess.run(argv, input="ls\n", capture_output=True, text=True, timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - the failure this test exists for
            pytest.fail(f"{name}: still running after 30 s")
        assert done.returncode != 0, f"{name}: {done.stdout}"
        assert not (tmp_path / "f.txt.copy").exists()
    assert _no_pep_tui_left(deployment.account) == []
