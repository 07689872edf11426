"""A live store with one person per role and a clock the test can move."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from pep_tui.bootstrap import create_services

START = date(2026, 2, 9)  # a Monday in the spring term

STAFF = [
    ("sw.ann", "social_worker", []),
    ("sw.bob", "social_worker", []),
    ("carer.cat", "carer", []),
    ("carer.dan", "carer", []),
    ("carer.eve", "carer", []),
    ("dt.one", "designated_teacher", ["100001"]),
    ("dt.two", "designated_teacher", ["100002"]),
    ("iro.ivy", "iro", []),
    ("parent.pam", "parent", []),
]


@pytest.fixture
def live(tmp_path, plugins):
    """``live.s`` services over a new live store; ``live.p(login)`` a principal; ``live.advance(days)``."""
    day = [START]
    opened = create_services(tmp_path / "live", "live", plugins=plugins, clock=lambda: day[0])
    services = opened.services
    services.staff.bootstrap_admin("vs.admin", "Virtual School Admin")
    vs = services.principal_for("vs.admin")
    for login, role, schools in STAFF:
        services.staff.add(vs, {"login": login, "display_name": login, "roles": [role],
                                "scope": {"school_urns": schools}})

    def advance(days: int) -> date:
        day[0] = day[0] + timedelta(days=days)
        return day[0]

    def names(login: str, **kwargs) -> set[str]:
        return {s["child_id"] for s in services.children.list(services.principal_for(login), **kwargs)}

    def add_child(**extra):
        data = {"first_name": "Testa", "last_name": "Fictional", "date_of_birth": date(2015, 3, 1),
                "date_entered_care": date(2025, 9, 1), "social_worker": "sw.ann", "school_urn": "100001",
                "carer": "carer.cat", "iro": "iro.ivy", **extra}
        return services.children.create(vs, data)

    return SimpleNamespace(s=services, vs=vs, p=services.principal_for, day=day, advance=advance, ids=names,
                           add_child=add_child, root=tmp_path / "live")
