"""Exports and imports in the app (F9), as each role may: files land in the login's outbox with the
command that fetches them; imports from the server's import folder are checked on screen and applied
by a key. The services refuse what a role may not do, whatever the screen offers."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from pep_tui.bootstrap import Opened
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.services import PermissionDenied, Services
from pep_tui.services.outbox import outbox_root
from pep_tui.services.outbox_exports import OutboxExports
from pep_tui.settings import load_settings
from pep_tui.tui.app import PepApp
from pep_tui.tui.screens.transfers import TransfersScreen

DATA = Path(__file__).parent.parent / "reports" / "data"


def with_settings(opened: Opened, toml: str) -> Opened:
    root = opened.settings.data_dir
    (root / "settings.toml").write_text(toml)
    settings = load_settings(root)
    services = Services(opened.services.store, opened.services.registry, settings, clock=lambda: SAMPLE_TODAY)
    return Opened(settings, opened.plugins, services)


def in_scope(opened: Opened, login: str) -> str:
    services = opened.services
    return next(s["child_id"] for s in services.children.list(services.principal_for(login)) if s.get("latest_pep_id"))


def out_of_scope(opened: Opened, login: str) -> str:
    services = opened.services
    mine = {s["child_id"] for s in services.children.list(services.principal_for(login))}
    return next(s["child_id"] for s in services.children.list(services.principal_for("vs.head"))
                if s["child_id"] not in mine)


async def choose(pilot, option_id: str) -> str:
    """Pick an entry of the transfers screen, wait for it to finish; the result text."""
    screen = pilot.app.screen
    assert isinstance(screen, TransfersScreen)
    options = screen.query_one(OptionList)
    options.focus()
    options.highlighted = options.get_option_index(option_id)
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return str(screen.query_one("#transfers-result", Static).render())


def offered(app: PepApp) -> set[str]:
    options = app.screen.query_one(OptionList)
    return {options.get_option_at_index(i).id for i in range(options.option_count)}


async def test_designated_teacher_exports_the_pep_in_view_to_the_outbox(tui_store):
    opened = with_settings(tui_store, '[server]\nssh_destination = "pep"\n')
    child = in_scope(opened, "dt.harbourside")
    app = PepApp(opened, opened.services.principal_for("dt.harbourside"), idle_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_child(child)
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, TransfersScreen) and app.screen.child_id == child
        assert {"pep.pdf", "pep.docx", "audit"} <= offered(app)
        assert not {"data.csv", "ledger.fy"} & offered(app), "no cohort data for a designated teacher"
        text = await choose(pilot, "pep.pdf")
        outbox = outbox_root(opened.settings) / "dt.harbourside"
        [pdf] = list(outbox.glob("pep-*.pdf"))
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_mode & 0o777 == 0o600
        assert f"ssh pep fetch {pdf.name} > {pdf.name}" in text
        assert app.clipboard == f"ssh pep fetch {pdf.name} > {pdf.name}"  # OSC 52 where the terminal allows
        await choose(pilot, "blank.docx")
        assert list(outbox.glob("blank-pep-*.docx"))
    events = [e for e in opened.services.store.audit.events() if e.action == "export.pep" and e.child_id == child]
    assert events and events[-1].actor == "dt.harbourside"


async def test_virtual_school_exports_data_and_ledger(full_store):
    opened = with_settings(full_store, "")  # every installed plugin, Pupil Premium Plus included
    app = PepApp(opened, opened.services.principal_for("vs.head"), idle_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert {"data.csv", "data.json", "ledger.fy", "ledger.ay"} <= offered(app)
        await choose(pilot, "data.csv")
        await choose(pilot, "ledger.fy")
    outbox = outbox_root(opened.settings) / "vs.head"
    [archive] = list(outbox.glob("pep-data-*.zip"))
    with zipfile.ZipFile(archive) as zipped:
        assert sorted(zipped.namelist()) == ["children.csv", "pep_fields.csv", "peps.csv", "targets.csv"]
        assert len(zipped.read("children.csv").decode("utf-8-sig").splitlines()) == 61
    [ledger] = list(outbox.glob("pp-ledger-*.csv"))
    assert ledger.read_text().startswith("period,row,date")
    assert not list(outbox.glob(".work-*")), "no scratch folder left behind"


async def test_virtual_school_imports_from_the_import_folder_after_a_dry_run(tui_store, tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "cohort-march.csv").write_bytes((DATA / "cohort_good.csv").read_bytes())
    opened = with_settings(tui_store, f'[server]\nimport_folder = "{incoming}"\n')
    before = len(opened.services.store.summaries())
    app = PepApp(opened, opened.services.principal_for("vs.head"), idle_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        text = await choose(pilot, "import:cohort:cohort-march.csv")
        assert "would add 3" in text and "Dry run: nothing was changed." in text
        assert len(opened.services.store.summaries()) == before
        # the file changes after the check: what is applied is what was shown
        (incoming / "cohort-march.csv").write_bytes((DATA / "cohort_bad.csv").read_bytes())
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Dry run" not in str(app.screen.query_one("#transfers-result", Static).render())
    assert len(opened.services.store.summaries()) == before + 3


async def test_a_file_with_rejected_rows_cannot_be_applied(tui_store, tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "bad.csv").write_bytes((DATA / "cohort_bad.csv").read_bytes())
    opened = with_settings(tui_store, f'[server]\nimport_folder = "{incoming}"\n')
    before = len(opened.services.store.summaries())
    app = PepApp(opened, opened.services.principal_for("vs.head"), idle_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        text = await choose(pilot, "import:cohort:bad.csv")
        assert "check letter should be P, not B" in text and "cannot be applied" in text
        await pilot.press("a")
        await app.workers.wait_for_complete()
    assert len(opened.services.store.summaries()) == before


async def test_other_roles_get_no_imports_and_the_service_refuses_them(tui_store, tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "cohort.csv").write_bytes((DATA / "cohort_good.csv").read_bytes())
    opened = with_settings(tui_store, f'[server]\nimport_folder = "{incoming}"\n')
    app = PepApp(opened, opened.services.principal_for("sw.amara"), idle_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f9")
        await pilot.pause()
        assert not any(o.startswith("import:") or o.startswith("data.") for o in offered(app))
    social_worker = OutboxExports(opened.services, opened.services.principal_for("sw.amara"))
    with pytest.raises(PermissionDenied):
        social_worker.run_import("cohort", "cohort.csv", dry_run=False)
    with pytest.raises(PermissionDenied):
        social_worker.data("csv")
    with pytest.raises(PermissionDenied):
        social_worker.audit_trail(out_of_scope(opened, "sw.amara"))
    with pytest.raises(PermissionDenied):
        social_worker.pep(out_of_scope(opened, "sw.amara"), None, "pdf")
    delivered = social_worker.audit_trail(in_scope(opened, "sw.amara"))
    assert delivered.path.read_text(encoding="utf-8-sig").startswith("at,actor,role,action")


def test_import_names_are_names_not_paths(tui_store, tmp_path):
    opened = with_settings(tui_store, f'[server]\nimport_folder = "{tmp_path}"\n')
    (tmp_path.parent / "secret.csv").write_text("CHILD\n")
    vs = OutboxExports(opened.services, opened.services.principal_for("vs.head"))
    for name in ("../secret.csv", "/etc/passwd", ".hidden.csv"):
        with pytest.raises(Exception, match="plain file name|not a CSV file"):
            vs.run_import("cohort", name, dry_run=True)


def test_fetch_over_ssh_serves_only_the_login_s_own_outbox(tui_store):
    opened = with_settings(tui_store, "[server]\ntrust_login_flag = true\n")
    child = in_scope(opened, "dt.harbourside")
    delivered = OutboxExports(opened.services, opened.services.principal_for("dt.harbourside")).pep(child, None, "pdf")

    def fetch(login: str, command: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "SSH_ORIGINAL_COMMAND": command}
        return subprocess.run([sys.executable, "-m", "pep_tui.cli", "--data-dir", str(opened.settings.data_dir),
                               "--login", login], stdin=subprocess.DEVNULL, capture_output=True, env=env,
                              timeout=120)

    listed = fetch("dt.harbourside", "outbox")
    assert delivered.name in listed.stdout.decode()
    got = fetch("dt.harbourside", f"fetch {delivered.name}")
    assert got.returncode == 0 and got.stdout == delivered.path.read_bytes()
    other = fetch("vs.head", f"fetch {delivered.name}")
    assert other.returncode == 2 and other.stdout == b"" and "not in your outbox" in other.stderr.decode()
    sneaky = fetch("vs.head", "fetch ../dt.harbourside/" + delivered.name)
    assert sneaky.returncode == 2 and sneaky.stdout == b"" and "not a path" in sneaky.stderr.decode()


def test_old_outbox_files_are_deleted(tui_store):
    opened = with_settings(tui_store, "[server]\noutbox_days = 2\n")
    principal = opened.services.principal_for("vs.head")
    from pep_tui.services.outbox import Outbox

    old = Outbox(opened.settings, principal).save("old.csv", b"x")
    os.utime(old, (old.stat().st_atime - 3 * 86400, old.stat().st_mtime - 3 * 86400))
    Outbox(opened.settings, principal).save("new.csv", b"y")
    outbox = Outbox(opened.settings, principal)
    scratch = outbox.folder / ".work-killed"
    scratch.mkdir()
    (scratch / "children.csv").write_text("personal data")
    os.utime(scratch, (scratch.stat().st_atime - 2 * 86400, scratch.stat().st_mtime - 2 * 86400))
    assert [f.name for f in Outbox(opened.settings, principal).files()] == ["new.csv"]
    assert not scratch.exists(), "scratch left by a killed export is removed"
