"""Plugin API 1.2, exercised by a test circumstance plugin (tests/plugin_kit/kit_uasc.py) that uses the
documented API only: a child attribute set on the record, the section it brings, its validator, a
plugin service and summary field that list the child, a CLI command and a sample writer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pep_tui.bootstrap import create_services
from pep_tui.plugins.manager import PluginManager
from pep_tui.sample import SAMPLE_TODAY, generate_cohort
from pep_tui.services import InvalidInput, PermissionDenied

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def uasc_plugins() -> PluginManager:
    manager = PluginManager(strict=True)
    manager.load_entry_points()
    sys.path.insert(0, str(HERE))
    try:
        manager.load_module("kit_uasc", name="kit_uasc")
    finally:
        sys.path.remove(str(HERE))
    manager.registry()
    return manager


@pytest.fixture
def uasc_store(tmp_path: Path, uasc_plugins: PluginManager):
    opened = create_services(tmp_path / "store", "training", plugins=uasc_plugins, clock=lambda: SAMPLE_TODAY)
    generate_cohort(opened.services, children=24, seed=2026)
    return opened


def _screen_text(app) -> str:
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def _child_with_pep(services, principal) -> tuple[str, str]:
    row = next(s for s in services.children.list(principal) if s["current_pep_id"])
    return row["child_id"], row["current_pep_id"]


def test_a_child_attribute_brings_its_section_validator_and_view(uasc_store) -> None:
    services = uasc_store.services
    sw = services.principal_for(next(m.login for m in services.store.list_staff() if "social_worker" in m.roles))
    child_id, pep_id = _child_with_pep(services, sw)
    record = services.children.record(sw, child_id)
    pep = record.pep(pep_id)
    assert "uasc.support" not in {s.spec.id for s in services.peps.visible_sections(sw, record, pep)}
    assert child_id not in services.plugin_service("uasc").children(sw)

    saved = services.children.set_attribute(sw, child_id, "uasc.unaccompanied", "yes")
    assert saved.attributes == {"uasc.unaccompanied": True}
    record = services.children.record(sw, child_id)
    pep = record.pep(pep_id)
    # the section appears on the child's PEP, and its validator runs on it
    assert "uasc.support" in {s.spec.id for s in services.peps.visible_sections(sw, record, pep)}
    findings = services.peps.findings_for(record, pep)
    assert any(f.validator_id == "uasc.english" and f.section_id == "uasc.support" for f in findings)
    # the plugin's view (its service, reading its summary field) lists the child
    assert child_id in services.plugin_service("uasc").children(sw)
    # the change is audited, naming the attribute
    event = services.store.audit.for_child(child_id)[-1]
    assert event.actor == sw.login and "attributes.uasc.unaccompanied" in str(event.detail)

    # cleared with an empty value: the section goes again
    services.children.set_attribute(sw, child_id, "uasc.unaccompanied", "")
    record = services.children.record(sw, child_id)
    assert "uasc.support" not in {s.spec.id for s in services.peps.visible_sections(sw, record, record.pep(pep_id))}


def test_only_the_attributes_editors_may_set_it_and_bad_values_are_named(uasc_store) -> None:
    services = uasc_store.services
    dt_login = next(m.login for m in services.store.list_staff() if "designated_teacher" in m.roles)
    dt = services.principal_for(dt_login)
    child_id, _ = _child_with_pep(services, dt)
    with pytest.raises(PermissionDenied, match="designated_teacher role may not set"):
        services.children.set_attribute(dt, child_id, "uasc.unaccompanied", True)
    head = services.principal_for("vs.head")
    with pytest.raises(PermissionDenied, match="set_attribute"):  # not through a plain record edit either
        record = services.children.record(head, child_id)
        services.children.update(head, child_id, {"attributes": {"uasc.unaccompanied": True}}, record.child.revision)
    with pytest.raises(InvalidInput, match="Unaccompanied asylum-seeking child: expected yes or no"):
        services.children.set_attribute(head, child_id, "uasc.unaccompanied", "perhaps")
    with pytest.raises(InvalidInput, match="no installed plugin declares"):
        services.children.set_attribute(head, child_id, "uasc.nothing", True)
    assert services.children.record(head, child_id).child.attributes.get("uasc.unaccompanied") is None


def test_the_sample_writer_runs_once_the_cohort_is_written(uasc_store) -> None:
    services = uasc_store.services
    head = services.principal_for("vs.head")
    flagged = services.plugin_service("uasc").children(head)
    assert len(flagged) == 1
    assert services.children.record(head, flagged[0]).child.attributes == {"uasc.unaccompanied": True}


def test_the_plugins_cli_command_is_registered_through_the_hook(tmp_path: Path, uasc_store) -> None:
    site = tmp_path / "site"
    dist = site / "kit_uasc-1.0.dist-info"
    dist.mkdir(parents=True)
    (site / "kit_uasc.py").write_text((HERE / "kit_uasc.py").read_text())
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kit-uasc\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[pep_tui]\nkit_uasc = kit_uasc\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEP_TUI_")}
    env["PYTHONPATH"] = str(site)
    run = [sys.executable, "-m", "pep_tui.cli"]
    helped = subprocess.run([*run, "--help"], capture_output=True, text=True, env=env)
    assert "uasc" in helped.stdout and "pupil-premium" in helped.stdout, helped.stderr
    counted = subprocess.run([*run, "uasc", "--data-dir", str(uasc_store.settings.data_dir), "--login", "vs.head"],
                             capture_output=True, text=True, env=env)
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.strip() == "1 unaccompanied child(ren)"


def test_a_plugin_command_may_not_take_a_core_commands_name() -> None:
    from pep_tui.plugins.api import CliCommand
    from pep_tui.plugins.registry import Registry

    registry = Registry()
    registry.add_cli_command("one", CliCommand(name="uasc", configure=lambda p: None))
    with pytest.raises(ValueError, match="already taken"):
        registry.add_cli_command("two", CliCommand(name="other", aliases=("uasc",), configure=lambda p: None))
    with pytest.raises(ValueError, match="lower case words"):
        registry.add_cli_command("two", CliCommand(name="Bad Name", configure=lambda p: None))


def test_a_plugin_service_is_made_once_and_a_missing_one_is_named(uasc_store) -> None:
    services = uasc_store.services
    assert services.plugin_service("uasc") is services.plugin_service("uasc")
    with pytest.raises(LookupError, match="no installed plugin provides the service 'nothing'"):
        services.plugin_service("nothing")


async def test_the_attribute_is_set_on_the_child_record_screen_by_keyboard(uasc_store) -> None:
    from pep_tui.tui.app import PepApp
    from pep_tui.tui.screens.child_record import ChildRecordScreen, FieldsDialog

    services = uasc_store.services
    sw_login = next(m.login for m in services.store.list_staff() if "social_worker" in m.roles)
    child_id, _ = _child_with_pep(services, services.principal_for(sw_login))
    app = PepApp(uasc_store, services.principal_for(sw_login), idle_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ChildRecordScreen(child_id))
        await pilot.pause()
        record_screen = app.screen
        assert isinstance(record_screen, ChildRecordScreen)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, FieldsDialog)
        for key in ("y", "e", "s"):
            await pilot.press(key)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is record_screen
        assert services.children.record(services.principal_for(sw_login), child_id).child.attributes == {
            "uasc.unaccompanied": True}
        text = _screen_text(app)
        assert "Unaccompanied asylum-seeking child" in text and "yes" in text


async def test_a_role_that_may_not_set_an_attribute_is_not_offered_the_form(uasc_store) -> None:
    from pep_tui.tui.app import PepApp
    from pep_tui.tui.screens.child_record import ChildRecordScreen

    services = uasc_store.services
    carer_login = next(m.login for m in services.store.list_staff() if "carer" in m.roles)
    carer = services.principal_for(carer_login)
    child_id = services.children.list(carer)[0]["child_id"]
    app = PepApp(uasc_store, carer, idle_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ChildRecordScreen(child_id))
        await pilot.pause()
        assert app.screen.check_action("attributes", ()) is False
