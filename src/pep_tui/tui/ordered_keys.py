"""Keys handled one at a time, in the order they were typed, however fast they arrive.

Textual hands a key to the focused widget's queue, and a key the widget does not take (backspace,
ctrl+u, an arrow) bubbles back up to the app, which then runs the matching binding. The next key is
meanwhile already in the widget's queue, so ``End C-u 1 5 5`` typed ahead over a slow link became
"155" cleared by a late ctrl+u, and a run of backspaces read the same cursor position. Here the app
delivers the next key (or paste) only once the last one has been handled all the way up to the app.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual import events
from textual.message_pump import MessagePump

#: how long one key may take before the next is delivered anyway (a widget removed mid-key never answers)
STUCK_AFTER = 2.0


class OrderedKeysMixin:
    """Mix into an ``App`` (before ``App``): key and paste events are delivered strictly in order."""

    _key_backlog: deque[events.Event]
    _key_token: int = 0
    _key_in_flight: int | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if not hasattr(self, "_key_backlog"):
                self._key_backlog = deque()
            if self._key_in_flight is not None or self._key_backlog:
                self._key_backlog.append(event)
                return
            await self._deliver_key(event)
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _deliver_key(self, event: events.Event) -> None:
        app: Any = self
        self._key_token += 1
        token = self._key_token
        self._key_in_flight = token
        try:
            await super().on_event(event)  # type: ignore[misc]
        finally:
            target = app.focused or app.screen
            # the key (if not taken) bubbles from the focused widget up to the app: wait at each node in turn
            chain: list[MessagePump] = list(target.ancestors_with_self) if target is not None else []
            if not chain or chain[-1] is not app:
                chain.append(app)
            app.set_timer(STUCK_AFTER, lambda: self._release_key(token))
            self._follow_key(chain, token)

    def _follow_key(self, chain: list[MessagePump], token: int) -> None:
        if self._key_in_flight != token:
            return
        if not chain:
            self._release_key(token)
            return
        node, rest = chain[0], chain[1:]
        if not node.call_later(self._follow_key, rest, token):  # a closed widget: go on up
            self._follow_key(rest, token)

    def _release_key(self, token: int) -> None:
        if self._key_in_flight != token:
            return
        self._key_in_flight = None
        if getattr(self, "_key_backlog", None):
            app: Any = self
            app.call_later(self._next_key)

    async def _next_key(self) -> None:
        if self._key_in_flight is None and self._key_backlog:
            await self._deliver_key(self._key_backlog.popleft())


__all__ = ["OrderedKeysMixin"]
