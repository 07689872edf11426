"""Staff records: the people who sign in, mapped to roles and scopes."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

#: How often a member of staff wants the "needs you" digest by email (``pep-tui remind``).
DigestFrequency = Literal["daily", "weekly", "none"]
#: The forms of a login (the OS/SSH login name).
LOGIN_PATTERN = r"^[a-z_][a-z0-9_.-]{0,63}$"
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def valid_email(value: str | None) -> str | None:
    """An email address as typed (trimmed), or ``None`` for a blank one; a malformed one is refused.

    Only the shape is checked (one ``@``, a dotted domain, no spaces or control characters): whether
    the mailbox exists is the mail relay's business.
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("expected an email address such as name@council.example")
    return value


#: An optional email address, validated by :func:`valid_email`.
Email = Annotated[str | None, AfterValidator(valid_email)]


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

    login: str = Field(pattern=LOGIN_PATTERN, description="OS/SSH login name")
    display_name: str = Field(min_length=1, max_length=120)
    roles: list[str] = Field(min_length=1)
    scope: StaffScope = Field(default_factory=StaffScope)
    admin: bool = Field(default=False, description="May manage staff records (Virtual School administrators)")
    active: bool = True
    email: str | None = Field(None, description="Where reminders and meeting invitations go (optional)")
    digest: DigestFrequency = Field(
        "daily", description="How often the 'needs you' digest is emailed: daily, weekly or none (their own choice)"
    )
    manager: str | None = Field(
        None, pattern=LOGIN_PATTERN, description="The login of their manager, who also hears of items overdue too long",
    )
    organisation: str | None = None
    revision: int = 0

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.context and info.context.get("stored"):
            # A record saved before addresses were checked still loads (the store stays usable);
            # the relay refuses a bad one and 'pep-tui remind' names the login.
            return value
        return valid_email(value)
