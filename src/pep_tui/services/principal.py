"""Who is asking: the signed-in person, their active role and their scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from pep_tui.domain import StaffMember, StaffScope


@dataclass(frozen=True)
class Principal:
    """The identity every service call is made as. Built by :func:`principal_for`, never from user input."""

    login: str
    display_name: str
    role: str
    roles: tuple[str, ...]
    scope: StaffScope = field(default_factory=StaffScope)
    admin: bool = False
    training: bool = False

    @classmethod
    def from_staff(cls, member: StaffMember, role: str | None = None, training: bool = False) -> Principal:
        """The principal for a staff member acting in one of their roles (the first by default)."""
        chosen = role or member.roles[0]
        if chosen not in member.roles and not training:
            raise ValueError(f"{member.login} does not hold the role {chosen!r}")
        return cls(
            login=member.login,
            display_name=member.display_name,
            role=chosen,
            roles=tuple(member.roles),
            scope=member.scope,
            admin=member.admin,
            training=training,
        )
