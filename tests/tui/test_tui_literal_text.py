"""User text is text: markup and escape sequences in names and answers show as typed and do nothing."""

from __future__ import annotations

from datetime import date

from conftest import screen_text
from tui_helpers import go_to_section

from pep_tui.tui.screens.child import ChildScreen
from pep_tui.tui.screens.pep import PEPScreen
from pep_tui.tui.text import clean

MARKUP = "[red]x[/red]"
CLICK = "[@click=app.quit]"
ESCAPE = "\x1b[2J"


def test_clean_shows_control_characters_and_keeps_markup_as_text():
    assert clean(f"a{ESCAPE}b") == "a\\x1b[2Jb"
    assert clean("bell\x07") == "bell\\x07"
    assert clean(MARKUP) == MARKUP
    assert clean("two\nlines") == "two lines"
    assert clean("two\nlines", newlines=True) == "two\nlines"
    assert clean("rtl\u202eoverride") == "rtl\\u202eoverride"


async def test_markup_and_escapes_render_literally_everywhere(make_app, tui_store):
    services = tui_store.services
    vs = services.principal_for("vs.head")
    child = services.children.create(vs, {
        "first_name": MARKUP, "last_name": f"Zz{CLICK}", "date_of_birth": date(2016, 3, 1),
        "school_name": "School [b]bold[/b]", "social_worker": "sw.amara",
    })
    pep = services.peps.start(vs, child.id)
    pep = services.peps.save_section(vs, child.id, pep.id, "tuitest.about",
                                     {"summary": f"{MARKUP} {CLICK} end"}, expected_revision=pep.revision)
    # The services now refuse control characters on input; a store written before that rule (or by an
    # import) may still hold them, so they are put there directly, as such a store would have them.
    store = services.store
    child = store.save_child(child.model_copy(update={"last_name": f"Zz{CLICK}{ESCAPE}",
                                                      "school_name": f"{ESCAPE}School [b]bold[/b]"}),
                             child.revision, "vs.head", "virtual_school")
    section = pep.sections["tuitest.about"].model_copy(update={"data": {"summary": f"{MARKUP} {CLICK} {ESCAPE}end"}})
    store.save_pep(pep.model_copy(update={"sections": {**pep.sections, "tuitest.about": section}}), pep.revision,
                   "vs.head", "virtual_school")
    app = make_app("vs.head")
    async with app.run_test(size=(120, 40)) as pilot:
        for key in "zz":
            await pilot.press(key)
        await pilot.pause()
        text = screen_text(app)
        assert MARKUP in text and "Zz[@click=app" in text  # name shown as typed (cut to the column)
        assert "\\x1b[2JSchool [b]bold[/b]"[:14] in text
        assert "\x1b" not in text
        await pilot.click("#children", offset=(3, 1))  # a click opens the row; it must not run "app.quit"
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, ChildScreen)
        text = screen_text(app)
        assert f"{MARKUP} Zz{CLICK}\\x1b[2J" in text
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PEPScreen)
        form = await go_to_section(pilot, app.screen, "tuitest.about")
        # shown (and editable) with the escape made visible, never sent raw to the terminal
        assert form.find_editor("summary").input.value == f"{MARKUP} {CLICK} \\x1b[2Jend"
        text = screen_text(app)
        assert f"{MARKUP} {CLICK}" in text and "\x1b" not in text
    assert not app.return_code  # nothing quit the app


async def test_notifications_show_their_text_literally(make_app):
    app = make_app("vs.head")
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify(f"Saved {MARKUP} {CLICK} {ESCAPE}end", title=f"T{ESCAPE}")
        await pilot.pause()
        note = list(app._notifications)[-1]
        assert note.markup is False  # shown as typed, [@click=…] included
        assert note.message == f"Saved {MARKUP} {CLICK} \\x1b[2Jend" and note.title == "T\\x1b[2J"
    assert not app.return_code
