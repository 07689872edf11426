"""An internal error in the app shows one line naming an incident, never the children's data that
Textual's crash screen would print from the traceback's local variables; the traceback goes to the
owner-only log in the data folder."""

from __future__ import annotations

import re
import stat

import pytest

from pep_tui.tui.screens.child import ChildScreen

INCIDENT = re.compile(r"pep-tui hit an internal error; incident (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-[0-9a-f]{4}) "
                      r"was logged for your administrator")


async def test_a_crash_inside_a_screen_shows_one_line_and_logs_the_traceback(make_app, tui_store, capsys,
                                                                             monkeypatch):
    services = tui_store.services
    vs = services.principal_for("vs.head")
    summary = services.children.list(vs)[0]
    record = services.children.record(vs, summary["child_id"])
    child = record.child

    def load_and_fail(self: ChildScreen) -> bool:
        # Locals holding the child's record, as a real failure deep in a screen would have.
        record = self.app.services.children.record(self.app.principal, self.child_id)
        name, upn = record.child.display_name, record.child.upn
        raise RuntimeError(f"cannot show {name} ({upn}, {record.child.id})")

    monkeypatch.setattr(ChildScreen, "load", load_and_fail)
    app = make_app("vs.head")
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(100, 30)) as pilot:
            app.open_child(child.id)
            await pilot.pause()
            await pilot.pause()
    assert app.return_code == 70
    seen = capsys.readouterr()
    shown = seen.out + seen.err
    for secret in (child.first_name, child.last_name, child.display_name, child.upn, child.id):
        assert secret and secret not in shown
    assert "Traceback" not in shown and "load_and_fail" not in shown
    match = INCIDENT.search(shown)
    assert match, shown
    assert shown.strip().splitlines() == [match.group(0)]

    folder = tui_store.settings.data_dir / "logs"
    log = folder / "pep-tui.log"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert f"incident {match.group(1)} in app (ChildScreen) (OS account " in text and ", login vs.head)" in text
    assert "Traceback (most recent call last)" in text and "in load_and_fail" in text
    assert "RuntimeError (message withheld" in text
    for secret in (child.first_name, child.last_name, child.upn):
        assert secret not in text  # neither the message nor any local variable
