"""The app in a browser (``pep-tui web``): the one place that tells whether it runs under the web driver.

Everything browser-specific in the app goes through :func:`in_browser`: the TTY check accepting the
web driver, the browser-safe keymap (browsers keep ctrl+t, ctrl+n and ctrl+w for themselves) and
downloads through ``App.deliver_binary``.
"""

from __future__ import annotations

import io
import os
from typing import Any

#: The driver textual-serve (and ``pep-tui web``) starts the app with.
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
#: Set to "1" by ``pep-tui web`` in the minimal environment of each app it starts (outside the
#: ``PEP_TUI_`` prefix, which settings read).
WEB_ENV = "PEP_WEB_SESSION"

#: Keys a browser never passes to a page, and what the app offers instead in a browser. The first key
#: of each entry is the one shown in the footer and in help; the browser key stays for terminals.
#: F9 (exports and imports) and F10 (needs you) move to F11 and F12 so that nothing clashes; the staff
#: screen (F12 in a terminal) is then reached from the palette (Ctrl+P), which has all of them, and the
#: home screen shows "Needs you" first.
BROWSER_KEYMAP: dict[str, str] = {
    "app.switch_role": "f9,ctrl+t",
    "pep.next_section": "f10,ctrl+n",
    "app.transfers": "f11",
    "app.inbox": "f12",
}


def in_browser(app: Any | None = None) -> bool:
    """Whether this process runs under the web driver (started by ``pep-tui web``).

    With an ``app`` whose driver has started, its ``is_web`` answers; before that (the TTY check at
    start-up) the environment the web server set for this process does.
    """
    if app is not None and getattr(app, "_driver", None) is not None:
        return bool(app.is_web)
    return os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER and os.environ.get(WEB_ENV) == "1"


def browser_keymap(configured: dict[str, str]) -> dict[str, str]:
    """The keymap for a browser: :data:`BROWSER_KEYMAP` under the council's own ``keys`` setting."""
    return {**BROWSER_KEYMAP, **configured}


def deliver_document(app: Any, content: bytes, filename: str, mime_type: str | None = None) -> str | None:
    """Hand a document to the person in the browser as a download: its delivery key, or ``None``
    outside a browser.

    The file never touches the server's disk: the bytes go to the browser through the web server,
    which gives the download only to the login that asked for it.
    """
    if not in_browser(app):
        return None
    key = app.deliver_binary(io.BytesIO(content), save_filename=filename, open_method="download",
                             mime_type=mime_type or _mime(filename))
    return key or ""


def _mime(filename: str) -> str:
    if filename.endswith(".pdf"):
        return "application/pdf"
    if filename.endswith(".docx"):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if filename.endswith(".csv"):
        return "text/csv"
    return "application/octet-stream"


__all__ = ["BROWSER_KEYMAP", "WEB_DRIVER", "WEB_ENV", "browser_keymap", "deliver_document", "in_browser"]
