"""PP+ requests are made inside the PEP, costed, and linked to the PEP's own targets (Q7)."""

from __future__ import annotations

import pytest

from pep_tui.domain import PEPStatus
from pep_tui.plugins.api import Severity
from pep_tui.services import InvalidInput, PermissionDenied, WorkflowError
from pep_tui_plugins.pupil_premium.config import PupilPremiumSettings
from pep_tui_plugins.pupil_premium.models import REQUESTS_SECTION
from pep_tui_plugins.pupil_premium.service import PupilPremiumService, requests_in, status_of


def test_designated_teacher_adds_a_request_linked_to_a_target(cohort, pp, setup, as_login):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    saved, request = pp.add_request(as_login("dt.larkspur"), child_id, pep.id, setup.request_data(targets), pep.revision)
    assert saved.revision == pep.revision + 1
    stored = requests_in(cohort.store.load_child(child_id).pep(pep.id))
    assert [r.id for r in stored][-1] == request.id
    assert stored[-1].target_ids == [targets[0].id]
    assert status_of(saved, request.id).value == "draft"


def test_targets_may_be_named_by_their_number(pp, setup, as_login):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    data = setup.request_data(targets, target_ids=["2"])
    _saved, request = pp.add_request(as_login("dt.larkspur"), child_id, pep.id, data, pep.revision)
    assert request.target_ids == [targets[1].id]


@pytest.mark.parametrize("targets_given", [[], [""], None])
def test_a_request_without_a_target_is_refused_naming_q7(cohort, pp, setup, as_login, targets_given):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    data = setup.request_data(targets, target_ids=targets_given)
    with pytest.raises(InvalidInput) as caught:
        pp.add_request(as_login("dt.larkspur"), child_id, pep.id, data, pep.revision)
    assert "Q7" in str(caught.value)
    assert caught.value.problems[0].field == "target_ids"
    assert cohort.store.load_child(child_id).pep(pep.id).revision == pep.revision  # nothing saved


def test_a_request_without_a_target_is_refused_through_the_section_form_too(cohort, setup, as_login):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    data = {"requests": [setup.request_data(targets, target_ids=[])]}
    with pytest.raises(InvalidInput) as caught:
        cohort.peps.save_section(as_login("dt.larkspur"), child_id, pep.id, REQUESTS_SECTION, data, pep.revision)
    assert "Q7" in str(caught.value)


def test_a_target_not_in_the_pep_is_refused(pp, setup, as_login):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    with pytest.raises(InvalidInput, match="Q7"):
        pp.add_request(as_login("dt.larkspur"), child_id, pep.id,
                       setup.request_data(targets, target_ids=["tgt_someone_else"]), pep.revision)


def test_q7_validator_flags_a_stored_request_whose_target_has_gone(cohort, setup, as_login):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    data = {"requests": [setup.request_data(targets, target_ids=["tgt_removed"])]}
    cohort.peps.save_section(as_login("dt.larkspur"), child_id, pep.id, REQUESTS_SECTION, data, pep.revision)
    findings = cohort.peps.validate(as_login("dt.larkspur"), child_id, pep.id)
    q7 = [f for f in findings if f.criterion == "Q7" and f.severity is Severity.ERROR]
    assert q7 and q7[0].section_id == REQUESTS_SECTION


def test_amount_is_pounds_in_the_form_and_pence_in_the_ledger(pp, setup, as_login):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    _saved, request = pp.add_request(as_login("dt.larkspur"), child_id, pep.id,
                                     setup.request_data(targets, amount="0.10"), pep.revision)
    from pep_tui_plugins.pupil_premium.money import pence_from_decimal

    assert pence_from_decimal(request.amount) == 10
    with pytest.raises(InvalidInput):
        pp.add_request(as_login("dt.larkspur"), child_id, pep.id, setup.request_data(targets, amount="12.345"),
                       pep.revision + 1)


def test_bands_refuse_other_amounts_when_free_amounts_are_off(cohort, setup, as_login):
    banded = PupilPremiumService(cohort, PupilPremiumSettings(request_bands_pence=[0, 40_000, 80_000, 150_000],
                                                              free_amount_requests=False))
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    with pytest.raises(InvalidInput, match="bands"):
        banded.add_request(as_login("dt.larkspur"), child_id, pep.id, setup.request_data(targets, amount="500"), pep.revision)
    banded.add_request(as_login("dt.larkspur"), child_id, pep.id, setup.request_data(targets, amount="400"), pep.revision)


@pytest.mark.parametrize("login", ["carer.01", "iro.ivy", "sw.amara", "parent.pat"])
def test_roles_without_the_request_capability_cannot_request(cohort, pp, setup, login):
    principal = cohort.principal_for(login)
    child_id = next((s["child_id"] for s in cohort.children.list(principal)
                     if cohort.store.load_child(s["child_id"]).peps), None)
    assert child_id is not None, f"{login} should reach a child in the sample cohort"
    pep = setup.latest_pep(child_id)
    targets = setup.ensure_targets(child_id, pep.id)
    pep = setup.latest_pep(child_id)
    with pytest.raises(PermissionDenied):
        pp.add_request(principal, child_id, pep.id, setup.request_data(targets), pep.revision)


def test_designated_teacher_cannot_request_for_a_child_outside_their_school(cohort, pp, setup, as_login):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    other = "dt.harbourside" if cohort.store.load_child(child_id).child.designated_teacher != "dt.harbourside" else "dt.moorland"
    with pytest.raises(PermissionDenied):
        pp.add_request(as_login(other), child_id, pep.id, setup.request_data(targets), pep.revision)


def test_no_request_in_a_submitted_pep(pp, setup, as_login):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    pep = setup.set_status(child_id, pep.id, PEPStatus.SUBMITTED)
    with pytest.raises(WorkflowError, match="submitted"):
        pp.add_request(as_login("dt.larkspur"), child_id, pep.id, setup.request_data(targets), pep.revision)
