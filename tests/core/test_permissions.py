"""Least privilege, enforced in the services: each role tries to cross its scope and is refused."""

from __future__ import annotations

import pytest

from pep_tui.services import PermissionDenied

ROLE_LOGINS = {
    "social_worker": "sw.amara",
    "designated_teacher": "dt.harbourside",
    "carer": "carer.01",
    "parent": "parent.pat",
    "iro": "iro.ivy",
}


def _young_person(cohort) -> str:
    return next(m.login for m in cohort.store.list_staff() if "child" in m.roles)


def _all_ids(cohort) -> set[str]:
    return set(cohort.store.summaries())


@pytest.mark.parametrize("role", [*ROLE_LOGINS, "child"])
def test_each_role_sees_only_its_scope_and_is_refused_outside_it(cohort, as_login, role: str) -> None:
    login = _young_person(cohort) if role == "child" else ROLE_LOGINS[role]
    principal = as_login(login)
    visible = {s["child_id"] for s in cohort.children.list(principal)}
    assert visible, f"{login} should see at least one child in the sample cohort"
    outside = sorted(_all_ids(cohort) - visible)
    assert outside, "the sample cohort should hold children outside every non-VS scope"
    for child_id in visible:
        assert cohort.children.record(principal, child_id).child.id == child_id
    for child_id in outside[:5]:
        with pytest.raises(PermissionDenied):
            cohort.children.record(principal, child_id)
        with pytest.raises(PermissionDenied):
            cohort.peps.history(principal, child_id)


@pytest.mark.parametrize("role", [*ROLE_LOGINS, "child"])
def test_each_role_is_refused_writing_outside_its_scope(cohort, as_login, role: str) -> None:
    login = _young_person(cohort) if role == "child" else ROLE_LOGINS[role]
    principal = as_login(login)
    visible = {s["child_id"] for s in cohort.children.list(principal)}
    vs = as_login("vs.head")
    target = next(
        s for s in cohort.children.list(vs) if s["child_id"] not in visible and s["current_pep_id"]
    )
    record = cohort.children.record(vs, target["child_id"])
    pep = record.pep(target["current_pep_id"])
    section = next(iter(pep.sections), "shared.attendance")
    before = cohort.store.load_child(target["child_id"])
    with pytest.raises(PermissionDenied):
        cohort.peps.save_section(principal, target["child_id"], pep.id, section, {}, pep.revision)
    with pytest.raises(PermissionDenied):
        cohort.children.update(principal, target["child_id"], {"placement": "changed"}, record.child.revision)
    with pytest.raises(PermissionDenied):
        cohort.peps.start(principal, target["child_id"])
    after = cohort.store.load_child(target["child_id"])
    assert after.child == before.child and after.peps == before.peps


def test_virtual_school_reaches_every_child(cohort, as_login) -> None:
    assert {s["child_id"] for s in cohort.children.list(as_login("vs.adviser"))} == _all_ids(cohort)


def test_read_only_iro_cannot_edit_even_in_scope(cohort, as_login) -> None:
    iro = as_login("iro.ivy")
    summary = next(s for s in cohort.children.list(iro) if s["current_pep_id"])
    with pytest.raises(PermissionDenied):
        cohort.children.update(iro, summary["child_id"], {"placement": "x"}, summary["revision"])
    with pytest.raises(PermissionDenied):
        cohort.peps.start(iro, summary["child_id"])


def test_only_virtual_school_admins_manage_staff(cohort, as_login) -> None:
    member = {"login": "new.person", "display_name": "New Person", "roles": ["carer"]}
    for login in ("vs.adviser", "sw.amara", "dt.harbourside", "carer.01", "iro.ivy"):
        with pytest.raises(PermissionDenied):
            cohort.staff.add(as_login(login), member)
    assert cohort.staff.add(as_login("vs.head"), member).login == "new.person"


def test_unknown_and_disabled_logins_cannot_sign_in(cohort, as_login) -> None:
    with pytest.raises(PermissionDenied, match="not an active pep-tui user"):
        cohort.principal_for("nobody")
    cohort.staff.set_active(as_login("vs.head"), "sw.ben", False)
    with pytest.raises(PermissionDenied):
        cohort.principal_for("sw.ben")


def test_role_switching_only_in_training(make_store) -> None:
    live = make_store("live", name="live").services
    live.staff.bootstrap_admin("boss", "Boss")
    with pytest.raises(PermissionDenied, match="does not hold the role"):
        live.principal_for("boss", "carer")
    training = make_store("training", name="sandbox").services
    training.staff.bootstrap_admin("boss", "Boss")
    assert training.principal_for("boss", "carer").role == "carer"


def test_limited_view_roles_do_not_see_qa_or_plugin_data(cohort, as_login) -> None:
    principal = as_login("parent.pat")
    for summary in cohort.children.list(principal):
        for pep in cohort.peps.history(principal, summary["child_id"]):
            assert pep.qa_ratings == [] and pep.plugin_data == {}
            for section_id in pep.sections:
                spec = cohort.registry.sections[section_id]
                assert cohort.registry.can_view_section("parent", spec)


def test_the_store_refuses_fictional_children_in_a_live_store_and_the_reverse(make_store) -> None:
    from datetime import date

    from pep_tui.domain import Child
    from pep_tui.store import ChildRecord, StoreError

    live = make_store("live", name="live2").services.store
    sandbox = make_store("training", name="sandbox2").services.store
    fictional = Child(id="child_x", first_name="Ada", last_name="Example", date_of_birth=date(2015, 1, 1), training=True)
    real = fictional.model_copy(update={"training": False})
    with pytest.raises(StoreError, match="training .fictional. record into a live store"):
        live.create_child(fictional, "a", "virtual_school")
    with pytest.raises(StoreError, match="into a live store"):
        live.import_records([ChildRecord(fictional, [])], "a", "virtual_school")
    with pytest.raises(StoreError, match="live record into a training sandbox"):
        sandbox.create_child(real, "a", "virtual_school")
    assert live.child_ids() == [] and sandbox.child_ids() == []

