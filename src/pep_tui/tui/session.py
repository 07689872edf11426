"""A session's life: it ends when its terminal goes, and after ``[server] idle_minutes`` without a key.

- **Closed input.** Textual's Linux driver reads the terminal in a thread; when the terminal is gone a
  read returns nothing (or fails with EIO), and Textual's loop goes straight back to ``select``, which
  reports the closed descriptor readable again: a busy loop at 100 % of a core, for ever.
  :class:`SessionDriver` treats end-of-input as the end of the session: it stops reading and tells the
  app, which exits.
- **Idle sessions** (information-governance rules for unattended screens): after the configured time
  without a key the app replaces whatever is on screen with a blank "session ended" screen and exits
  with a message. A minute before, it warns.
- **Slow links.** In server sessions the cursor does not blink (each blink is a redraw sent down the
  link), and the Escape delay comes from the settings, since ``ESCDELAY`` cannot reach the app through
  a forced command.
"""

from __future__ import annotations

import os
import selectors
import time
from codecs import getincrementaldecoder
from typing import TYPE_CHECKING

from textual import constants
from textual._xterm_parser import XTermParser
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import App

    from pep_tui.settings import Settings

#: How often the idle clock is checked, at most (seconds).
IDLE_CHECK_SECONDS = 15.0
#: Warn this long before an idle session ends (seconds).
IDLE_WARNING_SECONDS = 60.0


class InputClosed(Message):
    """The terminal went away: nothing more can be read from it."""


def session_driver() -> type | None:
    """The driver class for a real terminal: :class:`SessionDriver` where Textual uses its Linux driver."""
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:  # pragma: no cover - Windows: Textual's own driver
        return None

    class SessionDriver(LinuxDriver):
        """Textual's Linux driver, except that end of input ends the session instead of spinning."""

        run_input_thread = _run_input_thread

    return SessionDriver


def _run_input_thread(self) -> None:  # noqa: ANN001 - a method of SessionDriver
        """Read keys until the app exits or the terminal closes (then post :class:`InputClosed`)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        closed = False
        try:
            while not closed and not self.exit_event.is_set():
                for _key, mask in selector.select(0.1):
                    if not mask & selectors.EVENT_READ:
                        continue
                    try:
                        data = os.read(self.fileno, 4096)
                    except OSError:  # EIO: the terminal hung up
                        data = b""
                    if not data:
                        closed = True
                        break
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
        if closed:
            self._app.post_message(InputClosed())


class SessionEndedScreen(Screen[None]):
    """A blank screen with one message: nothing of any child stays on view."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        yield Static(self.message, markup=False, id="session-ended")


def is_server_session(settings: Settings) -> bool:
    """Whether this app runs for someone on the other end of an SSH link."""
    return settings.server.trust_login_flag or "SSH_CONNECTION" in os.environ or "SSH_TTY" in os.environ


def apply_escape_delay(settings: Settings) -> None:
    """Use ``escape_delay_ms`` from the settings for the Escape key (Textual reads it as it parses keys)."""
    if settings.escape_delay_ms is not None:
        constants.ESCAPE_DELAY = settings.escape_delay_ms / 1000.0


class SessionGuard:
    """The idle clock and the cursor-blink rule of one app."""

    def __init__(self, app: App, settings: Settings, *, idle_seconds: float | None, live: bool) -> None:
        self.app = app
        if idle_seconds is None:
            idle_seconds = settings.server.idle_minutes * 60.0 if live else 0.0
        self.idle_seconds = idle_seconds
        self.blink = settings.cursor_blink == "on" or (settings.cursor_blink == "auto"
                                                        and not is_server_session(settings))
        self.last_key = time.monotonic()
        self.warned = False
        self.ended = False

    def start(self) -> None:
        """Start the idle clock (when there is an idle limit)."""
        if self.idle_seconds > 0:
            self.app.set_interval(min(IDLE_CHECK_SECONDS, self.idle_seconds / 4), self.check_idle,
                                  name="idle session check")

    def key_pressed(self) -> None:
        """A key (or a mouse click) was seen: the session is attended."""
        self.last_key = time.monotonic()
        self.warned = False

    def check_idle(self) -> None:
        """End the session when it has been idle too long; warn a minute before."""
        if self.ended:
            return
        idle = time.monotonic() - self.last_key
        left = self.idle_seconds - idle
        if left <= 0:
            minutes = self.idle_seconds / 60
            shown = f"{minutes:g} minute{'s' if minutes != 1 else ''}" if minutes >= 1 else f"{self.idle_seconds:g} seconds"
            self.end(f"pep-tui: session ended after {shown} without a key; the screen was cleared. "
                     "Connect again to carry on.")
        elif left <= IDLE_WARNING_SECONDS and not self.warned and self.idle_seconds > 2 * IDLE_WARNING_SECONDS:
            self.warned = True
            self.app.notify("This session ends in a minute unless a key is pressed (unsaved changes are lost).",
                            title="Idle session", severity="warning", timeout=IDLE_WARNING_SECONDS)

    def input_closed(self) -> None:
        """The terminal went away: end now (nobody is there to see a message)."""
        self.end("pep-tui: the terminal closed; session ended.")

    def end(self, message: str) -> None:
        """Clear the screen of children's data, then exit with ``message``."""
        if self.ended:
            return
        self.ended = True
        self.app.push_screen(SessionEndedScreen(message))
        self.app.call_after_refresh(self.app.exit, None, 0, message)

    def focused(self, widget: Widget) -> None:
        """Stop a text box's cursor blinking in server sessions (every blink is a redraw down the link)."""
        if not self.blink and getattr(widget, "cursor_blink", False):
            widget.cursor_blink = False  # type: ignore[attr-defined]
