"""``pep-tui web``: textual-serve with identity, one app process per browser and a council's limits.

Stock textual-serve runs one shell string for every websocket, from any Origin, with no idea who is
there. :class:`PepWebServer` changes only what that needs:

- who: the login comes **only** from the trusted proxy header (``[web] login_header``), believed only
  when the request proves it came from the proxy: the shared secret (``[web] secret_header``, compared
  in constant time) or, when listening on a Unix socket, the socket itself. It must match
  ``[web] login_pattern``; a login with no active staff record gets a clear page, not a splash screen;
- what runs: ``python -m pep_tui --data-dir D --login LOGIN`` as an argument list (never a shell) with a
  minimal environment, one process per connection;
- limits: the websocket Origin must be the public URL; window size clamped; sessions per login and in
  all; idle timeout and maximum session length; security headers on every response;
- downloads: served only to the login whose app made them, with RFC 6266 file names, from our own page
  (no external fonts) that survives popup blockers.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import re
import secrets
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from pep_tui.settings import WebSettings
from pep_tui.tui.web import WEB_DRIVER, WEB_ENV

log = logging.getLogger("pep_tui.web")

TEMPLATES = Path(__file__).parent / "templates"
MIN_COLUMNS, MIN_ROWS = 20, 8
#: What the child process inherits from the server's environment (nothing else, no PEP_TUI_*).
INHERITED_ENV = ("HOME", "LANG", "LC_ALL", "TZ")
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
NONCE: Any = web.RequestKey("pep_csp_nonce", str) if hasattr(web, "RequestKey") else "pep_csp_nonce"


@dataclass
class WebConfig:
    """What one ``pep-tui web`` server needs: its settings, the secret and how to check a login."""

    settings: WebSettings
    data_dir: Path
    #: the shared secret the proxy sends (``None``: listening on a Unix socket, the socket is the proof)
    secret: bytes | None
    #: ``login -> None`` when pep-tui will open for it, else the reason shown on the refusal page
    check_login: Callable[[str], str | None]
    training: bool = False
    python: str = field(default_factory=lambda: sys.executable)


def content_disposition(file_name: str, disposition: str = "attachment") -> str:
    """An RFC 6266 ``Content-Disposition``: a quoted ASCII fallback and the exact UTF-8 name.

    ``PEP Zoë O'Neil; 2026.pdf`` keeps its extension in every browser.
    """
    name = file_name.replace("\\", "_").replace("/", "_").replace("\r", "").replace("\n", "")
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%;' else "_" for c in name) or "download"
    encoded = urllib.parse.quote(name, safe="")
    return f'{disposition}; filename="{fallback}"; filename*=UTF-8\'\'{encoded}'


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, default ports left out (as browsers send Origin)."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def clamp(value: Any, low: int, high: int, default: int) -> int:
    """A window dimension from the browser, as an int within [low, high]."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


class PepAppService(AppService):
    """One pep-tui process for one browser connection: started as an argument list, for one login."""

    def __init__(self, argv: list[str], environment: dict[str, str], login: str, **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self.environment = environment
        self.login = login
        self.started = time.monotonic()
        self.last_input = self.started

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        return {**self.environment, "COLUMNS": str(width), "ROWS": str(height)}

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=self._build_environment(width, height),
            start_new_session=True,
        )
        # The app's stderr is never copied into the server's output (textual-serve would): a crash
        # report could carry a child's details. textual-serve reads this stream: give it an empty one.
        no_stderr = asyncio.StreamReader()
        no_stderr.feed_eof()
        process.stderr = no_stderr
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the app to quit and close its input; kill it if it has not gone within three seconds."""
        if self._task is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        with contextlib.suppress(Exception):
            await self.send_meta({"type": "quit"})
        with contextlib.suppress(Exception):
            self.stdin.close()
        process = self._process
        if process is not None:
            try:
                await asyncio.wait_for(process.wait(), 3)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        task, self._task = self._task, None
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 3)


class PepWebServer(Server):
    """textual-serve for pep-tui: identity from the proxy, one app per connection, limits and headers."""

    def __init__(self, config: WebConfig) -> None:
        web_settings = config.settings
        super().__init__(
            command="pep-tui", host=web_settings.host, port=web_settings.port, title="pep-tui",
            public_url=web_settings.public_url.rstrip("/"), templates_path=str(TEMPLATES),
        )
        self.templates_path = TEMPLATES
        self.config = config
        self.web = web_settings
        self.login_pattern = re.compile(web_settings.login_pattern)
        self.allowed_origin = origin_of(web_settings.public_url)
        #: open sessions by login
        self.sessions: dict[str, set[PepAppService]] = {}

    # --- the aiohttp application ---------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.security_nonce])
        app.on_response_prepare.append(self.security_headers)
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def make_app(self) -> web.Application:
        """The aiohttp application (for ``web.run_app`` and for tests)."""
        return await self._make_app()

    @web.middleware
    async def security_nonce(self, request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        """A fresh script nonce for each page."""
        request[NONCE] = secrets.token_urlsafe(16)
        return await handler(request)

    async def security_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        """CSP, no framing, no caching, no referrer: on every response (refusals and downloads too)."""
        nonce = request.get(NONCE) or secrets.token_urlsafe(16)
        scheme, rest = self.allowed_origin.split(":", 1)
        ws_origin = ("wss:" if scheme == "https" else "ws:") + rest
        headers = response.headers
        headers["Content-Security-Policy"] = (
            f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; font-src 'self'; connect-src 'self' {ws_origin}; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        )
        headers["X-Frame-Options"] = "DENY"
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"

    # --- who is there ---------------------------------------------------------------------------

    def authenticate(self, request: web.Request) -> str:
        """The login the proxy vouches for, or an HTTP refusal. Nothing the browser sends counts alone."""
        login_value = request.headers.get(self.web.login_header)
        if self.config.secret is not None:
            sent = request.headers.get(self.web.secret_header)
            if sent is None:
                if login_value is not None:  # a login without the proxy's proof: forged
                    log.warning("web: login header without proxy secret from %s refused", request.remote)
                    raise self.refusal(403, "Not signed in through the council's sign-in",
                                       "This address only answers through the council's sign-in page.")
                raise self.refusal(401, "Please sign in", "Open pep-tui through the council's sign-in page.")
            if not hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), self.config.secret):
                log.warning("web: wrong proxy secret from %s refused", request.remote)
                raise self.refusal(403, "Not signed in through the council's sign-in",
                                   "This address only answers through the council's sign-in page.")
        if not login_value:
            raise self.refusal(401, "Please sign in", "Open pep-tui through the council's sign-in page.")
        login = login_value.strip()
        if self.web.strip_login_domain:
            login = login.split("@", 1)[0]
        if not self.login_pattern.fullmatch(login):
            log.warning("web: a login not matching [web] login_pattern was refused")
            raise self.refusal(403, "This sign-in can't be used with pep-tui",
                               "Your sign-in name is not one pep-tui accepts. Ask the Virtual School "
                               "administrator to check your account.")
        return login

    def admit(self, request: web.Request) -> str:
        """:meth:`authenticate`, then the staff record: a clear page when pep-tui would refuse."""
        login = self.authenticate(request)
        reason = self.config.check_login(login)
        if reason is not None:
            log.info("web: login %s refused (%s)", login, "no active staff record")
            raise self.refusal(403, "pep-tui isn't open to you yet", reason)
        return login

    def refusal(self, status: int, title: str, message: str) -> web.HTTPException:
        """A plain page saying why, with the given status."""
        body = _render_refusal(title, message)
        exc_type = {401: web.HTTPUnauthorized, 403: web.HTTPForbidden, 429: web.HTTPTooManyRequests}.get(
            status, web.HTTPForbidden)
        return exc_type(text=body, content_type="text/html")

    # --- pages ------------------------------------------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        """Our page: the terminal, the download fallback and the ended-session message."""
        login = self.admit(request)
        ws_url = ("wss:" if self.public_url.startswith("https") else "ws:") + \
            f"{self.public_url.split(':', 1)[1]}/ws"
        context = {
            "title": "pep-tui",
            "login": login,
            "nonce": request[NONCE],
            "static_url": f"{self.public_url}/static/",
            "app_websocket_url": ws_url,
            "font_size": clamp(request.query.get("fontsize", "16"), 10, 32, 16),
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file the app delivered, only for the login whose app delivered it (otherwise: not found)."""
        login = self.authenticate(request)
        key = request.match_info["key"]
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="No such download (each link works once).") from None
        service = meta.app_service
        if not isinstance(service, PepAppService) or not hmac.compare_digest(service.login, login):
            log.warning("web: %s asked for a download that is not theirs", login)
            raise web.HTTPNotFound(text="No such download (each link works once).")
        response = web.StreamResponse()
        content_type = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        response.headers["Content-Type"] = content_type
        response.headers["Content-Disposition"] = content_disposition(meta.file_name)
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        log.info("web: %s downloaded a file", login)
        return response

    # --- the app behind the websocket -------------------------------------------------------------

    def app_argv(self, login: str) -> list[str]:
        """The command for one login's app, as an argument list (never through a shell)."""
        if self.config.training:
            return [self.config.python, "-m", "pep_tui", "demo", "--trainee", login]
        return [self.config.python, "-m", "pep_tui", "--data-dir", str(self.config.data_dir), "--login", login]

    def app_environment(self) -> dict[str, str]:
        """The app's whole environment: the web driver and a few locale basics, nothing from the browser."""
        environment = {name: os.environ[name] for name in INHERITED_ENV if name in os.environ}
        environment.update({
            "PATH": SAFE_PATH,
            "LANG": environment.get("LANG", "C.UTF-8"),
            "TEXTUAL_DRIVER": WEB_DRIVER,
            "TEXTUAL_FPS": "30",
            "TEXTUAL_COLOR_SYSTEM": "truecolor",
            "TERM_PROGRAM": "textual",
            "TERM_PROGRAM_VERSION": version("textual-serve"),
            WEB_ENV: "1",
        })
        return environment

    def _session_refused(self, login: str) -> str | None:
        if len(self.sessions.get(login, ())) >= self.web.sessions_per_login:
            return (f"You already have {self.web.sessions_per_login} pep-tui windows open. Close one "
                    "(Ctrl+Q, or close the tab) and try again.")
        if sum(len(s) for s in self.sessions.values()) >= self.web.max_sessions:
            return "pep-tui is at its limit of open sessions just now. Please try again in a few minutes."
        return None

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        """One app for one browser connection, if the proxy vouches for the login and the Origin is ours."""
        origin = request.headers.get("Origin", "")
        if not origin or origin_of(origin) != self.allowed_origin:
            log.warning("web: websocket from another origin refused")
            raise self.refusal(403, "Refused", "This page must be opened from the council's pep-tui address.")
        login = self.admit(request)
        if (busy := self._session_refused(login)) is not None:
            raise self.refusal(429, "Too many sessions", busy)
        width = clamp(request.query.get("width"), MIN_COLUMNS, self.web.max_columns, 80)
        height = clamp(request.query.get("height"), MIN_ROWS, self.web.max_rows, 24)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=64 * 1024)
        await websocket.prepare(request)
        service = PepAppService(
            self.app_argv(login), self.app_environment(), login,
            write_bytes=websocket.send_bytes, write_str=websocket.send_str, close=websocket.close,
            download_manager=self.download_manager,
        )
        self.sessions.setdefault(login, set()).add(service)
        log.info("web: session started for %s", login)
        watchdog: asyncio.Task[None] | None = None
        try:
            await service.start(width, height)
            watchdog = asyncio.create_task(self._watch(service, websocket))
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # the message only: no locals, no child's data
            log.error("web: session for %s failed (%s)", login, type(error).__name__)
        finally:
            if watchdog is not None:
                watchdog.cancel()
            # aiohttp may cancel this handler when the browser goes: the clean-up runs to the end anyway.
            await asyncio.shield(asyncio.ensure_future(self._end(login, service, websocket)))
        return websocket

    async def _end(self, login: str, service: PepAppService, websocket: web.WebSocketResponse) -> None:
        try:
            await service.stop()
            with contextlib.suppress(Exception):
                await websocket.close()
        finally:
            self.sessions.get(login, set()).discard(service)
            if not self.sessions.get(login):
                self.sessions.pop(login, None)
            log.info("web: session ended for %s", login)

    async def _watch(self, service: PepAppService, websocket: web.WebSocketResponse) -> None:
        """End the session when idle too long or open too long (the app is asked to quit first)."""
        idle = self.web.idle_minutes * 60
        longest = self.web.max_session_minutes * 60
        while not websocket.closed:
            now = time.monotonic()
            reason = None
            if idle and now - service.last_input >= idle:
                reason = "idle"
            elif now - service.started >= longest:
                reason = "time limit"
            if reason:
                log.info("web: session for %s ended (%s)", service.login, reason)
                with contextlib.suppress(Exception):
                    await websocket.send_str(f'["pep_session_ended", "{reason}"]')
                await service.stop()
                await websocket.close()
                return
            await asyncio.sleep(min(5.0, max(0.05, min(idle or longest, longest) / 20)))

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        """The browser's keys and resizes, sizes clamped, anything unexpected ignored."""
        assert isinstance(app_service, PepAppService)
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind, data = envelope[0], envelope[1]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                app_service.last_input = time.monotonic()
                await app_service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await app_service.set_terminal_size(
                    clamp(data.get("width"), MIN_COLUMNS, self.web.max_columns, 80),
                    clamp(data.get("height"), MIN_ROWS, self.web.max_rows, 24))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def on_shutdown(self, app: web.Application) -> None:
        """Ask every app to quit when the server stops."""
        for services in list(self.sessions.values()):
            for service in list(services):
                await service.stop()


_REFUSAL_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)


def _render_refusal(title: str, message: str) -> str:
    return _REFUSAL_ENV.get_template("refused.html").render(title=title, message=message)


__all__ = ["PepAppService", "PepWebServer", "WebConfig", "clamp", "content_disposition", "origin_of"]
