"""Sessions end: after the idle limit (screen cleared first), when the terminal goes (no busy loop), and
server sessions send no idle redraws (no cursor blink); the Escape delay is a setting."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

from textual import constants
from textual.widgets import Input

from pep_tui.settings import load_settings
from pep_tui.tui.app import PepApp
from pep_tui.tui.session import InputClosed, SessionEndedScreen, apply_escape_delay


def _spy_exit(app: PepApp) -> dict:
    """Record what was on screen when the app asked to exit."""
    seen: dict = {}
    original = app.exit

    def exit_(*args, **kwargs):
        seen["screen"] = app.screen
        seen["text"] = " ".join(str(w.render()) for w in app.screen.query("Static"))
        seen["message"] = args[2] if len(args) > 2 else kwargs.get("message")
        original(*args, **kwargs)

    app.exit = exit_  # type: ignore[method-assign]
    return seen


async def test_an_idle_session_clears_the_screen_and_exits(tui_store):
    principal = tui_store.services.principal_for("vs.head")
    app = PepApp(tui_store, principal, idle_seconds=0.6)
    seen = _spy_exit(app)
    names = [s["name"] for s in tui_store.services.children.list(principal)]
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        assert app.is_running
        deadline = time.monotonic() + 30
        while app.is_running and time.monotonic() < deadline:
            await pilot.pause(0.1)
    assert isinstance(seen["screen"], SessionEndedScreen)
    assert "session ended after 0.6 seconds without a key" in seen["message"]
    assert not any(name in seen["text"] for name in names), "no child's name stays on screen"


async def test_keys_keep_a_session_open(tui_store):
    app = PepApp(tui_store, tui_store.services.principal_for("vs.head"), idle_seconds=3.0)
    async with app.run_test() as pilot:
        started = time.monotonic()
        while time.monotonic() - started < 6.0:  # typing for twice the idle limit
            await pilot.press("down")
            await pilot.pause(0.3)
        assert app.is_running and not isinstance(app.screen, SessionEndedScreen)
        deadline = time.monotonic() + 30
        while app.is_running and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert not app.is_running


async def test_a_closed_terminal_ends_the_session(tui_store):
    app = PepApp(tui_store, tui_store.services.principal_for("vs.head"), idle_seconds=0)
    seen = _spy_exit(app)
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        app.post_message(InputClosed())
        deadline = time.monotonic() + 30
        while app.is_running and time.monotonic() < deadline:
            await pilot.pause(0.05)
    assert isinstance(seen["screen"], SessionEndedScreen) and "terminal closed" in seen["message"]


def test_idle_limit_comes_from_the_server_settings_for_live_stores_only(tmp_path, tui_store):
    from pep_tui.tui.session import SessionGuard

    (tmp_path / "settings.toml").write_text("[server]\nidle_minutes = 5\n")
    settings = load_settings(tmp_path)
    assert SessionGuard(None, settings, idle_seconds=None, live=True).idle_seconds == 300
    assert SessionGuard(None, settings, idle_seconds=None, live=False).idle_seconds == 0  # training: fictional
    assert load_settings(tmp_path / "none").server.idle_minutes == 15  # the documented default


async def test_no_cursor_blink_in_server_sessions(tui_store, monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.1 50000 192.0.2.2 22")
    app = PepApp(tui_store, tui_store.services.principal_for("vs.head"), idle_seconds=0)
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        box = app.screen.query(Input).first()
        box.focus()
        await pilot.pause(0.1)
        assert box.cursor_blink is False
    monkeypatch.delenv("SSH_CONNECTION")
    app = PepApp(tui_store, tui_store.services.principal_for("vs.head"), idle_seconds=0)
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        box = app.screen.query(Input).first()
        box.focus()
        await pilot.pause(0.1)
        assert box.cursor_blink is True  # locally, as Textual does


def test_escape_delay_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setattr(constants, "ESCAPE_DELAY", constants.ESCAPE_DELAY)
    (tmp_path / "settings.toml").write_text("escape_delay_ms = 400\n")
    apply_escape_delay(load_settings(tmp_path))
    assert constants.ESCAPE_DELAY == 0.4


def test_the_app_exits_when_its_terminal_closes(tmp_path):
    """The real driver in a real pseudo-terminal: close the terminal and the process ends (it used to spin)."""
    import pty

    data = tmp_path / "live"
    env = {k: v for k, v in os.environ.items() if k not in ("SSH_ORIGINAL_COMMAND", "SSH_CONNECTION")}
    subprocess.run([sys.executable, "-m", "pep_tui.cli", "init", "--admin", "vs.head", "--data-dir", str(data)],
                   check=True, capture_output=True, env=env, timeout=120)
    (data / "settings.toml").write_text("[server]\ntrust_login_flag = true\n")
    leader, follower = pty.openpty()
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen([sys.executable, "-m", "pep_tui.cli", "--data-dir", str(data), "--login", "vs.head"],
                               stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True)
    os.close(follower)
    try:
        received = 0
        deadline = time.monotonic() + 60
        while received < 2000 and time.monotonic() < deadline and process.poll() is None:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                received += len(os.read(leader, 65536))
        assert received >= 2000 and process.poll() is None, "the app did not start"
        os.close(leader)
        leader = -1
        process.wait(timeout=60)  # still running after this fails the test
    finally:
        if leader >= 0:
            os.close(leader)
        if process.poll() is None:
            process.kill()


def _idle_output(data: Path, extra_settings: str) -> int:
    """Bytes an app sends in 3 s without a key, once it has drawn its first screen (real driver, a pty)."""
    import pty

    (data / "settings.toml").write_text(extra_settings + "[server]\ntrust_login_flag = true\n")
    env = {k: v for k, v in os.environ.items() if k != "SSH_ORIGINAL_COMMAND"}
    env["TERM"] = "xterm-256color"
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "pep_tui.cli", "--data-dir", str(data), "--login", "vs.head"],
                               stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True)
    os.close(follower)

    def read_for(seconds: float, until_quiet: bool = False) -> int:
        count, end = 0, time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([leader], [], [], 3.0 if until_quiet else 0.1)
            if ready:
                count += len(os.read(leader, 65536))
            elif until_quiet and count:
                return count
        return count

    try:
        assert read_for(60, until_quiet=True) > 0, "the app did not start"
        return read_for(3.0)
    finally:
        process.kill()
        process.wait(timeout=60)
        os.close(leader)


def test_an_idle_server_session_sends_nothing(tmp_path):
    """Over SSH the cursor does not blink: an idle session sends no bytes (it sent ~300 a second)."""
    data = tmp_path / "live"
    subprocess.run([sys.executable, "-m", "pep_tui.cli", "init", "--admin", "vs.head", "--data-dir", str(data)],
                   check=True, capture_output=True, timeout=120)
    assert _idle_output(data, "") == 0
    assert _idle_output(data, 'cursor_blink = "on"\n') > 0  # the blink is what used to be sent


def test_settings_file_paths(tmp_path: Path):
    (tmp_path / "settings.toml").write_text(
        '[server]\nimport_folder = "/srv/pep-tui/incoming"\noutbox_days = 3\nssh_destination = "pep"\n')
    server = load_settings(tmp_path).server
    assert server.import_folder == Path("/srv/pep-tui/incoming") and server.outbox_days == 3
    assert server.ssh_destination == "pep"
