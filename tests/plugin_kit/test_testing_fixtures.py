"""The fixtures pep-tui ships for plugin authors' tests (pep_tui.testing)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pep_tui.plugins.api import Severity
from pep_tui.services.access import in_scope

PARTNER_ROLES = ("social_worker", "designated_teacher", "virtual_school", "carer", "child", "parent", "iro")


def test_importing_the_fixtures_imports_neither_textual_nor_the_store() -> None:
    code = ("import sys, pep_tui.testing\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'tinydb') or m == 'pep_tui.store']\n"
            "assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_pep_store_holds_the_sample_cohort_in_a_training_store(pep_store) -> None:
    assert pep_store.services.store.kind == "training"
    summaries = pep_store.services.store.summaries()
    assert len(summaries) == 60
    assert all(s["training"] for s in summaries.values())


def test_each_test_gets_its_own_copy_of_the_store(pep_store, pep_sample_template, tmp_path) -> None:
    assert pep_store.settings.data_dir.resolve().is_relative_to(tmp_path.resolve())
    assert not pep_sample_template.resolve().is_relative_to(tmp_path.resolve())


@pytest.mark.parametrize("role", PARTNER_ROLES)
def test_pep_principal_gives_someone_in_any_role_who_reaches_the_child(role, pep_services, pep_principal) -> None:
    anyone = pep_principal(role)
    assert anyone.role == role
    reachable = [s["child_id"] for s in pep_services.children.list(anyone)]
    assert reachable, f"the sample {role} reaches no child"
    child_id = reachable[-1]
    principal = pep_principal(role, child_id=child_id)
    assert in_scope(pep_services.registry, principal, pep_services.store.load_child(child_id).child)


def test_pep_principal_refuses_an_unknown_role(pep_principal) -> None:
    with pytest.raises(LookupError, match="no installed plugin provides the role 'headteacher'"):
        pep_principal("headteacher")


def test_pep_child_finds_a_child_by_summary_fields(pep_services, pep_child) -> None:
    child_id = pep_child(stage="ks2", on_roll=True)
    summary = pep_services.store.summaries()[child_id]
    assert (summary["stage"], summary["on_roll"]) == ("ks2", True)
    with pytest.raises(LookupError, match="stage='ks99'"):
        pep_child(stage="ks99")


def test_pep_validate_checks_replaced_sections_without_saving(pep_services, pep_child, pep_validate) -> None:
    child_id = pep_child(stage="ks3", on_roll=True)  # attendance applies to a child on a school roll
    before = pep_services.store.load_child(child_id).peps[-1]
    findings = pep_validate(child_id, sections={"shared.attendance": {"sessions_possible": -5}})
    assert any(f.severity is Severity.ERROR and f.section_id == "shared.attendance" for f in findings)
    after = pep_services.store.load_child(child_id).peps[-1]
    assert after.revision == before.revision and after.sections == before.sections


async def test_pep_app_opens_the_app_on_a_child(pep_app, pep_child) -> None:
    child_id = pep_child(stage="ks3")
    async with pep_app(child_id, role="virtual_school") as pilot:
        assert getattr(pilot.app.screen, "child_id", None) == child_id
        assert pilot.app.principal.role == "virtual_school"


def test_the_fixtures_can_ignore_an_unrelated_broken_plugin(tmp_path) -> None:
    import os

    site = tmp_path / "site"
    dist = site / "kit_unrelated-1.0.dist-info"
    dist.mkdir(parents=True)
    (site / "kit_unrelated.py").write_text('PEP_TUI_API_VERSION = "1.2"\nraise RuntimeError("broken elsewhere")\n')
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kit-unrelated\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[pep_tui]\nkit_unrelated = kit_unrelated\n")
    code = ("from pep_tui.testing import load_plugins_for_tests, plugins_under_test\n"
            "manager = load_plugins_for_tests(plugins_under_test(None))\n"
            "print(sorted(n for n, r in manager.records.items() if r.error))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEP_TUI_")}
    env["PYTHONPATH"] = str(site)
    strict = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert strict.returncode != 0 and "broken elsewhere" in strict.stderr  # by default, any broken plugin fails
    named = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**env, "PEP_TUI_TEST_PLUGINS": "pupil_premium,ks2"})
    assert named.returncode == 0, named.stderr
    assert named.stdout.strip() == "['kit_unrelated']"  # left out, as the app would leave it out
    missing = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env={**env, "PEP_TUI_TEST_PLUGINS": "kit_unrelated"})
    assert missing.returncode != 0 and "plugin 'kit_unrelated': import failed: RuntimeError: broken elsewhere" in missing.stderr
