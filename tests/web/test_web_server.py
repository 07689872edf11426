"""pep-tui web without a browser: who may in, what runs, limits, downloads (aiohttp's test client)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("textual_serve", reason="the web extra: pip install -e '.[test]'")

from aiohttp import WSMsgType  # noqa: E402
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from pep_tui.bootstrap import create_services  # noqa: E402
from pep_tui.cli.web_cmd import staff_check  # noqa: E402
from pep_tui.settings import WebSettings  # noqa: E402
from pep_tui.web.server import PepAppService, PepWebServer, WebConfig, content_disposition  # noqa: E402

SECRET = b"s" * 40
PUBLIC = "https://pep.example.gov.uk"
OK = {"X-PEP-Proxy-Secret": SECRET.decode(), "Origin": PUBLIC}

# A stand-in for "python": records its argument list and environment, then waits for stdin to close
# (as the app does) so the session stays open until the server ends it.
FAKE_APP = """#!{python}
import json, os, sys
with open(os.environ["PEP_TEST_RECORD"] if "PEP_TEST_RECORD" in os.environ else {record!r}, "a") as fh:
    fh.write(json.dumps({{"argv": sys.argv[1:], "env": dict(os.environ)}}) + "\\n")
sys.stdout.write("__GANGLION__\\n"); sys.stdout.flush()
while sys.stdin.buffer.read(1):
    pass
"""


@pytest.fixture
def store(tmp_path: Path):
    opened = create_services(tmp_path / "data", "live")
    opened.services.staff.bootstrap_admin("vs.admin", "Val Headley")
    return opened


@pytest.fixture
def fake_python(tmp_path: Path) -> tuple[Path, Path]:
    record = tmp_path / "started.jsonl"
    script = tmp_path / "fake-python"
    script.write_text(FAKE_APP.format(python=sys.executable, record=str(record)))
    script.chmod(0o700)
    return script, record


def make_server(store, fake_python, **web: object) -> PepWebServer:
    settings = WebSettings(public_url=PUBLIC, secret_file="unused", **web)
    return PepWebServer(WebConfig(settings=settings, data_dir=store.settings.data_dir, secret=SECRET,
                                  check_login=staff_check(store), python=str(fake_python[0])))


async def client_for(server: PepWebServer) -> TestClient:
    client = TestClient(TestServer(await server.make_app()))
    await client.start_server()
    return client


def started(record: Path) -> list[dict]:
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


async def wait_for(predicate, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.05)


async def test_no_proxy_credentials_is_401(store, fake_python) -> None:
    client = await client_for(make_server(store, fake_python))
    try:
        response = await client.get("/")
        assert response.status == 401
        assert "sign in" in (await response.text()).lower()
    finally:
        await client.close()


async def test_forged_login_header_straight_to_backend_is_403(store, fake_python) -> None:
    client = await client_for(make_server(store, fake_python))
    try:
        response = await client.get("/", headers={"X-Forwarded-User": "vs.admin"})
        assert response.status == 403
        wrong = await client.get("/", headers={"X-Forwarded-User": "vs.admin", "X-PEP-Proxy-Secret": "x" * 40})
        assert wrong.status == 403
        ws = await client.get("/ws", headers={"X-Forwarded-User": "vs.admin", "Origin": PUBLIC})
        assert ws.status == 403
        assert not started(fake_python[1])
    finally:
        await client.close()


async def test_signed_in_page_is_ours_with_security_headers(store, fake_python) -> None:
    client = await client_for(make_server(store, fake_python))
    try:
        response = await client.get("/", headers={**OK, "X-Forwarded-User": "vs.admin"})
        assert response.status == 200
        page = await response.text()
        assert "<title>pep-tui</title>" in page
        assert "googleapis" not in page and "https://" not in page.replace(PUBLIC, "")
        assert "wss://pep.example.gov.uk/ws" in page
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        refused = await client.get("/")
        assert "frame-ancestors 'none'" in refused.headers["Content-Security-Policy"]
    finally:
        await client.close()


@pytest.mark.parametrize("login", ["vs.admin;id", "$(id)", "a b", "vs.admin`x`", "-rf", "VS.ADMIN", "vs.admin/../x"])
async def test_shell_characters_in_login_are_refused(store, fake_python, login: str) -> None:
    client = await client_for(make_server(store, fake_python))
    try:
        page = await client.get("/", headers={**OK, "X-Forwarded-User": login})
        assert page.status == 403
        ws = await client.get("/ws", headers={**OK, "X-Forwarded-User": login})
        assert ws.status == 403
        assert not started(fake_python[1])
    finally:
        await client.close()


async def test_unknown_login_gets_the_refusal_page(store, fake_python) -> None:
    client = await client_for(make_server(store, fake_python))
    try:
        response = await client.get("/", headers={**OK, "X-Forwarded-User": "new.carer"})
        assert response.status == 403
        text = await response.text()
        assert "no active staff record" in text and "new.carer" in text
        ws = await client.get("/ws", headers={**OK, "X-Forwarded-User": "new.carer"})
        assert ws.status == 403
        assert not started(fake_python[1])
    finally:
        await client.close()


async def test_bad_origin_is_403(store, fake_python) -> None:
    client = await client_for(make_server(store, fake_python))
    try:
        for origin in ("https://evil.example", "http://pep.example.gov.uk", "https://pep.example.gov.uk.evil.example"):
            response = await client.get("/ws", headers={**OK, "Origin": origin, "X-Forwarded-User": "vs.admin"})
            assert response.status == 403, origin
        no_origin = {"X-PEP-Proxy-Secret": SECRET.decode(), "X-Forwarded-User": "vs.admin"}
        assert (await client.get("/ws", headers=no_origin)).status == 403
        assert not started(fake_python[1])
    finally:
        await client.close()


async def test_the_app_is_started_as_an_argument_list_with_a_minimal_environment(
        store, fake_python, monkeypatch) -> None:
    monkeypatch.setenv("PEP_TUI_DATA_DIR", "/elsewhere")
    monkeypatch.setenv("PEP_TUI_SERVER__TRUST_LOGIN_FLAG", "true")
    monkeypatch.setenv("SECRET_TOKEN", "do-not-pass")
    server = make_server(store, fake_python)
    client = await client_for(server)
    try:
        ws = await client.ws_connect("/ws?width=100&height=30", headers={**OK, "X-Forwarded-User": "vs.admin"})
        await wait_for(lambda: started(fake_python[1]))
        [run] = started(fake_python[1])
        assert run["argv"] == ["-m", "pep_tui", "--data-dir", str(store.settings.data_dir), "--login", "vs.admin"]
        env = run["env"]
        allowed = {"HOME", "LANG", "LC_ALL", "TZ", "PATH", "TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM",
                   "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "PEP_WEB_SESSION", "COLUMNS", "ROWS", "LC_CTYPE"}
        assert set(env) <= allowed, set(env) - allowed
        assert env["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"
        assert env["PEP_WEB_SESSION"] == "1"
        assert env["PATH"] == "/usr/local/bin:/usr/bin:/bin"
        assert (env["COLUMNS"], env["ROWS"]) == ("100", "30")
        assert "PEP_TUI_DATA_DIR" not in env and "SECRET_TOKEN" not in env
        await ws.close()
    finally:
        await client.close()


async def test_window_size_is_clamped(store, fake_python) -> None:
    server = make_server(store, fake_python, max_columns=200, max_rows=60)
    client = await client_for(server)
    try:
        ws = await client.ws_connect("/ws?width=3000&height=1500", headers={**OK, "X-Forwarded-User": "vs.admin"})
        await wait_for(lambda: started(fake_python[1]))
        ws2 = await client.ws_connect("/ws?width=-5&height=x", headers={**OK, "X-Forwarded-User": "vs.admin"})
        await wait_for(lambda: len(started(fake_python[1])) == 2)
        first, second = started(fake_python[1])
        assert (first["env"]["COLUMNS"], first["env"]["ROWS"]) == ("200", "60")
        assert (second["env"]["COLUMNS"], second["env"]["ROWS"]) == ("20", "24")
        await ws.close()
        await ws2.close()
    finally:
        await client.close()


async def test_sessions_per_login_are_limited(store, fake_python) -> None:
    server = make_server(store, fake_python, sessions_per_login=2)
    client = await client_for(server)
    try:
        headers = {**OK, "X-Forwarded-User": "vs.admin"}
        first = await client.ws_connect("/ws", headers=headers)
        second = await client.ws_connect("/ws", headers=headers)
        await wait_for(lambda: len(server.sessions.get("vs.admin", ())) == 2)
        third = await client.get("/ws", headers=headers)
        assert third.status == 429
        assert "already have 2" in await third.text()
        await first.close()
        await wait_for(lambda: len(server.sessions.get("vs.admin", ())) == 1)
        again = await client.ws_connect("/ws", headers=headers)
        await wait_for(lambda: len(server.sessions.get("vs.admin", ())) == 2)
        await again.close()
        await second.close()
    finally:
        await client.close()


async def test_idle_session_is_ended_and_its_app_stopped(store, fake_python, monkeypatch) -> None:
    server = make_server(store, fake_python, idle_minutes=1)
    monkeypatch.setattr(server.web, "idle_minutes", 0.01)  # 0.6 s: the rule, not the wall clock, is tested
    client = await client_for(server)
    try:
        ws = await client.ws_connect("/ws", headers={**OK, "X-Forwarded-User": "vs.admin"})
        await wait_for(lambda: bool(server.sessions.get("vs.admin")))
        [service] = server.sessions["vs.admin"]
        messages = []
        async with asyncio.timeout(15):
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    messages.append(message.data)
        assert any("idle" in m for m in messages)
        await wait_for(lambda: not server.sessions.get("vs.admin"))
        assert service._process is not None and service._process.returncode is not None
    finally:
        await client.close()


async def test_maximum_session_length_ends_an_active_session(store, fake_python, monkeypatch) -> None:
    server = make_server(store, fake_python)
    monkeypatch.setattr(server.web, "max_session_minutes", 0.01)
    client = await client_for(server)
    try:
        ws = await client.ws_connect("/ws", headers={**OK, "X-Forwarded-User": "vs.admin"})
        messages = []
        async with asyncio.timeout(15):
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    messages.append(message.data)
                await ws.send_json(["stdin", "x"])  # busy, yet the limit still applies
        assert any("time limit" in m for m in messages)
    finally:
        await client.close()


async def test_a_download_is_only_for_the_login_that_asked(store, fake_python) -> None:
    server = make_server(store, fake_python)
    client = await client_for(server)
    try:
        owner = PepAppService(["true"], {}, "vs.admin", write_bytes=_noop, write_str=_noop, close=_noop,
                              download_manager=server.download_manager)

        async def send_meta(data: dict) -> bool:
            chunk = b"%PDF-1.4 fictional" if not getattr(owner, "_sent", False) else b""
            owner._sent = True
            await server.download_manager.chunk_received(data["key"], chunk)
            return True

        owner.send_meta = send_meta  # type: ignore[method-assign]
        await server.download_manager.create_download(
            app_service=owner, delivery_key="k123", file_name="PEP Zoë O'Neil; 2026.pdf",
            open_method="download", mime_type="application/pdf")
        other = {"X-PEP-Proxy-Secret": SECRET.decode(), "X-Forwarded-User": "someone.else"}
        assert (await client.get("/download/k123", headers=other)).status == 404
        assert (await client.get("/download/k123")).status == 401
        mine = await client.get("/download/k123", headers={"X-PEP-Proxy-Secret": SECRET.decode(),
                                                             "X-Forwarded-User": "vs.admin"})
        assert mine.status == 200
        assert await mine.read() == b"%PDF-1.4 fictional"
        assert mine.headers["Content-Disposition"] == content_disposition("PEP Zoë O'Neil; 2026.pdf")
        assert mine.headers["Cache-Control"] == "no-store"
        assert (await client.get("/download/k123", headers={"X-PEP-Proxy-Secret": SECRET.decode(),
                                                              "X-Forwarded-User": "vs.admin"})).status == 404
    finally:
        await client.close()


def test_file_names_follow_rfc_6266() -> None:
    header = content_disposition("PEP Zoë O'Neil; 2026.pdf")
    assert header == "attachment; filename=\"PEP Zo_ O'Neil_ 2026.pdf\"; filename*=UTF-8''PEP%20Zo%C3%AB%20O%27Neil%3B%202026.pdf"
    assert "\n" not in content_disposition("a\r\nSet-Cookie: x.pdf")
    assert '"' not in content_disposition('say "hi".pdf').split("filename*")[0].split('filename="')[1].rstrip('"; ')


async def _noop(*args: object) -> None:
    return None


def test_the_core_imports_without_the_web_extra() -> None:
    import subprocess

    code = ("import sys; sys.modules['textual_serve'] = None; sys.modules['aiohttp'] = None\n"
            "from pep_tui.cli import main\n"
            "sys.exit(main(['web', '--data-dir', sys.argv[1]]))")
    result = subprocess.run([sys.executable, "-c", code, os.devnull], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "pip install '.[web]'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
