"""The staff screen (Virtual School administrators): add, edit, disable and enable staff by keyboard at
80x24, through the staff service; anyone else can neither reach it nor use the service."""

from __future__ import annotations

import pytest
from conftest import screen_text
from tui_helpers import type_text

from pep_tui.services import PermissionDenied
from pep_tui.tui.screens.child_record import FieldsDialog
from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.dialogs import ChoiceDialog
from pep_tui.tui.screens.staff import StaffScreen


async def _open_staff(app, pilot) -> StaffScreen:
    await pilot.pause()
    assert isinstance(app.screen, ChildrenScreen)
    await pilot.press("f12")  # from the home screen, whatever has focus there
    await pilot.pause()
    assert isinstance(app.screen, StaffScreen)
    return app.screen


async def _highlight(pilot, login: str) -> None:
    """Find a login with / and the find box, then back to the list."""
    await pilot.press("slash")
    await type_text(pilot, login)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StaffScreen) and screen.current_login() == login


async def _fill(pilot, values: dict[str, str]) -> None:
    """Type into the named boxes of the open form (the others are left as they are), then ctrl+s."""
    app = pilot.app
    dialog = app.screen
    assert isinstance(dialog, FieldsDialog)
    for index, (key, _label, _initial) in enumerate(dialog.fields):
        if key in values:
            assert app.focused is dialog.query_one(f"#field-{key}")
            await pilot.press("ctrl+u", "end", "ctrl+u")  # empty the box by keys
            await type_text(pilot, values[key])
        if index < len(dialog.fields) - 1:
            await pilot.press("tab")
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_an_administrator_adds_edits_disables_and_enables_staff_by_keyboard(make_app, tui_store):
    services = tui_store.services
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_staff(app, pilot)
        assert "sw.amara" in screen_text(app)

        await pilot.press("a")
        await _fill(pilot, {"login": "sw.dana", "display_name": "Dana Wrenfield (fictional)",
                            "email": "dana@council.example", "roles": "social_worker", "manager": "vs.head",
                            "digest": "weekly"})
        assert isinstance(app.screen, StaffScreen)
        added = services.store.get_staff("sw.dana")
        assert added is not None and added.active and added.roles == ["social_worker"]
        assert (added.display_name, added.email, added.manager, added.digest) == (
            "Dana Wrenfield (fictional)", "dana@council.example", "vs.head", "weekly")
        assert app.screen.current_login() == "sw.dana" and "Dana Wrenfield" in screen_text(app)

        await pilot.press("e")  # a designated teacher for two schools, an administrator, no e-mail
        await _fill(pilot, {"email": "", "roles": "designated_teacher", "school_urns": "999101, 999102",
                            "admin": "yes"})
        edited = services.store.get_staff("sw.dana")
        assert edited.email is None and edited.roles == ["designated_teacher"] and edited.admin
        assert edited.scope.school_urns == ["999101", "999102"] and edited.display_name == "Dana Wrenfield (fictional)"
        assert edited.revision == added.revision + 1

        await pilot.press("d")  # disabling asks first; esc keeps the login active
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert services.store.get_staff("sw.dana").active
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert services.store.get_staff("sw.dana").active is False
        assert "DISABLED" in screen_text(app)
        with pytest.raises(PermissionDenied):
            services.principal_for("sw.dana")

        await pilot.press("n")  # enable: signs in again with the roles and scope it had
        await pilot.pause()
        back = services.store.get_staff("sw.dana")
        assert back.active and back.scope.school_urns == ["999101", "999102"]
        assert services.principal_for("sw.dana").login == "sw.dana"

        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ChildrenScreen)


async def test_a_refusal_is_shown_in_the_form_keeping_what_was_typed(make_app, tui_store):
    services = tui_store.services
    before = services.store.get_staff("sw.ben")
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_staff(app, pilot)
        await _highlight(pilot, "sw.ben")
        await pilot.press("enter")
        await pilot.pause()
        await _fill(pilot, {"email": "ben at council", "roles": "social_worker, wizard"})
        assert isinstance(app.screen, FieldsDialog)
        assert "email: expected an email address" in " ".join(screen_text(app).split())
        assert app.screen.values()["email"] == "ben at council"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
    assert services.store.get_staff("sw.ben") == before


async def test_a_change_saved_meanwhile_is_a_conflict_that_keeps_what_was_typed(make_app, tui_store):
    services = tui_store.services
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_staff(app, pilot)
        await _highlight(pilot, "sw.cleo")
        await pilot.press("e")
        await pilot.pause()
        # another administrator saves the record while the form is open
        services.staff.edit_staff(services.principal_for("vs.head"), login="sw.cleo", email="cleo@council.example")
        await _fill(pilot, {"display_name": "Cleo Kindly-Hart (fictional)"})
        assert isinstance(app.screen, FieldsDialog)
        assert "was changed by vs.head" in " ".join(screen_text(app).split())
        assert app.screen.values()["display_name"] == "Cleo Kindly-Hart (fictional)"
    stored = services.store.get_staff("sw.cleo")
    assert stored.email == "cleo@council.example" and stored.display_name != "Cleo Kindly-Hart (fictional)"


async def test_names_are_shown_literally(make_app, tui_store):
    services = tui_store.services
    services.staff.add(services.principal_for("vs.head"),
                       {"login": "carer.zz", "display_name": "[bold red]Zed[/] [@click=app.quit]x[/]", "roles": ["carer"]})
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_staff(app, pilot)
        await _highlight(pilot, "carer.zz")
        assert "[bold red]Zed[/]" in screen_text(app)


async def test_an_administrator_cannot_disable_their_own_login(make_app, tui_store):
    services = tui_store.services
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_staff(app, pilot)
        await _highlight(pilot, "vs.head")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
    assert services.store.get_staff("vs.head").active


@pytest.mark.parametrize("login", ["vs.adviser", "sw.amara", "dt.moorland", "carer.01", "parent.pat"])
async def test_anyone_but_an_administrator_cannot_reach_it_and_the_service_refuses_them(make_app, tui_store, login):
    services = tui_store.services
    app = make_app(login)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f12")
        await pilot.pause()
        assert not isinstance(app.screen, StaffScreen)
        assert "Staff" not in {c.title for c in app.get_system_commands(app.screen)}
        app.push_screen(StaffScreen())  # even if opened some other way, the service refuses it
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, StaffScreen)
    principal = services.principal_for(login)
    before = services.store.list_staff()
    with pytest.raises(PermissionDenied):
        services.staff.list(principal)
    with pytest.raises(PermissionDenied):
        services.staff.add(principal, {"login": "x.new", "display_name": "X", "roles": ["carer"]})
    with pytest.raises(PermissionDenied):
        services.staff.edit_staff(principal, login="sw.ben", display_name="Changed")
    with pytest.raises(PermissionDenied):
        services.staff.set_active(principal, "sw.ben", False)
    assert services.store.list_staff() == before


async def test_the_staff_screen_is_in_the_palette_for_an_administrator(make_app):
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        entries = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Staff" in entries
        entries["Staff"].callback()
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
