"""Plain views for those who are not staff: the carer reads PP+ requests as money and targets, and the
young person reads their screens in their own words (no revision numbers, QA, stage codes or logins)."""

from __future__ import annotations

import re

from conftest import screen_text

from pep_tui.tui.screens.child import ChildScreen
from pep_tui.tui.screens.pep import PEPScreen
from pep_tui_plugins.pupil_premium.money import format_pence, parse_pounds
from pep_tui_plugins.pupil_premium.reading import read_requests

PP = "pupil_premium.requests"


def _carer_pep_with_pp(services):
    vs = services.principal_for("vs.head")
    for summary in services.children.list(vs):
        child = services.children.get(vs, summary["child_id"])
        if not child.carer:
            continue
        for pep in services.peps.history(vs, child.id):
            if len((pep.section(PP) or {}).get("requests") or []) == 1:
                return child, pep
    raise AssertionError("the sample has no PEP with one PP+ request for a child with a carer")


async def test_the_carer_reads_pp_plus_as_money_and_targets(full_store, snapshot):
    from pep_tui.tui.app import PepApp

    services = full_store.services
    child, pep = _carer_pep_with_pp(services)
    request = pep.section(PP)["requests"][0]
    wording = {t.id: t.description for t in pep.targets}
    app = PepApp(full_store, services.principal_for(child.carer, "carer"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(PEPScreen(child.id, pep.id))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PEPScreen)
        app.screen.show_section(PP)
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        flat = " ".join(text.split())
        for raw in ("Target ids", "Eef", "EEF", "Amount:", f'"{request["amount"]}"', *request["target_ids"]):
            assert raw not in text, raw
        assert format_pence(parse_pounds(request["amount"])) in text  # e.g. £1,800.00
        for target_id in request["target_ids"]:
            assert " ".join(wording[target_id].split())[:40] in flat
        snapshot(app, "pep_pp_plus_carer_80x24")
    # whoever writes it still edits the fields: the designated teacher's form has the amount box
    assert services.peps.get(services.principal_for("vs.head"), child.id, pep.id).section(PP) == pep.section(PP)


def test_the_plain_reading_of_requests_names_money_and_targets_and_shows_stored_text_literally(full_store):
    services = full_store.services
    _child, pep = _carer_pep_with_pp(services)
    target = pep.targets[0]
    data = {"requests": [
        {"amount": "250", "intervention": "[bold]Tutor[/bold]\x1b[2J", "target_ids": [target.id, "t_gone"],
         "stream": "pp_plus", "eef_category": "targeted_academic_support", "start_date": "2026-01-05",
         "end_date": "2026-03-27", "exit_strategy": "School carries on", "provider": ""},
        {"amount": "62.50", "intervention": "Trip", "target_ids": [], "stream": "eypp",
         "eef_category": "wider_strategies", "start_date": "", "end_date": "2026-03-27", "exit_strategy": ""},
    ]}
    text = read_requests(data, pep)
    assert "1. [bold]Tutor[/bold] [2J: £250.00" in text  # markup kept as text, the escape character gone
    assert "\x1b" not in text and "£62.50" in text and "Asked for in all: £312.50." in text
    assert f"target 1: {' '.join(target.description.split())}" in text
    assert "a target no longer in this PEP" in text and "t_gone" not in text
    assert "Paid from Early Years Pupil Premium." in text and "From a date not yet given to 27 Mar 2026." in text
    assert read_requests({"requests": []}, pep) == "No Pupil Premium Plus is asked for in this PEP."


async def test_the_young_person_reads_their_screens_in_plain_words(make_app, tui_store, snapshot):
    services = tui_store.services
    vs = services.principal_for("vs.head")
    everyone = [services.children.get(vs, s["child_id"]) for s in services.children.list(vs)]
    child = next(c for c in everyone if c.young_person_login and c.designated_teacher
                 and services.peps.history(vs, c.id))
    app = make_app(child.young_person_login, "child")
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_child(child.id)
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ChildScreen)
        text = screen_text(app)
        assert "Your PEPs" in text and "Your next PEP meeting" in text
        for jargon in (r"\brev \d", "QA", "SEN", "Designated teacher ", "Approved", "In progress", "PEPs by term"):
            assert not re.search(jargon, text), jargon
        assert re.search(r"Finished|Being written|Being checked|Being changed|Not started", text)

        await pilot.press("p")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PEPScreen)
        text = screen_text(app)
        assert "your PEP for" in text and "parts written" in text
        logins = [m.login for m in services.store.list_staff()]
        for jargon in (r"\brev \d", "saved by", r" ro\b", r"\bks\d", "post16", "sections complete"):
            assert not re.search(jargon, text), jargon
        assert not any(re.search(rf"\b{re.escape(login)}\b", text) for login in logins if login != child.young_person_login)
        snapshot(app, "pep_young_person_80x24")
