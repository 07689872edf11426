"""One child file that cannot be read: the app opens, lists the others and shows a warning naming the
file (never the child's name), once; opening that child says it cannot be read; the dashboard works."""

from __future__ import annotations

from pathlib import Path

from pep_tui.store.index import SummaryIndex
from pep_tui.tui.screens.children import ChildrenScreen
from pep_tui.tui.screens.compliance import ComplianceScreen


def _damage(root: Path, child_id: str) -> None:
    path = root / "children" / f"{child_id}.json"
    raw = path.read_bytes()
    path.unlink()
    path.write_bytes(raw[:200])
    for folder in ("index", "facts"):  # a new term: every child is summarised again on the first list
        index = SummaryIndex(root / folder)
        index.write_base(dict(index.read().summaries), "summer 1999-00")


async def test_the_app_warns_about_an_unreadable_child_and_lists_the_others(make_app, tui_store):
    services = tui_store.services
    summaries = services.children.list(services.principal_for("vs.head"))
    victim = summaries[0]
    _damage(tui_store.settings.data_dir, victim["child_id"])
    app = make_app("vs.head")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ChildrenScreen)
        listed = {s["child_id"] for s in app.screen.view.summaries}
        warnings = [n for n in app._notifications if n.severity == "warning" and "cannot be read" in n.message]
        assert len(warnings) == 1, [n.message for n in app._notifications]
        message = warnings[0].message
        assert f"children/{victim['child_id']}.json" in message and "restore --child" in message
        assert victim["name"] not in message
        assert victim["child_id"] not in listed and len(listed) == len(summaries) - 1
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ComplianceScreen)
        assert "compliance" in app.screen.report_text().lower()
        # named once per session, not on every screen
        assert len([n for n in app._notifications if "cannot be read" in n.message]) == 1
    assert not app.return_code
