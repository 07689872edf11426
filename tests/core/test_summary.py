"""The index summary that lists and dashboards read."""

from __future__ import annotations


def test_the_neet_filter_finds_post16_young_people_by_their_last_recorded_route(cohort, as_login) -> None:
    summaries = cohort.children.list(as_login("vs.head"))
    routes = {s["post16_route"] for s in summaries if s["stage"] == "post16" and s["post16_route"]}
    assert {"education", "employment", "neet"} <= routes
