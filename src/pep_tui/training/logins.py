"""Who to sign in as in a sandbox: the sample logins for each role, for the app's role picker.

In a training sandbox any login may act in any role (``Services.principal_for`` allows it only there),
but a role's scope follows the login: a social worker sees the children whose ``social_worker`` is
that login. So switching role means choosing a login that holds it, which this module lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from pep_tui.services import Services
from pep_tui.store import WrongStoreKind


@dataclass(frozen=True)
class TrainingLogin:
    """A sample login to sign in as: the role it holds, the person's name and how many children it sees."""

    role: str
    role_title: str
    login: str
    display_name: str
    children: int


def training_logins(services: Services, role: str | None = None) -> list[TrainingLogin]:
    """The sandbox's active logins, one entry per role each holds, ordered by role then by login.

    Only for a training sandbox: a live store raises :class:`WrongStoreKind` (there, who may sign in as
    whom is the administrator's business, not a picker's).
    """
    if services.store.kind != "training":
        raise WrongStoreKind("role switching is available only in a training sandbox")
    roles = services.registry.roles
    found: list[TrainingLogin] = []
    for member in services.store.list_staff():
        if not member.active:
            continue
        for held in member.roles:
            if held not in roles or (role is not None and held != role):
                continue
            principal = services.principal_for(member.login, held)
            found.append(TrainingLogin(held, roles[held].title, member.login, member.display_name,
                                       len(services.children.list(principal))))
    order = {r.id: (r.order, r.id) for r in roles.values()}
    return sorted(found, key=lambda t: (order.get(t.role, (99, t.role)), t.login))
