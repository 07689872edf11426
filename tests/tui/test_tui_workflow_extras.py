"""The PEP actions menu's extras, keyboard only: correct an approved PEP (asking first), and the IRO's
note for the next care-plan review. Results are read back through the services."""

from __future__ import annotations

from datetime import date

from conftest import screen_text
from tui_helpers import open_child_pep, type_text

from pep_tui.tui.app import PepApp
from pep_tui.tui.screens.dialogs import ChoiceDialog, NoteDialog, ReasonDialog
from pep_tui.tui.screens.pep import PEPScreen


def _unique(services, principal, status):
    summaries = services.children.list(principal)
    names = [s["name"] for s in summaries]
    return next(s for s in summaries if names.count(s["name"]) == 1 and s["current_status"] == status
                and s["current_pep_id"])


async def test_virtual_school_corrects_an_approved_pep(make_app, tui_store):
    services = tui_store.services
    app = make_app("vs.head")
    summary = _unique(services, app.principal, "approved")
    old_id = summary["current_pep_id"]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert "correct" in [result for _, _, result in app.screen.choices]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)  # asks first
        assert "superseded" in screen_text(app)
        await pilot.press("escape")  # changed my mind: nothing happens
        await pilot.pause()
        assert app.screen is screen
        assert services.peps.get(app.principal, summary["child_id"], old_id).superseded_by is None

        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("ctrl+s")  # no reason yet: refused, the dialog stays
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        await type_text(pilot, "Wrong school on the plan")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PEPScreen) and app.screen.pep_id != old_id
        new_id = app.screen.pep_id
    old = services.peps.get(app.principal, summary["child_id"], old_id)
    new = services.peps.get(app.principal, summary["child_id"], new_id)
    assert old.status.value == "approved" and old.superseded_by == new_id
    assert new.status.value == "in_progress" and new.term_ref == old.term_ref
    assert new.plugin_data["correction"] == {"corrects": old_id, "reason": "Wrong school on the plan"}


async def test_iro_adds_a_review_note(full_store):
    services = full_store.services
    app = PepApp(full_store, services.principal_for("iro.ivy"))
    summary = _unique(services, app.principal, "in_progress")
    pep_id = summary["current_pep_id"]
    before = services.peps.get(app.principal, summary["child_id"], pep_id)
    notes_before = before.section("iro.review_note").get("notes", [])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_child_pep(pilot, summary)
        assert not any(s.editable for s in screen.states)  # the IRO reads; the note is the one write
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert [result for _, _, result in app.screen.choices] == ["review_note", None]
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, "Ask about [b]phonics[/b] support")
        await pilot.press("tab")
        await type_text(pilot, "31/02/2026")  # no such day: refused, the note is kept
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        assert "Review date (optional): expected" in screen_text(app)
        assert "Ask about [b]phonics[/b] support" in screen_text(app)
        for _ in range(len("31/02/2026")):
            await pilot.press("backspace")
        await type_text(pilot, "02/03/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen
    after = services.peps.get(app.principal, summary["child_id"], pep_id)
    notes = after.section("iro.review_note")["notes"]
    assert len(notes) == len(notes_before) + 1
    assert notes[-1]["note"] == "Ask about [b]phonics[/b] support"
    assert notes[-1]["review_date"] == date(2026, 3, 2).isoformat() and notes[-1]["written_by"] == "iro.ivy"
    assert after.status == before.status and after.sections.keys() >= before.sections.keys()
