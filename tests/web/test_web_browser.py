"""pep-tui web in a real browser: Debian's chromium driven by selenium through the system chromedriver.

Behind a stand-in for the council's signing-in proxy (it adds the login and the shared secret, as
oauth2-proxy or nginx would), each test opens pep-tui in headless chromium. In CI (CI=true) a
missing browser fails; elsewhere these tests skip with one line saying how to run them.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HOW = "real-browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"

if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    if IN_CI:
        pytest.fail(f"{HOW}: .ci/run installs them", pytrace=False)
    pytest.skip(f"{HOW}; they run in CI", allow_module_level=True)
try:
    from aiohttp import ClientSession, WSMsgType, web
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from pep_tui.settings import WebSettings
    from pep_tui.web.server import PepWebServer, WebConfig
except ImportError as exc:  # pragma: no cover - the test extra installs them
    if IN_CI:
        raise
    pytest.skip(f"pip install -e '.[test]' for the browser tests ({exc.name})", allow_module_level=True)

SECRET = "p" * 40
DELIVERY_DELAY = 7.0  # seconds: past chromium's 5 s of "user activation" after a key press
TRAINEE = "carer.one"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]")
HOP = {"host", "connection", "upgrade", "keep-alive", "transfer-encoding", "content-length", "content-encoding",
       "accept-encoding", "x-forwarded-user", "x-pep-proxy-secret", "sec-websocket-key", "sec-websocket-version",
       "sec-websocket-extensions", "sec-websocket-protocol"}


class Stack:
    """The backend (``pep-tui web --training``) and a signing-in proxy in front of it, in a thread."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.proxy_url = ""
        self.backend_url = ""
        self.screen: list[str] = []  # everything the app drew, as text, in order
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    def start(self) -> None:
        self._thread.start()
        assert self._ready.wait(30), "the servers did not start"

    def stop(self) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    def text(self) -> str:
        return ANSI.sub("", "".join(self.screen))

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        proxy = web.Application()
        proxy.router.add_route("*", "/{tail:.*}", self._proxy)
        proxy_runner = web.AppRunner(proxy)
        await proxy_runner.setup()
        proxy_site = web.TCPSite(proxy_runner, "127.0.0.1", 0)
        await proxy_site.start()
        self.proxy_url = f"http://127.0.0.1:{proxy_runner.addresses[0][1]}"
        settings = WebSettings(public_url=self.proxy_url, secret_file="unused", idle_minutes=0)
        server = PepWebServer(WebConfig(settings=settings, data_dir=self.home / "unused", secret=SECRET.encode(),
                                        check_login=lambda login: None, training=True, python=sys.executable))
        backend_runner = web.AppRunner(await server.make_app())
        await backend_runner.setup()
        await web.TCPSite(backend_runner, "127.0.0.1", 0).start()
        self.backend_url = f"http://127.0.0.1:{backend_runner.addresses[0][1]}"
        self._session = ClientSession(auto_decompress=False)
        self._ready.set()
        await self._stop.wait()
        await self._session.close()
        await proxy_runner.cleanup()
        await backend_runner.cleanup()

    async def _proxy(self, request: web.Request) -> web.StreamResponse:
        """What the council's proxy does: drop whatever login the browser sent, add the real one."""
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP}
        headers.update({"X-Forwarded-User": TRAINEE, "X-PEP-Proxy-Secret": SECRET})
        target = self.backend_url + request.path_qs
        if request.headers.get("Upgrade", "").lower() == "websocket":
            browser = web.WebSocketResponse()
            await browser.prepare(request)
            async with self._session.ws_connect(target, headers=headers) as app:
                async def up() -> None:
                    async for message in browser:
                        if message.type == WSMsgType.TEXT:
                            await app.send_str(message.data)

                pump = asyncio.create_task(up())
                async for message in app:
                    if message.type == WSMsgType.BINARY:
                        self.screen.append(message.data.decode("utf-8", "replace"))
                        await browser.send_bytes(message.data)
                    elif message.type == WSMsgType.TEXT:
                        if "deliver_file_start" in message.data:
                            # as a big PDF would: the delivery starts long after the key press, when
                            # the browser no longer counts it as the person's own action
                            await asyncio.sleep(DELIVERY_DELAY)
                        await browser.send_str(message.data)
                pump.cancel()
            await browser.close()
            return browser
        async with self._session.request(request.method, target, headers=headers,
                                         data=await request.read(), allow_redirects=False) as answer:
            body = await answer.read()
            out = {k: v for k, v in answer.headers.items() if k.lower() not in HOP}
            return web.Response(status=answer.status, body=body, headers=out)


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the trainee's sandbox lives under it
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    running = Stack(tmp_path)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[webdriver.Chrome, Path]]:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,800"):
        options.add_argument(flag)
    # chromedriver turns the popup blocker off by default: keep it on, as every person's browser has it
    options.add_experimental_option("excludeSwitches", ["disable-popup-blocking"])
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
        "profile.default_content_setting_values.popups": 2,  # the popup blocker on
        "profile.default_content_setting_values.automatic_downloads": 1,
    })
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver, downloads
    finally:
        driver.quit()


def wait(what: str, predicate: Callable[[], object], seconds: float = 90) -> None:
    end = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        time.sleep(0.2)


def counts(stack: Stack) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in re.findall(r"(\d+) of (\d+)", stack.text())]


def open_app(stack: Stack, driver: webdriver.Chrome) -> None:
    driver.get(stack.proxy_url + "/")
    assert driver.title == "pep-tui"
    WebDriverWait(driver, 120).until(lambda d: "-first-byte" in (d.find_element(By.TAG_NAME, "body")
                                                                   .get_attribute("class") or ""))
    wait("the children list", lambda: any(total == 60 for _, total in counts(stack)), 120)


def type_keys(driver: webdriver.Chrome, keys: str) -> None:
    driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys(keys)


def test_first_paint_and_typing_filters_the_list(stack: Stack, browser) -> None:
    driver, _ = browser
    open_app(stack, driver)
    assert "TRAINING" in stack.text()
    before = len(counts(stack))
    type_keys(driver, "zz-no-such-child")
    wait("the filtered list", lambda: any(shown == 0 and total == 60 for shown, total in counts(stack)[before:]))


def test_a_login_header_forged_by_the_browser_is_ignored(stack: Stack, browser) -> None:
    driver, _ = browser
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"X-Forwarded-User": "vs.admin"}})
    driver.get(stack.backend_url + "/")  # straight to the backend: refused, whatever the header says
    assert "sign-in" in driver.find_element(By.TAG_NAME, "body").text
    assert "pep-tui" in driver.title and driver.title != "pep-tui"
    driver.get(stack.proxy_url + "/")  # through the proxy: the proxy's login, not the forged one
    assert TRAINEE in driver.find_element(By.ID, "starting").get_attribute("textContent")
    assert "vs.admin" not in driver.page_source


def test_a_pdf_download_arrives_with_the_popup_blocker_on(stack: Stack, browser) -> None:
    driver, downloads = browser
    open_app(stack, driver)
    type_keys(driver, "\ue007")  # enter: open the first child
    wait("the child's page", lambda: "This term's PEP" in stack.text() or "Start PEP" in stack.text(), 60)
    type_keys(driver, "d")
    wait("the PDF", lambda: [p for p in downloads.iterdir() if p.suffix == ".pdf"], 60)
    [pdf] = [p for p in downloads.iterdir() if p.suffix == ".pdf"]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.name.startswith("pep-")
