"""The model → form mapping and the list's filtering, without running the app."""

from __future__ import annotations

from datetime import date

import pytest
from tui_fixture_sections import About, Attainment, Goals

from pep_tui.tui.cohort_view import CohortView
from pep_tui.tui.forms import FieldInputError, describe_model, parse_date, parse_number


def kinds(model) -> dict[str, str]:
    return {f.name: f.kind for f in describe_model(model)}


def test_field_types_choose_their_editors():
    assert kinds(About) == {
        "summary": "text", "strengths": "long", "meeting_date": "date", "attendance_percent": "float",
        "views_heard": "bool", "hobbies": "lines",
    }
    goals = describe_model(Goals)[0]
    assert goals.kind == "rows" and not goals.table
    assert {c.name: c.kind for c in goals.children} == {
        "description": "long", "owner": "choice", "review_by": "date", "funded": "bool", "notes": "text", "priority": "int",
    }
    subjects = describe_model(Attainment)[0]
    assert subjects.kind == "rows" and subjects.table  # a small table
    working = next(c for c in subjects.children if c.name == "working_at")
    assert [v for _, v in working.choices] == ["below", "at", "above"]


@pytest.mark.parametrize("text", ["2026-02-09", "09/02/2026", "9/2/2026", "9 Feb 2026", "09-02-2026"])
def test_dates_typed_the_english_way(text):
    assert parse_date(text) == date(2026, 2, 9)


def test_bad_values_say_what_is_expected():
    with pytest.raises(FieldInputError, match="date such as"):
        parse_date("31/02/2026")
    with pytest.raises(FieldInputError, match="whole number"):
        parse_number("1.5", "int")
    assert parse_number("1,200", "int") == 1200
    assert parse_number("94.5%", "float") == 94.5


def _summaries(n: int) -> list[dict]:
    return [
        {"child_id": f"c{i}", "name": f"Child{i} Surname{i % 7}", "last_name": f"Surname{i % 7}", "first_name": f"Child{i}",
         "school_name": "Oak" if i % 2 else "Elm", "year_label": "Year 5", "current_status": "returned" if i % 5 == 0 else "in_progress",
         "next_due": "2026-01-01" if i % 3 == 0 else "2026-06-01", "attendance": 85.0 if i % 4 == 0 else 97.0,
         "post16_route": "neet" if i == 7 else None, "year_group": 5}
        for i in range(n)
    ]


def test_filter_as_you_type_narrows_and_clearing_restores():
    view = CohortView(_summaries(100), date(2026, 2, 9))
    view.set_query("child1")
    first = len(view)
    view.set_query("child12")
    assert 0 < len(view) < first and all("Child12" in view.summary(i)["name"] for i in range(len(view)))
    view.set_query("child12 oak")  # every word must match
    assert all(view.summary(i)["school_name"] == "Oak" for i in range(len(view)))
    view.set_query("")
    assert len(view) == 100


def test_saved_filters():
    view = CohortView(_summaries(100), date(2026, 2, 9))
    for filter_id, check in [
        ("overdue", lambda s: s["next_due"] < "2026-02-09"),
        ("returned", lambda s: s["current_status"] == "returned"),
        ("neet", lambda s: s["post16_route"] == "neet"),
        ("low_attendance", lambda s: s["attendance"] <= 90),
    ]:
        view.set_saved(filter_id)
        assert len(view) and all(check(view.summary(i)) for i in range(len(view)))
