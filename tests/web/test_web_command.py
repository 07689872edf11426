"""``pep-tui web``'s start-up checks: the secret file, loopback only, the socket, the trust rule."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="the web extra: pip install -e '.[test]'")

from aiohttp import web  # noqa: E402

from pep_tui.bootstrap import create_services  # noqa: E402
from pep_tui.cli import UserError, main  # noqa: E402
from pep_tui.cli.web_cmd import check_listen, read_secret, staff_check, unix_socket  # noqa: E402
from pep_tui.settings import WebSettings, load_settings  # noqa: E402
from pep_tui.web.server import PepWebServer, WebConfig  # noqa: E402


def test_the_secret_file_must_be_private_and_long(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("x" * 40 + "\n")
    secret.chmod(0o640)
    with pytest.raises(UserError, match="others can read it"):
        read_secret(str(secret))
    secret.chmod(0o600)
    assert read_secret(str(secret)) == b"x" * 40
    secret.write_text("short")
    with pytest.raises(UserError, match="at least 32"):
        read_secret(str(secret))
    with pytest.raises(UserError, match="cannot read"):
        read_secret(str(tmp_path / "missing"))


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "pep.example.gov.uk"])
def test_only_loopback_addresses(host: str) -> None:
    with pytest.raises(UserError, match="127.0.0.1"):
        check_listen(host)
    check_listen("127.0.0.1")
    check_listen("::1")


def test_the_socket_is_0660_and_replaces_only_a_socket(tmp_path: Path) -> None:
    path = tmp_path / "web.sock"
    sock = unix_socket(str(path))
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o660
    finally:
        sock.close()
    unix_socket(str(path)).close()  # a stale socket from the last run is replaced
    plain = tmp_path / "file"
    plain.write_text("keep me")
    with pytest.raises(UserError, match="not a socket"):
        unix_socket(str(plain))
    assert plain.read_text() == "keep me"


def test_web_refuses_to_start_without_the_trusted_login_rule(tmp_path: Path, capsys) -> None:
    opened = create_services(tmp_path / "data", "live")
    opened.services.staff.bootstrap_admin("vs.admin", "Val Headley")
    (tmp_path / "data" / "settings.toml").write_text('[web]\npublic_url = "https://pep.example.gov.uk"\n')
    assert main(["web", "--data-dir", str(tmp_path / "data")]) == 2
    assert "trust_login_flag" in capsys.readouterr().err


def test_web_settings_come_only_from_the_file(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "settings.toml").write_text('[web]\nlogin_header = "X-Remote-User"\n')
    monkeypatch.setenv("PEP_TUI_WEB__LOGIN_HEADER", "X-Chosen-By-User")
    monkeypatch.setenv("PEP_TUI_WEB__SESSIONS_PER_LOGIN", "50")
    settings = load_settings(tmp_path)
    assert settings.web.login_header == "X-Remote-User"
    assert settings.web.sessions_per_login == 3


async def test_on_the_unix_socket_the_socket_is_the_proof(tmp_path: Path) -> None:
    opened = create_services(tmp_path / "data", "live")
    opened.services.staff.bootstrap_admin("vs.admin", "Val Headley")
    settings = WebSettings(public_url="https://pep.example.gov.uk", socket=str(tmp_path / "web.sock"))
    server = PepWebServer(WebConfig(settings=settings, data_dir=tmp_path / "data", secret=None,
                                    check_login=staff_check(opened)))
    runner = web.AppRunner(await server.make_app())
    await runner.setup()
    sock = unix_socket(settings.socket)
    await web.SockSite(runner, sock).start()
    try:
        reader, writer = await asyncio.open_unix_connection(settings.socket)
        writer.write(b"GET / HTTP/1.1\r\nHost: pep\r\nX-Forwarded-User: vs.admin\r\nConnection: close\r\n\r\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        assert answer.startswith(b"HTTP/1.1 200")
        assert b"<title>pep-tui</title>" in answer
    finally:
        await runner.cleanup()
