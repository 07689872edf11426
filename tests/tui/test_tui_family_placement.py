"""The placement decision on the child record screen: the social worker records, after a confirmation,
whether the family may see where and with whom the child lives; the parent's screen follows it."""

from __future__ import annotations

from conftest import screen_text

from pep_tui.services import PermissionDenied
from pep_tui.tui.screens.child import ChildScreen
from pep_tui.tui.screens.child_record import ChildRecordScreen
from pep_tui.tui.screens.dialogs import ChoiceDialog


def _child_with_family(services):
    vs = services.principal_for("vs.head")
    for summary in services.children.list(vs):
        if summary.get("family_access") and summary.get("carer") and summary.get("school_name"):
            return services.children.get(vs, summary["child_id"])
    raise AssertionError("the sample has no child with family access, a carer and a school")


async def _open_record(app, pilot, child_id: str) -> ChildRecordScreen:
    app.open_child(child_id)
    await pilot.pause()
    await pilot.press("i")
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, ChildRecordScreen)
    return app.screen


async def _parent_sees(make_app, login: str, child_id: str) -> str:
    app = make_app(login, "parent")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_child(child_id)
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ChildScreen)
        return screen_text(app)


async def test_the_social_worker_lets_the_family_see_the_placement_and_the_parent_then_sees_it(make_app, tui_store):
    services = tui_store.services
    child = _child_with_family(services)
    parent_login = child.family_access[0]
    carer_name = services.store.get_staff(child.carer).display_name
    before = await _parent_sees(make_app, parent_login, child.id)
    assert carer_name[:12] not in before and child.school_name[:12] not in before

    app = make_app(child.social_worker, "social_worker")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_record(app, pilot, child.id)
        assert "Family sees   nothing of the placement" in screen_text(app)
        assert screen.check_action("family_placement", ()) is True
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert "Let the family see the placement?" in screen_text(app)
        await pilot.press("escape")  # changed their mind: nothing recorded
        await pilot.pause()
        assert isinstance(app.screen, ChildRecordScreen)
        assert services.store.load_child(child.id).child.family_sees_placement is False

        await pilot.press("f")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ChildRecordScreen)
        stored = services.store.load_child(child.id).child
        assert stored.family_sees_placement is True and stored.revision == child.revision + 1
        assert "Family sees   carer, placement, school" in screen_text(app)

    after = await _parent_sees(make_app, parent_login, child.id)
    assert carer_name[:12] in after and child.school_name[:12] in after
    assert (child.upn or "UPN?") not in after  # identifiers stay with staff

    app = make_app(child.social_worker, "social_worker")
    async with app.run_test(size=(80, 24)) as pilot:  # and back again
        await _open_record(app, pilot, child.id)
        await pilot.press("f")
        await pilot.pause()
        assert "Hide the placement from the family?" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
    assert services.store.load_child(child.id).child.family_sees_placement is False
    assert carer_name[:12] not in await _parent_sees(make_app, parent_login, child.id)


async def test_a_decision_made_meanwhile_is_not_overwritten(make_app, tui_store):
    services = tui_store.services
    child = _child_with_family(services)
    app = make_app(child.social_worker, "social_worker")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_record(app, pilot, child.id)
        await pilot.press("f")
        await pilot.pause()
        # the Virtual School records a change to the child while the dialog is open
        vs = services.principal_for("vs.head")
        services.children.update(vs, child.id, {"preferred_name": "Sky"}, child.revision)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ChildRecordScreen)
    stored = services.store.load_child(child.id).child
    assert stored.family_sees_placement is False and stored.preferred_name == "Sky"


async def test_a_parent_or_carer_has_no_key_and_the_service_refuses_them(make_app, tui_store):
    services = tui_store.services
    child = _child_with_family(services)
    for login, role in ((child.carer, "carer"), (child.family_access[0], "parent")):
        app = make_app(login, role)
        async with app.run_test(size=(80, 24)) as pilot:
            app.push_screen(ChildRecordScreen(child.id))
            await pilot.pause()
            screen = app.screen
            if isinstance(screen, ChildRecordScreen):  # the carer may read the record
                assert screen.check_action("family_placement", ()) is False
                await pilot.press("f")
                await pilot.pause()
                assert not isinstance(app.screen, ChoiceDialog)
        principal = services.principal_for(login, role)
        try:
            services.children.set_family_sees_placement(principal, child.id, True, child.revision)
        except PermissionDenied:
            pass
        else:
            raise AssertionError(f"{role} set the family's view of the placement")
        assert services.children.may_decide_placement(principal, child.id) is False
        assert services.store.load_child(child.id).child.family_sees_placement is False
