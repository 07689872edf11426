"""Key-burst fuzzing: every screen driven by seeded random bursts (Escape, Enter, Tab, F-keys, ctrl+t,
text) as a paste or a slow SSH link delivers them. The app must stay up, and nothing saved is lost:
no PEP goes back a revision, what was saved before is still there unless a recorded save changed it,
and the store checks clean."""

from __future__ import annotations

import random
import time

from tui_helpers import burst, editable_child, open_child_pep

from pep_tui.store.check import check_store

#: keys a newcomer hits: back, open, move between fields, the app's F-keys (not F8: resetting the
#: sandbox is the one action meant to drop work), role switching, lists, and plain text
KEYS = ["escape", "escape", "enter", "tab", "shift+tab", "f1", "f3", "f4", "f5", "f6", "f7", "ctrl+t",
        "ctrl+n", "ctrl+o", "ctrl+l", "ctrl+g", "up", "down", "j", "k", "g", "G", "/", "q", "p", "a", "1",
        "backspace", "space", "x", "e", "9"]
BURSTS = 25  # per seed
MAX_KEYS = 10  # per burst
TIME_BUDGET = 90.0  # seconds of bursts per seed at most (a bound on the test, not an assertion)


def _revisions(services, principal) -> dict[str, int]:
    found = {}
    for summary in services.children.list(principal):
        for pep in services.peps.history(principal, summary["child_id"]):
            found[pep.id] = pep.revision
    return found


async def _fuzz(app, services, seed: int) -> list[str]:
    rng = random.Random(seed)
    sent: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        summary = editable_child(services, app.principal)
        await open_child_pep(pilot, summary)
        started = time.monotonic()
        for _ in range(BURSTS):
            if time.monotonic() - started > TIME_BUDGET:
                break
            keys = [rng.choice(KEYS) for _ in range(rng.randint(1, MAX_KEYS))]
            if rng.random() < 0.4:  # an edit then a held Esc: the case that used to pop the screen below
                keys = [rng.choice("abcxyz") for _ in range(rng.randint(1, 4))] + ["escape"] * rng.randint(3, 9) + keys
            sent += keys
            await burst(pilot, *keys)
            assert app.return_code is None and app.is_running, f"seed {seed}: the app stopped after {sent}"
            assert len(app.screen_stack) >= 2, f"seed {seed}: the home screen was popped after {sent}"
        assert app._exception is None, f"seed {seed}: {app._exception!r} after {sent}"
    return sent


async def _run_seed(make_app, tui_store, seed: int) -> None:
    services = tui_store.services
    vs = services.principal_for("vs.head")
    dt = services.principal_for("dt.harbourside")
    marked = editable_child(services, dt)
    pep = services.peps.get(dt, marked["child_id"], marked["current_pep_id"])
    services.peps.save_section(dt, marked["child_id"], pep.id, "tuitest.about",
                               {"summary": "Saved before the bursts"}, expected_revision=pep.revision)
    before = _revisions(services, vs)
    events_before = len(services.audit.for_child(vs, marked["child_id"]))
    app = make_app("dt.harbourside")
    sent = await _fuzz(app, services, seed)
    after = _revisions(services, vs)
    assert all(after.get(pep_id, 0) >= rev for pep_id, rev in before.items()), f"seed {seed}: a PEP went back ({sent})"
    stored = services.peps.get(vs, marked["child_id"], pep.id).section("tuitest.about")
    later_saves = [e for e in services.audit.for_child(vs, marked["child_id"])[events_before:]
                   if e.section_id == "tuitest.about"]
    assert stored.get("summary") == "Saved before the bursts" or later_saves, f"seed {seed}: saved text lost ({sent})"
    report = check_store(services.store, modes=False)
    assert report.ok, f"seed {seed}: {report}"


async def test_key_bursts_on_every_screen_keep_the_app_up_and_the_data_whole_seed_1(make_app, tui_store):
    await _run_seed(make_app, tui_store, 1)


async def test_key_bursts_on_every_screen_keep_the_app_up_and_the_data_whole_seed_2(make_app, tui_store):
    await _run_seed(make_app, tui_store, 2)


async def test_key_bursts_on_every_screen_keep_the_app_up_and_the_data_whole_seed_3(make_app, tui_store):
    await _run_seed(make_app, tui_store, 3)
