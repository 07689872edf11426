"""The app's side of pep-tui web: telling the web driver apart, browser-safe keys, downloads."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from pep_tui.testing import open_app
from pep_tui.tui import app as app_module
from pep_tui.tui import web as web_module
from pep_tui.tui.web import BROWSER_KEYMAP, WEB_DRIVER, browser_keymap, in_browser

BROWSER_KEYS = {"ctrl+t", "ctrl+n", "ctrl+w"}


def test_in_browser_needs_the_web_driver_and_the_server_mark(monkeypatch) -> None:
    monkeypatch.delenv("PEP_WEB_SESSION", raising=False)
    monkeypatch.setenv("TEXTUAL_DRIVER", WEB_DRIVER)
    assert not in_browser()  # a driver chosen by hand is not pep-tui web
    monkeypatch.setenv("PEP_WEB_SESSION", "1")
    assert in_browser()
    monkeypatch.delenv("TEXTUAL_DRIVER")
    assert not in_browser()


def test_every_action_on_a_browser_key_has_another_key_in_the_browser() -> None:
    from pep_tui.tui.screens import child, children, pep

    keymap = browser_keymap({})
    classes = [app_module.PepApp, pep.PEPScreen, children.ChildrenScreen, child.ChildScreen]
    for cls in classes:
        for binding in cls.BINDINGS:
            if not isinstance(binding, Binding):
                continue
            keys = {k.strip() for k in (keymap.get(binding.id or "") or binding.key).split(",")}
            assert keys - BROWSER_KEYS, f"{cls.__name__}: {binding.action} only on {keys} in a browser"


def test_the_councils_own_keys_win_over_the_browser_defaults() -> None:
    assert browser_keymap({"app.switch_role": "f12"})["app.switch_role"] == "f12"
    assert browser_keymap({})["pep.next_section"] == BROWSER_KEYMAP["pep.next_section"]


async def test_in_a_browser_the_app_shows_and_takes_the_other_keys(pep_store, pep_principal, monkeypatch) -> None:
    monkeypatch.setattr(app_module, "in_browser", lambda app=None: True)
    async with open_app(pep_store, pep_principal("virtual_school")) as pilot:
        assert pilot.app.key_for("app.switch_role").lower() == "f9"
        depth = len(pilot.app.screen_stack)
        await pilot.press("f9")  # training: the role picker opens
        await pilot.pause()
        assert len(pilot.app.screen_stack) == depth + 1


async def test_in_a_terminal_the_keys_stay_as_they_were(pep_store, pep_principal) -> None:
    async with open_app(pep_store, pep_principal("virtual_school")) as pilot:
        assert pilot.app.key_for("app.switch_role").lower() in ("^t", "ctrl+t")


async def test_download_in_a_browser_delivers_the_pdf(pep_store, pep_principal, monkeypatch) -> None:
    child_id = _child_with_pep(pep_store)
    principal = pep_principal("social_worker", child_id)
    delivered: list[tuple[bytes, str, str]] = []

    def fake_deliver(self, file, *, save_filename=None, open_method="download", mime_type=None, **kwargs):
        delivered.append((file.read(), save_filename, mime_type))
        return "key"

    monkeypatch.setattr(web_module, "in_browser", lambda app=None: True)
    monkeypatch.setattr(app_module.PepApp, "deliver_binary", fake_deliver)
    async with open_app(pep_store, principal, child_id) as pilot:
        await pilot.press("d")
        await pilot.pause()
    [(content, name, mime)] = delivered
    assert content.startswith(b"%PDF") and name.endswith(".pdf") and child_id in name
    assert mime == "application/pdf"
    audit = [e.action for e in pep_store.services.audit.for_child(principal, child_id)]
    assert "export.pep" in audit


async def test_download_in_a_terminal_names_the_export_command(pep_store, pep_principal, monkeypatch) -> None:
    child_id = _child_with_pep(pep_store)
    principal = pep_principal("social_worker", child_id)
    calls: list[object] = []
    monkeypatch.setattr(app_module.PepApp, "deliver_binary", lambda *a, **k: calls.append(a))
    async with open_app(pep_store, principal, child_id) as pilot:
        messages: list[str] = []
        monkeypatch.setattr(pilot.app, "notify", lambda message, **k: messages.append(message))
        await pilot.press("d")
        await pilot.pause()
    assert not calls
    assert any(f"pep-tui export pep {child_id} --format pdf" in m for m in messages)


async def test_no_download_of_another_childs_pep(pep_store, pep_principal, monkeypatch) -> None:
    child_id = _child_with_pep(pep_store)
    other = _child_with_pep(pep_store, not_in_scope_of=pep_principal("carer", child_id))
    carer = pep_principal("carer", child_id)
    delivered: list[object] = []
    monkeypatch.setattr(web_module, "in_browser", lambda app=None: True)
    monkeypatch.setattr(app_module.PepApp, "deliver_binary", lambda *a, **k: delivered.append(a))
    async with open_app(pep_store, carer) as pilot:
        messages: list[str] = []
        monkeypatch.setattr(pilot.app, "notify", lambda message, **k: messages.append(message))
        pilot.app.download_pep(other)
        await pilot.pause()
    assert not delivered
    assert messages


def _child_with_pep(opened, not_in_scope_of=None) -> str:
    """A sample child with a PEP (outside ``not_in_scope_of``'s children, if given)."""
    from pep_tui.services import PermissionDenied
    from pep_tui.testing import principal_for_role

    admin = principal_for_role(opened.services, "virtual_school")
    for summary in opened.services.children.list(admin):
        child_id = summary["child_id"]
        if not_in_scope_of is not None:
            try:
                opened.services.children.record(not_in_scope_of, child_id)
                continue
            except PermissionDenied:
                pass
        try:
            opened.services.exports.default_pep_id(admin, child_id)
        except Exception:
            continue
        return child_id
    pytest.fail("the sample has no child with a PEP")


async def test_the_app_hears_when_a_browser_download_never_arrives(pep_store, pep_principal, monkeypatch) -> None:
    from textual import events

    child_id = _child_with_pep(pep_store)
    principal = pep_principal("social_worker", child_id)
    keys = iter(["first", "second"])
    monkeypatch.setattr(web_module, "in_browser", lambda app=None: True)
    monkeypatch.setattr(app_module.PepApp, "deliver_binary", lambda self, *a, **k: next(keys))
    monkeypatch.setattr(app_module.PepApp, "DOWNLOAD_WAIT_SECONDS", 0.2)
    async with open_app(pep_store, principal, child_id) as pilot:
        messages: list[tuple[str, str]] = []
        monkeypatch.setattr(pilot.app, "notify",
                            lambda message, severity="information", **k: messages.append((message, severity)))
        pilot.app.download_pep(child_id)  # the browser never fetches this one
        pilot.app.download_pep(child_id)
        pilot.app.post_message(events.DeliveryComplete(key="second", path=None, name=None))
        await pilot.pause(0.6)
    warnings = [m for m, severity in messages if severity == "warning"]
    assert len(warnings) == 1 and "has not fetched" in warnings[0]
    assert any(m.startswith("Downloaded pep-") for m, _ in messages)
