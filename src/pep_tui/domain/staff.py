"""Staff records: the people who sign in, mapped to roles and scopes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StaffScope(BaseModel):
    """What a staff member's role reaches, besides the child fields that name them.

    Social workers, carers and IROs reach the children whose record names their login; designated
    teachers reach the pupils of ``school_urns``; delegated school staff reach only ``child_ids``
    (and only ``sections`` if given); a young person reaches ``child_ids`` (their own record).
    """

    model_config = ConfigDict(extra="forbid")
    school_urns: list[str] = Field(default_factory=list)
    child_ids: list[str] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list, description="Section ids a delegate may edit (empty: all the role's)")


class StaffMember(BaseModel):
    """A person who uses pep-tui, identified by the login the server authenticated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    login: str = Field(pattern=r"^[a-z_][a-z0-9_.-]{0,63}$", description="OS/SSH login name")
    display_name: str = Field(min_length=1, max_length=120)
    roles: list[str] = Field(min_length=1)
    scope: StaffScope = Field(default_factory=StaffScope)
    admin: bool = Field(default=False, description="May manage staff records (Virtual School administrators)")
    active: bool = True
    email: str | None = None
    organisation: str | None = None
    revision: int = 0
