"""What a person sends to PP+ is checked with a message naming the field: money in whole pence (never a
float), text without control characters; nothing is saved when it is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pep_tui.services import InvalidInput
from pep_tui_plugins.pupil_premium.service import funding_of


def fields(exc: pytest.ExceptionInfo[InvalidInput]) -> set[str]:
    return {p.field for p in exc.value.problems}


@pytest.mark.parametrize("amount", [400.0, 400.5, Decimal("400"), "400", True])
def test_a_part_approval_in_anything_but_whole_pence_is_refused(cohort, pp, pending_request, as_login, amount):
    child_id, pep_id, request_id = pending_request(amount="800.00")
    with pytest.raises(InvalidInput) as exc:
        pp.decide(as_login("vs.head"), child_id, pep_id, request_id, "part_approve", amount_pence=amount, reason="x")
    assert fields(exc) == {"amount"}
    assert request_id not in funding_of(cohort.store.load_child(child_id).pep(pep_id)).decisions


def test_payments_and_budget_amounts_must_be_whole_pence(cohort, pp, pending_request, as_login):
    vs = as_login("vs.head")
    child_id, pep_id, request_id = pending_request(amount="800.00")
    pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 2, 10))
    with pytest.raises(InvalidInput) as exc:
        pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 2, 20), 100.5)
    assert fields(exc) == {"amount"}
    assert funding_of(cohort.store.load_child(child_id).pep(pep_id)).payments == []
    _budget, revision = pp.budget.year(vs, "2025-26")
    for call in (lambda: pp.budget.add_line(vs, "2025-26", "Tutoring", 1000.0),
                 lambda: pp.budget.add_adjustment(vs, "2025-26", 99.9, "DfE correction"),
                 lambda: pp.budget.set_children_counted(vs, "2025-26", 12.5)):
        with pytest.raises(InvalidInput):
            call()
    assert pp.budget.year(vs, "2025-26")[1] == revision


def test_an_unknown_decision_is_refused_naming_the_choices(pp, pending_request, as_login):
    child_id, pep_id, request_id = pending_request()
    with pytest.raises(InvalidInput, match="approve, part_approve, decline, refer"):
        pp.decide(as_login("vs.head"), child_id, pep_id, request_id, "accept")


def test_control_characters_are_refused_in_every_text_pp_stores(cohort, pp, pending_request, as_login):
    vs = as_login("vs.head")
    bad = "Paid \x1b[2J by BACS"
    child_id, pep_id, request_id = pending_request(amount="800.00")
    with pytest.raises(InvalidInput) as exc:
        pp.decide(vs, child_id, pep_id, request_id, "decline", reason=bad)
    assert fields(exc) == {"reason"}
    pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 2, 10))
    with pytest.raises(InvalidInput) as exc:
        pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 2, 20), 100, reference=bad)
    assert fields(exc) == {"reference"}
    with pytest.raises(InvalidInput) as exc:
        pp.budget.add_line(vs, "2025-26", bad, 100)
    assert fields(exc) == {"name"}
    with pytest.raises(InvalidInput) as exc:
        pp.budget.add_adjustment(vs, "2025-26", 100, bad)
    assert fields(exc) == {"reason"}
    _budget, line = pp.budget.add_line(vs, "2025-26", "Tutoring", 10_000)
    with pytest.raises(InvalidInput) as exc:
        pp.budget.record_central_payment(vs, "2025-26", line.id, date(2025, 10, 1), 100, reference=bad)
    assert fields(exc) == {"reference"}
    funding = funding_of(cohort.store.load_child(child_id).pep(pep_id))
    assert funding.payments == [] and funding.decisions[request_id].steps[-1].reason == ""


def test_a_malformed_year_is_a_clear_message_not_a_crash(pp, as_login):
    vs = as_login("vs.head")
    with pytest.raises(InvalidInput, match="2025-26"):
        pp.budget.record_central_payment(vs, "2025/26", "ppl_x", date(2025, 10, 1), 100)
    with pytest.raises(InvalidInput, match="should look like 2025-26"):
        pp.budget.add_line(vs, "25-26", "Tutoring", 100)
