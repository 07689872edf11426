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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from pep_tui.domain.bank_holidays import england_bank_holidays, package_years
from pep_tui.domain.school_year import (
    EarlyYearsStart,
    TermRef,
    academic_year_label,
    parse_academic_year,
)
from pep_tui.domain.term_dates import TermDates, default_term_dates
from pep_tui.domain.working_days import WorkingCalendar

SETTINGS_FILE = "settings.toml"

#: The last year whose England bank holidays pep-tui trusts by default: the last year the government
#: (gov.uk/bank-holidays) had published when this release was made. Later years follow the regular
#: rules, but a one-off bank holiday announced since is not known; pep-tui warns past this year.
DEFAULT_BANK_HOLIDAYS_TRUSTED_UNTIL = 2027

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

    model_config = ConfigDict(extra="forbid")

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
        5, ge=0,
        description="The PEP must be done N working days before each later care-plan review (so the IRO can read it)",
    )
    pep_before_first_review_working_days: int = Field(
        0, ge=0,
        description=(
            "The first PEP must be done N working days before the first care-plan review (0: at the review, "
            "i.e. initial_pep_ready_working_days = 20 working days after entering care; a council that wants it "
            "earlier raises this)"
        ),
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
    carry_forward_sections: list[str] | None = Field(
        None,
        description="Stable context copied from the previous PEP into the next term's, marked for review "
                    "(section ids; unset: the sections whose plugins mark them carry_forward)",
    )
    persistent_absence_threshold: float = Field(
        90.0, description="Attendance at or below this % (missing 10% or more of sessions) is persistent absence"
    )
    pp_rates: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_PP_RATES), description="Pence per child by FY")
    bank_holidays: list[date] | None = Field(
        None,
        description=(
            "A complete list of bank holidays replacing the holidays package (rarely wanted: use "
            "bank_holidays_add and bank_holidays_remove); trusted up to the last year it lists"
        ),
    )
    bank_holidays_add: list[date] = Field(
        default_factory=list, description="Days added to England's bank holidays (a one-off bank holiday, a council closure)"
    )
    bank_holidays_remove: list[date] = Field(
        default_factory=list, description="Days taken out of England's bank holidays (a bank holiday the council works)"
    )
    bank_holidays_trusted_until: int = Field(
        DEFAULT_BANK_HOLIDAYS_TRUSTED_UNTIL, ge=2000,
        description=(
            "The last year whose bank holidays have been checked against gov.uk/bank-holidays; pep-tui warns when "
            "a date it computes falls after it (raise it once the next year's list is published and checked)"
        ),
    )
    term_dates: dict[str, TermDates] = Field(
        default_factory=dict,
        description="Term dates by academic year ('2026-27'); a year not listed uses the default pattern, with a warning",
    )
    deadline_days: Literal["working", "school"] = Field(
        "working",
        description=(
            "Count PEP deadlines (initial, school move, termly, before a review) in working days, or in school days "
            "(working days inside the term dates, less closures); care-plan reviews are always working days"
        ),
    )

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

    @field_validator("term_dates")
    @classmethod
    def _term_years(cls, table: dict[str, TermDates]) -> dict[str, TermDates]:
        for label, dates in table.items():
            start = parse_academic_year(label)  # ValueError names the form expected
            if dates.autumn[0].year != start or dates.summer[1].year != start + 1:
                raise ValueError(f"term_dates.{label}: autumn must start in {start} and summer end in {start + 1}")
        return table

    def calendar(self, *, school_days: bool | None = None) -> WorkingCalendar:
        """The working-day calendar: weekends, England's bank holidays (the ``holidays`` package, or the
        ``bank_holidays`` list when set) plus ``bank_holidays_add`` less ``bank_holidays_remove``.

        ``school_days=True`` also skips days outside the term dates and their closures;
        ``None`` follows ``deadline_days``.
        """
        if self.bank_holidays is not None:
            listed = frozenset(self.bank_holidays)
            trusted = max((d.year for d in listed), default=0)
            base = WorkingCalendar((listed | frozenset(self.bank_holidays_add)) - frozenset(self.bank_holidays_remove),
                                   trusted_until=trusted)
        else:
            last_computed = package_years()[1]  # past it the package gives no days at all
            base = WorkingCalendar(self.bank_holidays_add, source=england_bank_holidays,
                                   removed=self.bank_holidays_remove,
                                   trusted_until=min(self.bank_holidays_trusted_until, last_computed))
        if school_days is None:
            school_days = self.deadline_days == "school"
        if not school_days:
            return base
        years: dict[int, TermDates] = {}

        def closed(day: date) -> bool:
            start = day.year if day.month >= 9 else day.year - 1
            if start not in years:
                years[start] = self.term_dates_for(start, base)[0]
            return not years[start].is_school_day(day)

        return WorkingCalendar(base.holidays, source=base.source, removed=base.removed, closed=closed,
                               trusted_until=base.trusted_until)

    def term_dates_for(self, academic_year: int, calendar: WorkingCalendar | None = None) -> tuple[TermDates, bool]:
        """The term dates of an academic year and whether they are the default pattern (not configured)."""
        configured = self.term_dates.get(academic_year_label(academic_year))
        if configured is not None:
            return configured, False
        cal = calendar if calendar is not None and calendar.closed is None else self.calendar(school_days=False)
        return default_term_dates(academic_year, cal.is_working_day), True

    def term_start(self, term: TermRef, calendar: WorkingCalendar | None = None) -> date:
        """The day a term's PEP clock starts: the term's first day in the term dates."""
        return self.term_dates_for(term.academic_year, calendar)[0].start(term.term)


class ServerSettings(BaseModel):
    """Multi-user deployment options: read only from ``settings.toml`` in the data folder."""

    model_config = ConfigDict(extra="forbid")

    trust_login_flag: bool = Field(
        False,
        description="Honour --login (set only when every login reaches pep-tui through an SSH forced command)",
    )
    idle_minutes: int = Field(
        15, ge=0,
        description="End an app session after this many minutes without a key, clearing the screen first (0 = never)",
    )
    import_folder: Path | None = Field(
        None, description="The server folder whose CSV files the Virtual School may import in the app (none: no in-app imports)",
    )
    outbox_folder: Path | None = Field(
        None, description="Where the app leaves exports for staff to fetch over SSH (default: a folder beside the data folder, DATA-outbox)",
    )
    outbox_days: int = Field(7, ge=1, description="Exports left in the outbox are deleted after this many days")
    ssh_destination: str = Field(
        "", description="How staff reach the server, for the fetch commands the app shows (e.g. peptui@pep.example.org; "
                        "default: this account at this host's name)",
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


class LogSettings(BaseModel):
    """The operator's log in ``logs/`` of the data folder (see :mod:`pep_tui.incidents`)."""

    model_config = ConfigDict(extra="forbid")
    max_bytes: int = Field(1_000_000, ge=10_000, description="Start a new log file past this size (bytes)")
    backups: int = Field(5, ge=1, le=100, description="Older log files kept (pep-tui.log.1 ... .N)")
    error_messages: bool = Field(
        False, description="Record exception messages with tracebacks (they may quote personal data)"
    )


class MailSettings(BaseModel):
    """``[mail]``: the council's SMTP relay for reminder digests and meeting invitations.

    The password is never a setting: ``password_file`` names a file only the pep-tui account may read.
    """

    model_config = {"extra": "forbid", "populate_by_name": True}

    host: str | None = Field(None, description="The SMTP relay (no host: pep-tui remind refuses to send)")
    port: int | None = Field(None, ge=1, le=65535, description="Default 587 for starttls, 465 for tls, 25 for none")
    tls: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls (upgrade a plain connection), tls (implicit TLS) or none (localhost only)"
    )
    allow_plain: bool = Field(
        False, description="Allow tls = \"none\": only for a relay on this machine (localhost or 127.0.0.1)"
    )
    ca_file: Path | None = Field(None, description="Certificates to trust for the relay (default: the system's)")
    username: str | None = Field(None, description="SMTP login, when the relay asks for one")
    password_file: Path | None = Field(
        None, description="A file holding the SMTP password (owner-only permissions; never the password here)"
    )
    from_address: str | None = Field(None, alias="from", description="The sender, e.g. pep-reminders@council.example")
    detail: Literal["initials", "none"] = Field(
        "initials",
        description="What a message may say about a child: initials, year group and the due item; or none (counts only)",
    )
    timeout_seconds: float = Field(30.0, gt=0, description="Give up on a silent relay after this long")

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError("[mail] password: not allowed in settings; put it in a file readable only by the "
                             "pep-tui account and name that file in password_file")
        return data

    @model_validator(mode="after")
    def _plain_only_locally(self) -> MailSettings:
        if self.tls == "none" and self.host is not None:
            if not self.allow_plain:
                raise ValueError("[mail] tls = \"none\" sends in clear text: set allow_plain = true as well, "
                                 "and only for a relay on this machine")
            if self.host not in ("localhost", "127.0.0.1", "::1"):
                raise ValueError(f"[mail] tls = \"none\" is allowed only for a relay on localhost; host is {self.host!r}")
        return self

    @property
    def effective_port(self) -> int:
        """The port to connect to: the setting, or the usual one for the TLS mode."""
        return self.port or {"starttls": 587, "tls": 465, "none": 25}[self.tls]


class ReminderSettings(BaseModel):
    """``[reminders]``: what counts as soon, when an overdue item is escalated, and to whom."""

    model_config = {"extra": "forbid"}

    soon_working_days: int = Field(10, ge=0, description="Items due within N working days are listed as coming up")
    escalate_after_working_days: int = Field(
        10, ge=0, description="Items overdue by more than N working days go to the Virtual School (and the SW's manager)"
    )
    escalate_to: list[str] = Field(
        default_factory=list,
        description="Logins that receive escalations (default: every active Virtual School member with an email)",
    )
    weekly_on: Literal["monday", "tuesday", "wednesday", "thursday", "friday"] = Field(
        "monday", description="The day weekly digests go out"
    )
    meeting_minutes: int = Field(60, ge=5, le=600, description="A meeting's length when no end time is recorded")


class Settings(BaseSettings):
    """All settings. Build with :func:`load_settings` so the data folder's file is read.

    Unknown keys are refused (a misspelt setting would otherwise be silently ignored); top-level
    ``PEP_TUI_*`` environment variables that are not settings (``PEP_TUI_DATA_DIR``…) are left alone.
    """

    model_config = SettingsConfigDict(env_prefix="PEP_TUI_", env_nested_delimiter="__", extra="forbid")

    data_dir: Path = Field(default_factory=default_data_dir)
    backups_kept: int = Field(10, ge=1, description="Rotating snapshots kept in backups/")
    strict_plugins: bool = False
    disabled_plugins: list[str] = Field(default_factory=list)
    theme: Literal["default", "plain"] = Field("default", description="plain: ANSI colours, no animation")
    keys: dict[str, str] = Field(default_factory=dict, description="Binding id -> key(s), to remap keys")
    escape_delay_ms: int | None = Field(
        None, ge=10, le=2000,
        description="How long (ms) after Escape to wait for the rest of a key sequence; longer suits slow links "
                    "(default: ESCDELAY or 100)",
    )
    cursor_blink: Literal["auto", "on", "off"] = Field(
        "auto", description="Blinking cursor in text boxes: auto = off in SSH sessions (no idle redraws), on locally",
    )
    policy: Policy = Field(default_factory=Policy)
    server: ServerSettings = Field(default_factory=ServerSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    mail: MailSettings = Field(default_factory=MailSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
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
    except OSError as exc:
        raise SettingsError(f"{path} cannot be read ({exc.strerror or type(exc).__name__})") from None


def load_settings(data_dir: Path | str | None = None, **overrides: Any) -> Settings:
    """Settings for a data folder: flags (``overrides``) over environment over the folder's file."""
    if data_dir is None:
        env_dir = os.environ.get("PEP_TUI_DATA_DIR")
        data_dir = Path(env_dir) if env_dir else default_data_dir()
    data_dir = Path(data_dir).expanduser()
    file_values = read_settings_file(data_dir)
    server = file_values.pop("server", {})
    path = data_dir / SETTINGS_FILE
    web = file_values.pop("web", {})
    try:
        base = Settings(data_dir=data_dir, **overrides)
    except ValidationError as exc:
        raise SettingsError(_one_line(exc, path, {}, environment=True)) from None
    try:
        merged = _merge(file_values, base.model_dump(exclude_unset=True, exclude={"server", "web"}))
        merged["server"] = server
        merged["data_dir"] = data_dir
        settings = Settings.model_validate(merged)
        # [server] comes from the data folder's file alone, whatever the environment says.
        settings = settings.model_copy(update={"server": ServerSettings.model_validate(server),
                                               "web": WebSettings.model_validate(web)})
    except ValidationError as exc:
        raise SettingsError(_one_line(exc, path, {**file_values, "server": server, "web": web})) from None
    return settings


def _one_line(exc: ValidationError, path: Path, file_values: dict[str, Any], environment: bool = False) -> str:
    """Pydantic's errors as one line: where (file or environment variable), the key, the value given and
    what is expected; no URLs."""
    import difflib

    out = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"]]
        if exc.title == "ServerSettings":
            loc = ["server", *loc]
        elif exc.title == "WebSettings":
            loc = ["web", *loc]
        names = [str(p) for p in loc]
        # the section is the leading run of names; list positions are shown as [n]
        head = len(names) - 1
        while head > 0 and isinstance(loc[head], int):
            head -= 1
        key = names[head] + "".join(f"[{p}]" for p in loc[head + 1:]) if names else "(settings)"
        section = ".".join(names[:head])
        in_file = not environment and _has_key(file_values, loc)
        if in_file:
            where = f"{path}: [{section}] {key}" if section else f"{path}: {key}"
        else:
            where = f"environment variable PEP_TUI_{'__'.join(names).upper()}"
        if err["type"] == "extra_forbidden":
            model = _section_model(names[:head])
            known = sorted(model.model_fields) if model else []
            close = difflib.get_close_matches(names[head], known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else (f" (known: {', '.join(known)})" if known else "")
            out.append(f"{where}: unknown setting {names[head]!r}{hint}")
            continue
        message = str(err["msg"]).removeprefix("Value error, ")
        shown = "(missing)" if err["type"] == "missing" else repr(err.get("input"))
        out.append(f"{where} = {shown}: {message}")
    return "; ".join(out)


def _has_key(values: dict[str, Any], loc: list[Any]) -> bool:
    current: Any = values
    for part in loc:
        in_dict = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if not (in_dict or in_list):
            return False
        current = current[part]
    return True


def _section_model(loc: list[str]) -> type[BaseModel] | None:
    model: type[BaseModel] = Settings
    for part in loc:
        field = model.model_fields.get(part)
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _merge(low: dict[str, Any], high: dict[str, Any]) -> dict[str, Any]:
    out = dict(low)
    for key, value in high.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
