"""The checks behind training exercises: a small, declarative condition vocabulary (no code is run).

A check names **what to look at** in a child's PEP (or record) and **tests** it must pass. Written in an
exercise file (TOML) as, for example::

    [[exercise.check]]
    says = "the multiplication tables check score is recorded"
    look_at = "section"
    section = "ks2.multiplication_check"
    field = "score"
    is_set = true

What to look at (``look_at``):

``pep``            whether the PEP exists (use ``is_set``)
``status``         the PEP's status: not_started, in_progress, submitted, returned, finalised, approved
``section``        a section's data (``section`` = its id), or one ``field`` of it (dotted for nested values)
``targets``        the PEP's SMART targets (a list; each target has need, description, success_measure,
                   owner, actions, frequency, review_date, area …)
``qa_rating``      the latest quality-assurance rating (green, amber, red …)
``return_reason``  why the Virtual School returned the PEP
``plugin_data``    a feature plugin's data in the PEP (``plugin`` = its name, optional ``field``)
``child``          a field of the child's record (``field``, e.g. ``on_roll``)

Which PEP (``pep``): ``current`` (this term's, the default) or ``latest``.

Tests (every one given must pass): ``is_set``, ``equals``, ``one_of``, ``at_least``, ``at_most``
(numbers; for lists, how many items), ``contains`` (text, case-insensitive; for lists, any item), and for
sections ``changed = true`` (saved by someone since the sandbox was set up; a section merely copied from
last term's PEP does not count until it is saved). Lists can be narrowed first: ``where_set`` (items whose
named fields are all filled in), ``where_missing`` (items with any of the named fields empty),
``where_equals`` (items whose fields have these values), ``where_mentions`` (items whose text mentions a
word).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pep_tui.domain import PEP, Child, TermRef
from pep_tui.sample import SAMPLE_ACTOR
from pep_tui.services.peps import sections_to_review

Scalar = str | int | float | bool | date
LookAt = Literal["pep", "status", "section", "targets", "qa_rating", "return_reason", "plugin_data", "child"]

TEST_NAMES = ("is_set", "equals", "one_of", "at_least", "at_most", "contains", "changed")


class Check(BaseModel):
    """One condition of an exercise: what to look at and the tests it must pass."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    says: str = Field(min_length=1, description="What must be true, in the trainee's words (shown when it is not)")
    look_at: LookAt = Field(description="What to look at (see the module documentation)")
    child: str | None = Field(None, description="The child (council id, e.g. TRN02600006); default: the exercise's")
    pep: Literal["current", "latest"] = Field("current", description="Which PEP: this term's or the latest")
    section: str | None = Field(None, description="Section id, for look_at = section")
    field: str | None = Field(None, description="Field name (dotted for nested values)")
    plugin: str | None = Field(None, description="Feature plugin name, for look_at = plugin_data")
    where_set: list[str] = Field(default_factory=list, description="Keep list items whose fields are all filled in")
    where_missing: list[str] = Field(default_factory=list, description="Keep list items with any of these fields empty")
    where_equals: dict[str, Scalar] = Field(default_factory=dict, description="Keep list items with these values")
    where_mentions: str | None = Field(None, description="Keep list items whose text mentions this (any case)")
    is_set: bool | None = None
    equals: Scalar | None = None
    one_of: list[Scalar] | None = None
    at_least: float | None = None
    at_most: float | None = None
    contains: str | None = None
    changed: bool | None = None

    @model_validator(mode="after")
    def _complete(self) -> Check:
        if self.look_at == "section" and not self.section:
            raise ValueError("look_at = 'section' needs section = '<section id>'")
        if self.look_at == "plugin_data" and not self.plugin:
            raise ValueError("look_at = 'plugin_data' needs plugin = '<plugin name>'")
        if self.look_at == "child" and not self.field:
            raise ValueError("look_at = 'child' needs field = '<field of the child record>'")
        if self.changed is not None and self.look_at != "section":
            raise ValueError("changed applies only to look_at = 'section'")
        if all(getattr(self, name) is None for name in TEST_NAMES):
            raise ValueError(f"a check needs at least one test: {', '.join(TEST_NAMES)}")
        return self


@dataclass(frozen=True)
class CheckOutcome:
    """Whether one check passed, and if not, why (in words)."""

    check: Check
    passed: bool
    reason: str = ""


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _plain(value: Any) -> Any:
    """Values as they appear in stored JSON: dates as ISO strings, enums as their values."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, int | float | str | bool):
        return value.value
    return value


def _dig(data: Any, path: str | None) -> Any:
    if not path:
        return data
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, BaseModel):
            data = getattr(data, part, None)
        else:
            return None
    return data


def _text_of(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(_text_of(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_text_of(v) for v in value)
    return "" if value is None else str(_plain(value))


def current_pep(peps: list[PEP], today: date) -> PEP | None:
    """This term's PEP (the one not superseded), if there is one."""
    term = TermRef.containing(today)
    return next((p for p in reversed(peps) if p.term_ref == term and p.superseded_by is None), None)


def saved_since(pep: PEP, section_id: str, since: datetime | None) -> bool:
    """Whether a section was saved after ``since`` (the sandbox's set-up), not merely carried forward.

    Without ``since``, whether anyone but the sample generator saved it.
    """
    stored = pep.sections.get(section_id)
    if stored is None or stored.updated_at is None or section_id in sections_to_review(pep):
        return False
    if since is not None:
        return stored.updated_at > since
    return stored.updated_by not in (None, SAMPLE_ACTOR)


def evaluate(check: Check, child: Child, peps: list[PEP], today: date, since: datetime | None = None) -> CheckOutcome:
    """Evaluate one check against a child's record and PEPs (as a Virtual School reader sees them).

    ``since`` is when the sandbox was set up: ``changed`` means saved after it.
    """
    if check.look_at == "child":
        return _test(check, _plain(_dig(child.model_dump(mode="json"), check.field)))
    if check.pep == "current":
        pep = current_pep(peps, today)
        missing = f"{child.display_name} has no {TermRef.containing(today).label} PEP yet"
    else:
        pep = next((p for p in reversed(peps) if p.superseded_by is None), None)
        missing = f"{child.display_name} has no PEP yet"
    if check.look_at == "pep":
        return _test(check, pep is not None or None)
    if pep is None:
        return CheckOutcome(check, False, missing)
    match check.look_at:
        case "status":
            value: Any = pep.status.value
        case "section":
            stored = pep.sections.get(check.section or "")
            if check.changed is not None and saved_since(pep, check.section or "", since) != check.changed:
                return CheckOutcome(check, False, "not yet saved in this sandbox" if check.changed else "it was changed")
            value = _dig(stored.data if stored else {}, check.field)
            if all(getattr(check, n) is None for n in TEST_NAMES if n != "changed"):
                return CheckOutcome(check, True)
        case "targets":
            value = [t.model_dump(mode="json") for t in pep.targets]
        case "qa_rating":
            value = pep.qa_rating.overall if pep.qa_rating else None
        case "return_reason":
            value = pep.return_reason
        case "plugin_data":
            value = _dig(pep.plugin_data.get(check.plugin or "", {}), check.field)
        case _:  # pragma: no cover - the model allows no other value
            value = None
    return _test(check, _plain(value))


def _narrow(check: Check, items: list[Any]) -> list[Any]:
    kept = []
    for item in items:
        if check.where_set and not all(_filled(_dig(item, name)) for name in check.where_set):
            continue
        if check.where_missing and all(_filled(_dig(item, name)) for name in check.where_missing):
            continue
        if any(_plain(_dig(item, k)) != _plain(v) for k, v in check.where_equals.items()):
            continue
        if check.where_mentions and check.where_mentions.lower() not in _text_of(item).lower():
            continue
        kept.append(item)
    return kept


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _test(check: Check, value: Any) -> CheckOutcome:
    is_list = isinstance(value, list)
    if is_list:
        value = _narrow(check, value)
    failed = _first_failure(check, value, is_list)
    return CheckOutcome(check, failed is None, failed or "")


def _first_failure(check: Check, value: Any, is_list: bool) -> str | None:
    shown = f"{len(value)} found" if is_list else ("nothing recorded" if not _filled(value) else f"it is {value!r}")
    if check.is_set is not None and _filled(value) != check.is_set:
        return shown if check.is_set else "it is already filled in"
    if check.equals is not None and (is_list or value != _plain(check.equals)):
        return shown
    if check.one_of is not None and (is_list or value not in [_plain(v) for v in check.one_of]):
        return shown
    measure = float(len(value)) if is_list else _number(value)
    if check.at_least is not None and (measure is None or measure < check.at_least):
        return shown
    if check.at_most is not None and (measure is None or measure > check.at_most):
        return shown
    if check.contains is not None:
        needle = check.contains.lower()
        haystack = [_text_of(v).lower() for v in value] if is_list else [_text_of(value).lower()]
        if not any(needle in h for h in haystack):
            return shown
    return None
