"""Settings: the data folder, operator options and the council's policy, each with a documented default.

Sources, highest first: constructor arguments (CLI flags), environment variables (``PEP_TUI_…``, nested
with ``__``, e.g. ``PEP_TUI_POLICY__QA_SCALE=ggar``), ``settings.toml`` in the data folder, defaults.
Security-relevant server options (``[server]``) are read **only** from the data folder's file, never
from the environment, so a user cannot grant themselves another identity.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from pep_tui.domain.reference import default_bank_holidays
from pep_tui.domain.school_year import EarlyYearsStart
from pep_tui.domain.working_days import WorkingCalendar

SETTINGS_FILE = "settings.toml"

#: PP+ rate per looked-after child by financial year (April-March), in pence. Later years: a setting.
DEFAULT_PP_RATES: dict[str, int] = {
    "2014-15": 190_000, "2015-16": 190_000, "2016-17": 190_000, "2017-18": 190_000,
    "2018-19": 230_000, "2019-20": 230_000,
    "2020-21": 234_500, "2021-22": 234_500,
    "2022-23": 241_000, "2023-24": 253_000, "2024-25": 257_000, "2025-26": 263_000,
}


def default_data_dir() -> Path:
    """The per-user data folder (``~/.local/share/pep-tui`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path("pep-tui", appauthor=False)


class Policy(BaseModel):
    """What councils do differently. Every value is a setting with the default documented here."""

    early_years_start: EarlyYearsStart = Field(
        EarlyYearsStart.AGE_2, description="When PEPs start: age_2, term_after_age_3 or age_3"
    )
    pep_cadence: Literal["termly"] = Field("termly", description="A PEP every term (autumn, spring, summer)")
    initial_pep_working_days: int = Field(10, ge=1, description="First PEP within N working days of entering care")
    initial_pep_ready_working_days: int = Field(20, ge=1, description="Ready for the first care-plan review at N working days")
    school_move_pep_working_days: int = Field(10, ge=1, description="New PEP within N working days of a school move")
    termly_pep_due_working_days: int = Field(
        30, ge=1, description="A term's PEP is due N working days after the term starts"
    )
    first_review_working_days: int = Field(20, ge=1, description="First care-plan review (reg 33)")
    second_review_months: int = Field(3, ge=1, description="Second review within N months of the first")
    later_review_months: int = Field(6, ge=1, description="Later reviews at most every N months")
    pep_before_review_working_days: int = Field(
        5, ge=0, description="The PEP must be done N working days before each care-plan review (so the IRO can read it)"
    )
    pep_done_at: Literal["submitted", "approved"] = Field(
        "approved",
        description="When a PEP counts as done for due dates and compliance: once submitted, or once approved",
    )
    qa_scale: Literal["rag", "ggar"] = Field("rag", description="rag: Red/Amber/Green; ggar: Gold/Green/Amber/Red")
    qa_overall_rule: Literal["worst", "any_red_else_majority", "any_red_else_all_but_one_gold"] = Field(
        "any_red_else_majority",
        description=(
            "How section ratings make the overall rating when the adviser gives none. "
            "worst: the lowest section rating. "
            "any_red_else_majority: any red → red; otherwise the most common rating, a tie going to the lower. "
            "any_red_else_all_but_one_gold: any red → red; otherwise gold when some section is gold and every "
            "section is gold but at most one green; otherwise the lowest section rating"
        ),
    )
    qa_good_or_better: list[str] = Field(default_factory=lambda: ["green", "gold"])
    approve_requires_rating: bool = Field(
        True, description="The Virtual School must rate a PEP's quality (this submission) before approving it"
    )
    signoff_chain: list[str] = Field(
        default_factory=lambda: ["submit", "approve"],
        description=(
            "Steps after in progress, in order; submit comes before approve and approve is last. Optional: "
            "'finalise' (social worker, after submit) and 'acknowledge' (the child or carer)"
        ),
    )
    carry_forward_sections: list[str] = Field(
        default_factory=lambda: ["social_worker.care_context", "shared.leisure", "shared.education_setting", "shared.sen"],
        description="Stable context copied from the previous PEP into the next term's, marked for review",
    )
    persistent_absence_threshold: float = Field(
        90.0, description="Attendance at or below this % (missing 10% or more of sessions) is persistent absence"
    )
    pp_rates: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_PP_RATES), description="Pence per child by FY")
    bank_holidays: list[date] | None = Field(None, description="Holidays for working days (default: England and Wales)")

    @field_validator("signoff_chain")
    @classmethod
    def _chain_known(cls, chain: list[str]) -> list[str]:
        known = {"submit", "finalise", "acknowledge", "approve"}
        unknown = [s for s in chain if s not in known]
        if unknown or "submit" not in chain or "approve" not in chain:
            raise ValueError(f"signoff_chain must include submit and approve, from {sorted(known)}; got {chain}")
        if len(set(chain)) != len(chain):
            raise ValueError(f"signoff_chain names a step twice; got {chain}")
        if chain[-1] != "approve":
            raise ValueError(f"signoff_chain must end with approve (an approved PEP is read-only); got {chain}")
        if "finalise" in chain and chain.index("finalise") < chain.index("submit"):
            raise ValueError(f"signoff_chain: finalise comes after submit; got {chain}")
        return chain

    def calendar(self) -> WorkingCalendar:
        """The working-day calendar for this policy's holidays."""
        holidays = self.bank_holidays if self.bank_holidays is not None else default_bank_holidays()
        return WorkingCalendar(holidays)


class ServerSettings(BaseModel):
    """Multi-user deployment options: read only from ``settings.toml`` in the data folder."""

    trust_login_flag: bool = Field(
        False,
        description="Honour --login (set only when every login reaches pep-tui through an SSH forced command)",
    )


class WebSettings(BaseModel):
    """``pep-tui web``: the app in a browser behind the council's signing-in proxy (``[web]``).

    Read **only** from ``settings.toml`` in the data folder, never from the environment: these
    options decide who a browser is signed in as.
    """

    public_url: str = Field(
        "", description="The address people open, e.g. https://pep.example.gov.uk (the proxy's; "
                        "websockets from any other Origin are refused)",
    )
    host: str = Field("127.0.0.1", description="Listen address: 127.0.0.1 or ::1 only (the proxy is on this machine)")
    port: int = Field(8420, ge=1, le=65535, description="Listen port on host (when no socket is set)")
    socket: str = Field("", description="Listen on this Unix socket (mode 0660) instead of host:port")
    login_header: str = Field(
        "X-Forwarded-User", description="The header in which the proxy passes the signed-in login",
    )
    secret_header: str = Field(
        "X-PEP-Proxy-Secret", description="The header in which the proxy proves itself with the shared secret",
    )
    secret_file: str = Field(
        "", description="A file (owner-only) holding the shared secret the proxy sends; required unless "
                        "socket is set",
    )
    login_pattern: str = Field(
        r"^[a-z0-9][a-z0-9._-]{0,63}$",
        description="A login from the proxy must match this whole pattern (checked before anything else)",
    )
    strip_login_domain: bool = Field(
        False, description="Take the login as the part before '@' (for proxies that pass an email address)",
    )
    sessions_per_login: int = Field(3, ge=1, le=50, description="Open browser sessions one login may have")
    max_sessions: int = Field(100, ge=1, description="Open browser sessions in all")
    idle_minutes: int = Field(15, ge=0, description="End a session after this long without a key (0: never)")
    max_session_minutes: int = Field(
        480, ge=1, description="End every session after this long, whatever happens (signing out of the "
                               "single sign-on does not close an open page)",
    )
    max_columns: int = Field(240, ge=40, le=500, description="Widest window accepted, in character cells")
    max_rows: int = Field(80, ge=12, le=200, description="Tallest window accepted, in character cells")


class RetentionSettings(BaseModel):
    """How long a child's records are kept after they leave care (``[retention]`` in ``settings.toml``).

    Nothing is ever deleted automatically: ``pep-tui store retention`` lists the records past this
    period and ``pep-tui store delete-child`` deletes one, after writing an export of it.
    """

    years_after_leaving_care: int = Field(
        25, ge=1, le=100,
        description="Years after leaving care before a child's records are due for review and deletion "
                    "(default 25: set your council's records-retention schedule)",
    )


class Settings(BaseSettings):
    """All settings. Build with :func:`load_settings` so the data folder's file is read."""

    model_config = SettingsConfigDict(env_prefix="PEP_TUI_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    backups_kept: int = Field(10, ge=1, description="Rotating snapshots kept in backups/")
    strict_plugins: bool = False
    disabled_plugins: list[str] = Field(default_factory=list)
    theme: Literal["default", "plain"] = Field("default", description="plain: ANSI colours, no animation")
    keys: dict[str, str] = Field(default_factory=dict, description="Binding id -> key(s), to remap keys")
    policy: Policy = Field(default_factory=Policy)
    server: ServerSettings = Field(default_factory=ServerSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    web: WebSettings = Field(default_factory=WebSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)


class SettingsError(ValueError):
    """A settings file or value that is wrong; the message names the file and the field."""


def read_settings_file(data_dir: Path) -> dict[str, Any]:
    """The parsed ``settings.toml`` of a data folder (empty if there is none)."""
    path = data_dir / SETTINGS_FILE
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from None


def load_settings(data_dir: Path | str | None = None, **overrides: Any) -> Settings:
    """Settings for a data folder: flags (``overrides``) over environment over the folder's file."""
    if data_dir is None:
        env_dir = os.environ.get("PEP_TUI_DATA_DIR")
        data_dir = Path(env_dir) if env_dir else default_data_dir()
    data_dir = Path(data_dir).expanduser()
    file_values = read_settings_file(data_dir)
    server = file_values.pop("server", {})
    web = file_values.pop("web", {})
    try:
        base = Settings(data_dir=data_dir, **overrides)
        merged = _merge(file_values, base.model_dump(exclude_unset=True, exclude={"server", "web"}))
        merged["server"] = server
        merged["data_dir"] = data_dir
        settings = Settings.model_validate(merged)
        # [server] comes from the data folder's file alone, whatever the environment says.
        settings = settings.model_copy(update={"server": ServerSettings.model_validate(server),
                                               "web": WebSettings.model_validate(web)})
    except ValueError as exc:
        raise SettingsError(f"{data_dir / SETTINGS_FILE} or PEP_TUI_* environment: {exc}") from None
    return settings


def _merge(low: dict[str, Any], high: dict[str, Any]) -> dict[str, Any]:
    out = dict(low)
    for key, value in high.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
