"""A throwaway pep-tui deployment behind a real OpenSSH server on 127.0.0.1, set up as
docs/operations.md says ("Multi-user deployment over SSH", steps 1 to 6).

Fixtures (all need root, and OpenSSH's ``sshd``; see :func:`require`):

``ssh_tools`` -> :class:`SSHTools`
    Paths of ``sshd``, ``ssh`` and ``ssh-keygen``.
``pep_tui_install`` (session) -> :class:`Install`
    The project as docs step 2 installs it: a wheel built by a throwaway *builder* account from its own
    copy of the source, installed by root into a root-owned virtual environment that every account can
    read and run (the system ``/usr/bin/python3``, never an interpreter under ``/root``).
``ssh_deployment`` (session) -> :class:`SSHDeployment`
    ``sshd -D -e -f <own config>`` on a free port of 127.0.0.1 with its own host key and
    ``UsePAM no``; a ``--system`` service account (``useradd``) made usable for keys with
    ``usermod -p '*'`` as the docs say; its data folder created with ``pep-tui init`` (administrator
    ``vs.head``) and ``[server] trust_login_flag = true``; and the hardening block of docs step 6,
    taken from docs/operations.md itself, appended to the config (which ``sshd -t`` must accept).

Using a deployment::

    def test_something(ssh_deployment):
        key = ssh_deployment.add_staff("alice", "Alice Smith", "--as", "designated_teacher", "--school", "123456")
        done = ssh_deployment.ssh(key, "pep-tui", "staff", "list")           # no terminal
        with ssh_deployment.session(key, "--login", "vs.head") as app:        # ssh -tt: a terminal
            app.wait_for("Alice Smith")
            app.send("\\x11")                                                 # ctrl+q

* :meth:`SSHDeployment.add_staff` adds a staff record (``pep-tui staff add``, run by the operator as
  the service account) and a key with the documented forced-command line; it returns the key.
* :meth:`SSHDeployment.add_key` adds just a key (forced command of the documented line, or any
  ``authorized_keys`` options you pass) and returns its private key file.
* :meth:`SSHDeployment.ssh` runs ``ssh`` with that key (BatchMode, StrictHostKeyChecking=no,
  UserKnownHostsFile=/dev/null, no user config) and returns the completed process; words after the
  key reach the server as ``SSH_ORIGINAL_COMMAND``; ``tty=True`` adds ``-tt``; ``timeout`` (60 s)
  raises ``subprocess.TimeoutExpired`` for a session the server never ends.
* :meth:`SSHDeployment.forced_command_options` is the documented ``authorized_keys`` options for a
  login with this deployment's paths (to build variants of the line).
* :meth:`SSHDeployment.session` opens ``ssh -tt`` as a :class:`TerminalSession` to read the screen
  as text (escape sequences removed) and send keys.
* :meth:`SSHDeployment.operator` runs ``pep-tui --data-dir DATA ARGS`` as the service account on the
  server side, as an administrator would with ``sudo -u peptui``; :meth:`SSHDeployment.as_account`
  runs any command as that account.
* Attributes: ``port``, ``account``, ``home``, ``data_dir``, ``pep_tui`` (the executable),
  ``authorized_keys``, ``keys`` (login -> private key file), ``install`` (:class:`Install`).
* :meth:`SSHDeployment.sshd_log` is sshd's own log (``-e``), for assertions and failure messages.

Locally without root or without ``sshd`` the tests skip with one line saying how to run them; in CI
(``CI=true``) that is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "operations.md"
#: The interpreter the docs install with (Debian's); readable by every account, unlike a pyenv under /root.
SYSTEM_PYTHON = "/usr/bin/python3"
HOW_TO_ENABLE = ("run as root with OpenSSH's server installed (Debian: apt-get install openssh-server), "
                 "as .ci/run does")
#: The names the documented set-up uses, replaced by the deployment's own in what is taken from the docs.
DOC_ACCOUNT, DOC_PEP_TUI, DOC_DATA = "peptui", "/opt/pep-tui/venv/bin/pep-tui", "/srv/pep-tui/data"
ADMIN = "vs.head"
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"


def require(condition: bool, what: str) -> None:
    """Skip (locally) or fail (in CI, ``CI=true``) when a precondition of the SSH tests is missing."""
    if condition:
        return
    message = f"SSH end-to-end tests need {what}: {HOW_TO_ENABLE}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    kwargs.setdefault("timeout", 300)
    done = subprocess.run(argv, **kwargs)
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def documented_sshd_block(account: str = DOC_ACCOUNT) -> str:
    """The ``Match User`` block of docs/operations.md step 6, for ``account``."""
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(r"\*\*Harden sshd\*\*.*?```\n(.*?)```", text, re.S)
    assert found, "docs/operations.md has no 'Harden sshd' step with a code block"
    block = "\n".join(line.strip() for line in found.group(1).splitlines()).strip() + "\n"
    assert block.startswith(f"Match User {DOC_ACCOUNT}\n"), block
    return block.replace(f"Match User {DOC_ACCOUNT}", f"Match User {account}", 1)


def documented_key_options() -> str:
    """The ``authorized_keys`` options of docs/operations.md step 5 (``restrict,pty,command="…"``)."""
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(r'^\s*(restrict\S*command="[^"]*")\s+ssh-', text, re.M)
    assert found, "docs/operations.md has no authorized_keys line with a forced command"
    return found.group(1)


@dataclass(frozen=True)
class SSHTools:
    """The OpenSSH programs."""

    sshd: str
    ssh: str
    keygen: str


@dataclass(frozen=True)
class Install:
    """pep-tui installed as the docs say: ``pep_tui`` is the executable, in a root-owned venv."""

    venv: Path
    pep_tui: Path
    wheel: Path
    builder: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _strip_terminal(raw: bytes) -> str:
    """Terminal output as plain text: escape sequences removed, each cursor move a space."""
    text = raw.decode("utf-8", "replace")
    text = re.sub(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]", " ", text)  # CSI (cursor moves, colours, modes)
    text = re.sub(r"\x1b\][^\x07\x1b]*(\x07|\x1b\\)", "", text)  # OSC (titles)
    text = re.sub(r"\x1b[()][0-9A-Za-z]|\x1b[=>78]", "", text)
    return text


@dataclass
class TerminalSession:
    """``ssh -tt`` running: read what the far end draws, send keys, close."""

    process: subprocess.Popen
    output: bytearray = field(default_factory=bytearray)

    def read(self, seconds: float = 0.2) -> None:
        """Read whatever arrives within ``seconds``."""
        assert self.process.stdout is not None
        end = time.monotonic() + seconds
        fd = self.process.stdout.fileno()
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                break
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            self.output += chunk

    @property
    def text(self) -> str:
        """Everything drawn so far as plain text."""
        return _strip_terminal(bytes(self.output))

    def wait_for(self, needle: str, timeout: float = 45.0) -> str:
        """Read until ``needle`` appears in :attr:`text` (words may be split by cursor moves: spaces
        in ``needle`` match any run of blanks); fail with what was drawn if it never does."""
        pattern = re.compile(r"\s+".join(re.escape(w) for w in needle.split()))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pattern.search(self.text):
                return self.text
            if self.process.poll() is not None:
                self.read(0.5)
                break
            self.read(0.5)
        if pattern.search(self.text):
            return self.text
        raise AssertionError(f"{needle!r} never appeared; the terminal showed:\n{self.text[-3000:]}")

    def send(self, keys: str | bytes) -> None:
        """Type ``keys`` (``"\\x11"`` is ctrl+q)."""
        assert self.process.stdin is not None
        self.process.stdin.write(keys.encode() if isinstance(keys, str) else keys)
        self.process.stdin.flush()

    def close(self, timeout: float = 15.0) -> int:
        """Wait for the session to end (after a quit key), killing it if it does not; its exit code."""
        try:
            end = time.monotonic() + timeout
            while self.process.poll() is None and time.monotonic() < end:
                self.read(0.2)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait(10)
        return self.process.returncode


@dataclass
class SSHDeployment:
    """A running sshd in front of a pep-tui service account (see the module docstring)."""

    tools: SSHTools
    install: Install
    base: Path
    port: int
    account: str
    home: Path
    data_dir: Path
    sshd_config: Path
    log: Path
    process: subprocess.Popen | None = None
    keys: dict[str, Path] = field(default_factory=dict)
    host: str = "127.0.0.1"

    @property
    def pep_tui(self) -> Path:
        """The pep-tui executable the forced commands run."""
        return self.install.pep_tui

    @property
    def authorized_keys(self) -> Path:
        """The service account's ``~/.ssh/authorized_keys``."""
        return self.home / ".ssh" / "authorized_keys"

    def forced_command_options(self, login: str) -> str:
        """The documented ``authorized_keys`` options for ``login``, with this deployment's paths."""
        options = documented_key_options()
        options = options.replace(DOC_PEP_TUI, str(self.pep_tui)).replace(DOC_DATA, str(self.data_dir))
        options, count = re.subn(r"--login \S+?(?=\")", f"--login {login}", options)
        assert count == 1, options
        return options

    def add_key(self, login: str, options: str | None = None) -> Path:
        """Make a key pair for ``login`` and authorise it with ``options`` (default: the documented
        forced-command line for ``login``); returns the private key file (owned by root, 0600)."""
        key = self.base / "keys" / f"{login}_{secrets.token_hex(3)}"
        key.parent.mkdir(mode=0o700, exist_ok=True)
        _run([self.tools.keygen, "-q", "-t", "ed25519", "-N", "", "-C", f"{login}@test", "-f", str(key)])
        public = key.with_name(key.name + ".pub").read_text().strip()
        with self.authorized_keys.open("a") as fh:
            fh.write(f"{options if options is not None else self.forced_command_options(login)} {public}\n")
        self.keys[login] = key
        return key

    def add_staff(self, login: str, name: str, *roles_and_scope: str) -> Path:
        """``pep-tui staff add LOGIN --name NAME ROLES_AND_SCOPE…`` (as the administrator), then a key
        with the documented forced command for that login; returns the private key file."""
        self.operator("--login", ADMIN, "staff", "add", login, "--name", name, *roles_and_scope)
        return self.add_key(login)

    def ssh_argv(self, key: Path, *command: str, tty: bool = False) -> list[str]:
        """The ``ssh`` command line for ``key`` (``command`` becomes ``SSH_ORIGINAL_COMMAND``)."""
        argv = [self.tools.ssh, "-F", "/dev/null", "-i", str(key), "-p", str(self.port),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20"]
        if tty:
            argv.append("-tt")
        return [*argv, "--", f"{self.account}@{self.host}", *command]  # "--": words like --login are the command's

    def ssh(self, key: Path, *command: str, tty: bool = False, input: str | None = None,
            timeout: float = 60.0) -> subprocess.CompletedProcess:
        """Run ``ssh`` with ``key`` and wait for it; the completed process (text output)."""
        env = {**os.environ, "TERM": "xterm-256color"}
        return subprocess.run(self.ssh_argv(key, *command, tty=tty), input=input, capture_output=True, text=True,
                              timeout=timeout, env=env)

    @contextlib.contextmanager
    def session(self, key: Path, *command: str, columns: int = 100, lines: int = 30) -> Iterator[TerminalSession]:
        """``ssh -tt`` with ``key``: a terminal session (closed, or killed, on leaving)."""
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
        process = subprocess.Popen(self.ssh_argv(key, *command, tty=True), stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        session = TerminalSession(process)
        try:
            yield session
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(10)

    def as_account(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a command as the service account (``runuser``), in its home, with a clean environment."""
        env = {"HOME": str(self.home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "USER": self.account,
               "LOGNAME": self.account}
        done = subprocess.run([RUNUSER, "-u", self.account, "--", *argv], capture_output=True, text=True,
                              env=env, cwd=self.home, timeout=120)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} as {self.account} exited {done.returncode}:\n"
                                 f"{done.stdout}\n{done.stderr}")
        return done

    def operator(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """``pep-tui --data-dir DATA ARGS`` as the service account (an administrator's ``sudo -u``)."""
        return self.as_account(str(self.pep_tui), "--data-dir", str(self.data_dir), *args, check=check)

    def sshd_log(self) -> str:
        """What sshd wrote (``-e``: to its stderr)."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


# --- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def ssh_tools() -> SSHTools:
    """The OpenSSH programs (skip locally / fail in CI when they or root are missing)."""
    require(os.geteuid() == 0, "root (to create throwaway accounts with useradd and run sshd)")
    sshd = shutil.which("sshd") or ("/usr/sbin/sshd" if os.access("/usr/sbin/sshd", os.X_OK) else None)
    require(sshd is not None, "OpenSSH's sshd")
    ssh, keygen = shutil.which("ssh"), shutil.which("ssh-keygen")
    require(ssh is not None and keygen is not None, "the OpenSSH client (ssh, ssh-keygen)")
    require(os.access(SYSTEM_PYTHON, os.X_OK), f"{SYSTEM_PYTHON} with venv (Debian: python3-venv)")
    require(shutil.which("useradd") is not None and os.access(RUNUSER, os.X_OK), "useradd and runuser")
    return SSHTools(sshd, ssh, keygen)  # type: ignore[arg-type]


def _useradd(name: str, home: Path) -> None:
    _run(["useradd", "--system", "--user-group", "--create-home", "--home-dir", str(home), "--shell", "/bin/sh",
          name])


def _end_processes_of(name: str) -> None:
    """Kill, by pid, what still runs as a throwaway account of these tests (e.g. an app whose ssh
    client was killed by a timeout), so that the account can be deleted."""
    import pwd

    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                os.kill(int(status.parent.name), signal.SIGKILL)


def _userdel(name: str) -> None:
    _end_processes_of(name)
    subprocess.run(["userdel", "--remove", name], capture_output=True)
    subprocess.run(["groupdel", name], capture_output=True)


def _account_name(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(3)}"


@pytest.fixture(scope="session")
def ssh_base(ssh_tools: SSHTools) -> Iterator[Path]:
    """A world-traversable folder for the throwaway deployment (pytest's own tmp is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="pep-tui-ssh-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pep_tui_install(ssh_tools: SSHTools, ssh_base: Path) -> Iterator[Install]:
    """Docs step 2: a builder account builds the wheel from its own copy of the source; root installs
    it into a root-owned venv that every account can read and run."""
    builder = _account_name("peptuib")
    builder_home = ssh_base / "builder"
    _useradd(builder, builder_home)
    try:
        source = builder_home / "pep-tui"
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache", ".ruff_cache",
            ".hypothesis", "snapshots"))
        _run(["chown", "-R", f"{builder}:{builder}", str(builder_home)])
        env = {"HOME": str(builder_home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        for key in ("PIP_FIND_LINKS", "PIP_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
            if key in os.environ:
                env[key] = os.environ[key]
        _run([RUNUSER, "-u", builder, "--", SYSTEM_PYTHON, "-m", "pip", "wheel", "-q", "--no-deps",
              "-w", str(source / "dist"), str(source)], env=env, cwd=source)
        wheels = sorted((source / "dist").glob("pep_tui-*-py3-none-any.whl"))
        assert len(wheels) == 1, wheels
        venv = ssh_base / "opt" / "venv"
        _run([SYSTEM_PYTHON, "-m", "venv", str(venv)])
        _run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheels[0])])
        _run(["chmod", "-R", "a+rX,go-w", str(ssh_base / "opt")])
        yield Install(venv, venv / "bin" / "pep-tui", wheels[0], builder)
    finally:
        _userdel(builder)


@pytest.fixture(scope="session")
def ssh_deployment(ssh_tools: SSHTools, pep_tui_install: Install, ssh_base: Path) -> Iterator[SSHDeployment]:
    """A running sshd in front of a pep-tui service account (see the module docstring)."""
    account = _account_name("peptui")
    home = ssh_base / "home"
    _useradd(account, home)
    try:
        _run(["usermod", "-p", "*", account])  # docs step 1: keys work with UsePAM no
        home.chmod(0o700)
        deployment = _start(ssh_tools, pep_tui_install, ssh_base, account, home)
        try:
            yield deployment
        finally:
            _stop(deployment)
    finally:
        _userdel(account)


def _start(tools: SSHTools, install: Install, base: Path, account: str, home: Path) -> SSHDeployment:
    sshd_dir = base / "sshd"
    sshd_dir.mkdir(mode=0o700)
    host_key = sshd_dir / "ssh_host_ed25519_key"
    _run([tools.keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)])
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
    port = _free_port()
    config = sshd_dir / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile {sshd_dir / 'sshd.pid'}\n"
        f"UsePAM no\nPubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        f"StrictModes yes\nAllowUsers {account}\nLogLevel VERBOSE\nPrintMotd no\nAuthorizedKeysFile .ssh/authorized_keys\n"
        f"\n{documented_sshd_block(account)}"
    )
    config.chmod(0o600)
    _run([tools.sshd, "-t", "-f", str(config)])
    data = home / "data"
    deployment = SSHDeployment(tools, install, base, port, account, home, data, config, sshd_dir / "sshd.log")
    # docs steps 3 to 5: the store, owned by the account; trust --login from the forced command; keys
    deployment.as_account("sh", "-c", f"umask 077; {install.pep_tui} --data-dir {data} init --admin {ADMIN} "
                                      f"--name 'Val Headley'")
    deployment.as_account("sh", "-c", f"umask 077; printf '[server]\\ntrust_login_flag = true\\n' > {data}/settings.toml")
    deployment.as_account("sh", "-c", f"umask 077; mkdir -p {home}/.ssh && touch {home}/.ssh/authorized_keys")
    with deployment.log.open("wb") as log:
        deployment.process = subprocess.Popen([tools.sshd, "-D", "-e", "-f", str(config)], stdout=log,
                                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            break
        if deployment.process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"sshd did not start:\n{deployment.sshd_log()}")
        time.sleep(0.05)
    return deployment


def _stop(deployment: SSHDeployment) -> None:
    process = deployment.process
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
