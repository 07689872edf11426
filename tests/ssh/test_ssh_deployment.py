"""The documented SSH set-up (docs/operations.md), end to end against a real OpenSSH server on
127.0.0.1: sshd accepts the documented block, the wheel installs for the service account, a staff key
reaches the app as its own login, and a ``--login`` smuggled in the ssh command line is refused."""

from __future__ import annotations

import os
import stat
import subprocess
import zipfile
from pathlib import Path

from sshd_deployment import ROOT, SSHDeployment, SSHTools, documented_sshd_block

# A DT of a fictional school; the administrator created by init is "Val Headley" (vs.head).
ALICE = ("alice", "Alice Smith", "--as", "designated_teacher", "--school", "123456")


def _sshd_t(tools: SSHTools, tmp_path: Path, block: str) -> subprocess.CompletedProcess:
    key = tmp_path / "host_key"
    if not key.exists():
        subprocess.run([tools.keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    config = tmp_path / "sshd_config"
    config.write_text(f"Port 2\nListenAddress 127.0.0.1\nHostKey {key}\nUsePAM no\n\n{block}")
    return subprocess.run([tools.sshd, "-t", "-f", str(config)], capture_output=True, text=True)


def test_sshd_accepts_the_documented_hardening_block(ssh_tools: SSHTools, tmp_path: Path) -> None:
    block = documented_sshd_block()
    assert "PermitUserEnvironment" not in block and "PasswordAuthentication no" in block
    checked = _sshd_t(ssh_tools, tmp_path, block)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
    # the check can fail: the block as first documented (PermitUserEnvironment inside Match) is refused
    broken = _sshd_t(ssh_tools, tmp_path, block + "    PermitUserEnvironment no\n")
    assert broken.returncode != 0 and "PermitUserEnvironment" in broken.stderr


def test_the_wheel_built_by_one_account_runs_for_the_service_account(ssh_deployment: SSHDeployment) -> None:
    install = ssh_deployment.install
    with zipfile.ZipFile(install.wheel) as wheel:
        licence = next(n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE"))
        assert wheel.read(licence) == (ROOT / "LICENSE").read_bytes()
    assert os.stat(install.wheel).st_uid != 0  # built by the builder account, not root
    # root owns the code; the service account can run it but not change it
    for path in (install.venv, install.pep_tui.resolve()):
        info = os.stat(path)
        assert info.st_uid == 0 and not info.st_mode & stat.S_IWOTH and not info.st_mode & stat.S_IWGRP
    assert ssh_deployment.as_account("test", "-w", str(install.venv / "bin"), check=False).returncode != 0
    done = ssh_deployment.operator("staff", "list", "--login", "vs.head")
    assert "vs.head" in done.stdout
    data = os.stat(ssh_deployment.data_dir)
    assert stat.S_IMODE(data.st_mode) == 0o700 and data.st_uid != 0


def test_a_staff_key_reaches_the_app_as_its_own_login(ssh_deployment: SSHDeployment) -> None:
    key = ssh_deployment.add_staff(*ALICE)
    with ssh_deployment.session(key) as app:
        screen = app.wait_for("Alice Smith · Designated teacher")  # the identity bar
        assert "Val Headley" not in screen
        app.send("\x11")  # ctrl+q
        assert app.close() == 0, app.text[-2000:]
    log = ssh_deployment.sshd_log()
    assert "Accepted publickey for " + ssh_deployment.account in log


def test_a_login_smuggled_in_the_ssh_command_line_never_changes_who_you_are(ssh_deployment: SSHDeployment) -> None:
    """The forced command's ``--login`` wins: a smuggled one is refused in one line naming it, never run."""
    key = ssh_deployment.keys.get("alice") or ssh_deployment.add_staff(*ALICE)
    for smuggled in (["--login", "vs.head"], ["pep-tui", "--login", "vs.head", "staff", "list"],
                     ["children", "list", "--login", "vs.head"]):
        done = ssh_deployment.ssh(key, *smuggled, timeout=30)
        assert done.returncode != 0, done.stdout
        assert "Val Headley" not in done.stdout + done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    whoami = ssh_deployment.ssh(key, "whoami", timeout=30)
    assert whoami.returncode == 0 and "alice" in whoami.stdout and "vs.head" not in whoami.stdout


def test_a_locked_system_account_is_refused_with_usepam_no_until_usermod(ssh_deployment: SSHDeployment) -> None:
    """The note of docs step 1: with UsePAM no a locked ('!') password shuts out keys; '*' does not."""
    key = ssh_deployment.add_key("probe", options='restrict,command="/bin/echo reached"')
    account = ssh_deployment.account
    subprocess.run(["usermod", "-p", "!", account], check=True)
    try:
        refused = ssh_deployment.ssh(key)
        assert refused.returncode == 255 and "reached" not in refused.stdout
        assert "account is locked" in ssh_deployment.sshd_log()
    finally:
        subprocess.run(["usermod", "-p", "*", account], check=True)
    reached = ssh_deployment.ssh(key)
    assert reached.returncode == 0 and reached.stdout.strip() == "reached", reached.stderr
