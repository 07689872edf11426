"""The PP+ grant count by the DfE rule: looked after for at least one day in the year of the March SSDA903
return, aged 4 to 15 on the 31 August that falls in it; each child's reason; a rate carried forward is
said out loud."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from pep_tui.cli import main
from pep_tui.domain import Child
from pep_tui_plugins.pupil_premium.config import PupilPremiumSettings
from pep_tui_plugins.pupil_premium.grant_count import CountRule, decide
from pep_tui_plugins.pupil_premium.ledger import grant_for
from pep_tui_plugins.pupil_premium.money import Period

DEFAULT = PupilPremiumSettings()
RATES = {"2025-26": 263_000}


def _child(child_id: str, born: date, entered: date | None = date(2020, 6, 1), left: date | None = None) -> Child:
    return Child(id=child_id, first_name="Test", last_name=child_id, date_of_birth=born, date_entered_care=entered,
                 left_care_on=left)


YEAR_11 = _child("year11", date(2009, 1, 15))                            # 15 on 31/08/2024, 16 by 31/03/2025
LEAVER = _child("leaver", date(2015, 6, 1), left=date(2025, 2, 1))       # left care in the collection year
NURSERY = _child("nursery", date(2021, 1, 15))                           # 3 on 31/08/2024, 4 by 31/03/2025


def test_the_rule_for_2025_26_is_the_march_2025_return_and_31_august_2024() -> None:
    rule = CountRule.for_year(2025, DEFAULT)
    assert (rule.collection_start, rule.collection_end, rule.age_date) == (
        date(2024, 4, 1), date(2025, 3, 31), date(2024, 8, 31))
    assert "at least one day from 01/04/2024 to 31/03/2025, aged 4 to 15 on 31/08/2024" in rule.describe()


def test_the_three_examples_of_the_issue_are_counted_by_the_dfe_rule() -> None:
    rule = CountRule.for_year(2025, DEFAULT)
    year_11, leaver, nursery = (decide(c, rule) for c in (YEAR_11, LEAVER, NURSERY))
    assert year_11.counted and "aged 15 on 31/08/2024" in year_11.reason
    assert leaver.counted and "until 01/02/2025" in leaver.reason
    assert not nursery.counted and nursery.reason == "aged 3 on 31/08/2024: under 4"
    grant = grant_for(2025, [YEAR_11, LEAVER, NURSERY], None, DEFAULT, RATES)
    assert grant.children_counted == 2 and grant.pp_plus_pence == 2 * 263_000


@pytest.mark.parametrize(("child", "why"), [
    (_child("late", date(2015, 1, 1), entered=date(2025, 4, 10)), "entered care on 10/04/2025, after"),
    (_child("early", date(2015, 1, 1), left=date(2024, 4, 1)), "left care on 01/04/2024, before"),
    (_child("old", date(2008, 8, 31)), "aged 16 on 31/08/2024: over 15"),
])
def test_children_outside_the_rule_say_why(child: Child, why: str) -> None:
    decision = decide(child, CountRule.for_year(2025, DEFAULT))
    assert not decision.counted and why in decision.reason


def test_a_council_may_count_only_children_in_care_at_the_year_end() -> None:
    settings = PupilPremiumSettings(count_basis="in_care_on_date")
    decision = decide(LEAVER, CountRule.for_year(2025, settings))
    assert not decision.counted and "not in care on 31/03/2025" in decision.reason
    assert decide(YEAR_11, CountRule.for_year(2025, settings)).counted


def test_the_age_date_and_collection_end_are_settings() -> None:
    settings = PupilPremiumSettings(count_age_on="03-31")  # the old reading: ages on 31 March
    rule = CountRule.for_year(2025, settings)
    assert rule.age_date == date(2025, 3, 31)
    assert decide(NURSERY, rule).counted and not decide(YEAR_11, rule).counted
    with pytest.raises(ValidationError, match="count_age_on"):
        PupilPremiumSettings(count_age_on="02-29")
    with pytest.raises(ValidationError, match="count_collection_end"):
        PupilPremiumSettings(count_collection_end="31-03")


def test_a_missing_years_rates_are_warnings_naming_the_year_and_the_rate_used() -> None:
    grant = grant_for(2026, [YEAR_11, _child("eypp", date(2022, 6, 1))], None, DEFAULT, RATES)
    assert grant.rate_pence == 263_000
    assert any(n.startswith("No PP+ rate is set for 2026-27: using £2,630.00, the rate for 2025-26") for n in grant.notes)
    assert any("Early Years Pupil Premium hourly rate is set for 2026-27: using 68p an hour, the rate for 2024-25"
               in n for n in grant.notes)
    set_year = PupilPremiumSettings(rates_pence={"2026-27": 270_000}, eypp_hourly_rate_pence={"2026-27": 70},
                                    eypp_annual_cap_pence={"2026-27": 40_000})
    assert grant_for(2026, [YEAR_11], None, set_year, RATES).notes == ()


def test_pp_count_lists_every_child_with_a_reason_and_the_ledger_warns(cohort, pp, as_login, capsys):
    vs = as_login("vs.head")
    folder = str(cohort.ctx.settings.data_dir)
    # Make one sample child the Year 11 example and another the leaver.
    ids = [s["child_id"] for s in cohort.children.list(vs)]
    for child_id, changes in ((ids[0], {"date_of_birth": date(2009, 1, 15), "left_care_on": None,
                                        "date_entered_care": date(2020, 6, 1)}),
                              (ids[1], {"date_of_birth": date(2015, 6, 1), "left_care_on": date(2025, 2, 1),
                                        "date_entered_care": date(2020, 6, 1)})):
        child = cohort.store.load_child(child_id).child
        cohort.store.save_child(child.model_copy(update=changes), child.revision, "test", "system")
    result = pp.budget.grant_count(vs, "2025-26")
    by_id = {r.child_id: r for r in result.rows}
    assert len(result.rows) == len(ids) and by_id[ids[0]].counted and by_id[ids[1]].counted
    assert result.counted == pp.budget.ledger(vs, Period.financial("2025-26")).grants[0].children_counted
    assert main(["pp", "count", "--data-dir", folder, "--fy", "2025-26"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"PP+ grant 2025-26: {result.counted} of {len(ids)} children counted.")
    assert all(child_id in out for child_id in ids)
    assert "looked after until 01/02/2025" in out and "aged 15 on 31/08/2024" in out
    assert main(["pp", "count", "--data-dir", folder, "--fy", "2025-26", "--only", "not-counted"]) == 0
    out = capsys.readouterr().out
    not_counted = [r for r in result.rows if not r.counted]
    assert ids[0] not in out and all(r.child_id in out for r in not_counted)
    # A year with no rate set: the ledger names the year and the rate it used.
    assert main(["pp", "ledger", "--data-dir", folder, "--fy", "2026-27"]) == 0
    out = capsys.readouterr().out
    assert "warning: No PP+ rate is set for 2026-27: using £2,630.00, the rate for 2025-26." in out


def test_the_grant_count_is_refused_to_roles_without_reports_and_scoped_for_others(cohort, pp, as_login):
    from pep_tui.services import PermissionDenied

    carer = as_login("carer.07")
    with pytest.raises(PermissionDenied):
        pp.budget.grant_count(carer, "2025-26")
    everyone = {r.child_id for r in pp.budget.grant_count(as_login("vs.head"), "2025-26").rows}
    assert everyone == {s["child_id"] for s in cohort.children.list(as_login("vs.head"))}
