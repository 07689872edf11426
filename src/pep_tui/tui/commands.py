"""The command palette (ctrl+p): every action of the screen in view, the app's screens, saved filters,
plugin views and plugin commands, and "open a child" by name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from pep_tui.plugins.api import CommandContext
from pep_tui.tui.text import clean

__all__ = ["CommandContext", "PaletteCommand", "screen_commands"]  # CommandContext: from pep_tui.plugins.api (1.2)

if TYPE_CHECKING:
    from textual.screen import Screen

    from pep_tui.tui.app import PepApp


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry."""

    title: str
    help: str
    callback: Any


def screen_commands(app: PepApp, screen: Screen) -> Iterator[PaletteCommand]:
    """Every described binding active on ``screen`` (each runs as if its key were pressed)."""
    seen: set[str] = set()
    app_titles = {"Help", "Quit", "Switch role", "Keys"}  # offered below by the app, once
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or not active.enabled or binding.action in ("command_palette",):
            continue
        # Only the app's own actions (they carry an id): a text box's "Delete all to the left" is an
        # editing key, not a command, and one title is listed once however many keys reach it.
        if binding.id is None or binding.description in seen or binding.description in app_titles:
            continue
        seen.add(binding.description)
        display = app.get_key_display(binding.with_key(key))
        yield PaletteCommand(binding.description, f"key: {display}",
                             partial(app.run_action, binding.action, active.node))


def safe_highlight(matcher: Matcher, candidate: str) -> Content:
    """``matcher.highlight`` without reading ``candidate`` as markup (names are user text)."""
    content = Content(candidate)
    try:
        score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    except Exception:
        return content
    for offset in offsets if score else ():
        if not candidate[offset].isspace():
            content = content.stylize(matcher._match_style, offset, offset + 1)
    return content


class ChildrenProvider(Provider):
    """Open a child by typing part of their name in the palette."""

    async def startup(self) -> None:
        app: PepApp = self.app  # type: ignore[assignment]
        try:
            self.summaries = app.services.children.list(app.principal)
        except Exception:  # a role that cannot list children
            self.summaries = []

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app: PepApp = self.app  # type: ignore[assignment]
        found = 0
        for summary in self.summaries:
            name = clean(summary.get("name") or "")
            score = matcher.match(f"Open {name}")
            if score > 0:
                found += 1
                yield Hit(score, safe_highlight(matcher, f"Open {name}"), partial(app.open_child, summary["child_id"]),
                          help=clean(f"{summary.get('year_label') or ''} · {summary.get('school_name') or ''}"))
                if found >= 50:
                    return


class PluginCommandsProvider(Provider):
    """Plugin views and commands for the principal's role."""

    def _entries(self) -> list[PaletteCommand]:
        app: PepApp = self.app  # type: ignore[assignment]
        return list(app.plugin_palette_commands())

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(Content(entry.title), entry.callback, help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, safe_highlight(matcher, entry.title), entry.callback, help=entry.help)
