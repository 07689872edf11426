"""Training exercises: guided tasks, each with a hint and a check the app can run ("exercise 3: done ✓").

Exercises are data: TOML files holding ``[[exercise]]`` tables. The built-in set ships in
``pep_tui_data/exercises/``; trainers add their own files in ``exercises/`` inside the training folder
(shared by every trainee there) or in folders a sandbox names (``pep-tui demo --exercises DIR``). A file
looks like::

    [[exercise]]
    id = "ks2-times-tables"
    title = "Record Uma's Year 4 multiplication tables check and add a SMART target for it"
    stage = "ks2"                    # early_years, ks1 … ks4, post16
    role = "designated_teacher"      # the role the trainee acts in
    login = "dt.moorland"            # the sample login to sign in as
    child = "TRN02600006"            # the child, by council child id (stable for seed 2026)
    child_name = "Uma Bramblecot"    # optional: checked against the sandbox
    year_group = 4                   # optional: checked against the sandbox
    task = "What to do, step by step."
    hint = "Where to find it in the app."

    [[exercise.check]]               # one or more; see pep_tui.training.conditions
    says = "the multiplication tables check score is recorded"
    look_at = "section"
    section = "ks2.multiplication_check"
    field = "score"
    is_set = true
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pep_tui.domain import year_group
from pep_tui.services import PermissionDenied, Principal, Services
from pep_tui.store import WrongStoreKind
from pep_tui.training.conditions import Check, CheckOutcome, evaluate
from pep_tui.training.sandbox import (
    DEFAULT_TRAINING_LOGIN,
    SHARED_EXERCISES_FOLDER,
    SandboxError,
    read_sandbox_info,
    training_root,
)

#: Audiences a trainer can pick exercises for, beyond a single stage or role id.
AUDIENCE_GROUPS: dict[str, frozenset[str]] = {
    "early_years": frozenset({"early_years"}),
    "school_age": frozenset({"ks1", "ks2", "ks3", "ks4"}),
    "post16": frozenset({"post16"}),
}
BUILT_IN_FOLDER = "exercises"


class Exercise(BaseModel):
    """A guided task for trainees, with a hint and the checks that say it is done."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="Stable id (lower-case, digits, '-', '_')")
    title: str = Field(min_length=1, description="One line: what the trainee will do")
    stage: str = Field(description="Stage id the exercise is about (early_years, ks1 … ks4, post16)")
    role: str = Field(description="Role id the trainee acts in (designated_teacher, social_worker, virtual_school …)")
    login: str = Field(description="The sample login to sign in as for this exercise")
    child: str = Field(description="The child, by council child id (la_child_id, e.g. TRN02600006)")
    child_name: str | None = Field(None, description="The child's name, checked against the sandbox")
    year_group: int | None = Field(None, description="The child's year group this term, checked against the sandbox")
    task: str = Field(min_length=1, description="What to do, step by step")
    hint: str = Field(min_length=1, description="Where to look in the app, for a trainee who is stuck")
    checks: tuple[Check, ...] = Field(alias="check", min_length=1, description="All must pass for the exercise to be done")
    number: int = Field(0, description="Position in the full list (1 for the first); set when loaded")
    source: str = Field("", description="The file it came from")

    @property
    def audience(self) -> str:
        """The audience group: ``early_years``, ``school_age`` or ``post16`` (or the stage id, if another)."""
        return next((name for name, stages in AUDIENCE_GROUPS.items() if self.stage in stages), self.stage)

    def for_audience(self, audience: str) -> bool:
        """Whether the exercise suits ``audience``: a group, a stage id or a role id."""
        return audience in (self.audience, self.stage, self.role)


@dataclass(frozen=True)
class ExerciseResult:
    """Whether an exercise is done, with a message for the trainee ("done ✓" or what is still missing)."""

    done: bool
    message: str
    outcomes: tuple[CheckOutcome, ...] = field(default=())

    @property
    def passed(self) -> int:
        """How many of the exercise's checks pass."""
        return sum(1 for o in self.outcomes if o.passed)


@dataclass
class ExerciseSet:
    """Exercises loaded from files, and any problem found in a file (a bad file is skipped, not fatal)."""

    exercises: list[Exercise] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class ExerciseNotFound(LookupError):
    """No exercise with that id."""


def _built_in_files() -> list[Traversable]:
    folder = files("pep_tui_data").joinpath(BUILT_IN_FOLDER)
    if not folder.is_dir():
        return []
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def _folder_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def _read(source: Traversable | Path, label: str, found: ExerciseSet, seen: dict[str, str]) -> None:
    try:
        document = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        found.problems.append(f"{label}: cannot be read ({exc})")
        return
    tables = document.get("exercise", [])
    if not isinstance(tables, list) or not tables:
        found.problems.append(f"{label}: holds no [[exercise]] tables")
        return
    for n, table in enumerate(tables, start=1):
        name = table.get("id", f"exercise {n}") if isinstance(table, dict) else f"exercise {n}"
        try:
            exercise = Exercise.model_validate({**table, "source": label})
        except (ValidationError, TypeError) as exc:
            found.problems.append(f"{label}: {name}: {_describe(exc)}")
            continue
        if exercise.id in seen:
            found.problems.append(f"{label}: {exercise.id}: the id is already used in {seen[exercise.id]}")
            continue
        seen[exercise.id] = label
        found.exercises.append(exercise)


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "exercise"
            parts.append(f"{where}: {error['msg']}")
        return "; ".join(parts)
    return str(exc)


def exercise_folders(folder: Path | str | None) -> list[Path]:
    """Trainers' exercise folders: the shared one in the training folder (if it exists), then those the
    sandbox in ``folder`` names (``pep-tui demo --exercises DIR``)."""
    found: list[Path] = []
    shared = training_root() / SHARED_EXERCISES_FOLDER
    if shared.is_dir():
        found.append(shared.resolve())
    if folder is not None:
        try:
            named = [Path(f) for f in read_sandbox_info(folder).exercise_folders]
        except SandboxError:
            named = []
        found += [f for f in named if f not in found]
    return found


def load_exercises(folder: Path | str | None = None, extra: list[Path | str] | tuple[Path | str, ...] = ()) -> ExerciseSet:
    """Every exercise: the built-in set, then trainers' folders (see :func:`exercise_folders`), then ``extra``.

    ``folder`` is a sandbox's data folder. Exercises are numbered from 1 in this order. A file that does
    not parse, an exercise that is incomplete or reuses an id is reported in ``problems`` and skipped.
    """
    found = ExerciseSet()
    seen: dict[str, str] = {}
    for source in _built_in_files():
        _read(source, f"built-in {source.name}", found, seen)
    for trainer_folder in [*exercise_folders(folder), *(Path(e) for e in extra)]:
        if not trainer_folder.is_dir():
            found.problems.append(f"{trainer_folder}: exercise folder not found")
            continue
        for path in _folder_files(trainer_folder):
            _read(path, str(path), found, seen)
    found.exercises = [e.model_copy(update={"number": i}) for i, e in enumerate(found.exercises, start=1)]
    return found


def built_in_exercises() -> list[Exercise]:
    """The exercises shipped with pep-tui, without any trainer's own."""
    found = ExerciseSet()
    seen: dict[str, str] = {}
    for source in _built_in_files():
        _read(source, f"built-in {source.name}", found, seen)
    return [e.model_copy(update={"number": i}) for i, e in enumerate(found.exercises, start=1)]


def list_exercises(audience: str | None = None, folder: Path | str | None = None) -> list[Exercise]:
    """The exercises, in order, optionally for one audience (``early_years``, ``school_age``, ``post16``,
    a stage id such as ``ks2`` or a role id such as ``social_worker``). ``folder`` is the sandbox's data
    folder, whose trainer exercise folders are included."""
    exercises = load_exercises(folder).exercises
    if audience:
        exercises = [e for e in exercises if e.for_audience(audience)]
    return exercises


def _checker(services: Services) -> Principal:
    """A Virtual School reader for the checks (sees every child; exercises are checked, not done, as it)."""
    store = services.store
    member = store.get_staff(DEFAULT_TRAINING_LOGIN)
    if member is None or not member.active:
        member = next((m for m in store.list_staff() if m.active), None)
    if member is None:
        raise PermissionDenied("this sandbox has no staff to check exercises with; reset it with 'pep-tui demo --reset'")
    return services.principal_for(member.login, "virtual_school")


def find_child_id(services: Services, key: str, principal: Principal | None = None) -> str | None:
    """The record id of the child with council child id ``key`` (or ``key`` itself if it is a record id)."""
    store = services.store
    keys = read_sandbox_info(store.root).child_keys if (store.root / "sandbox.json").exists() else {}
    if key in keys and store.child_exists(keys[key]):
        return keys[key]
    if store.child_exists(key):
        return key
    principal = principal or _checker(services)
    for summary in services.children.list(principal):
        record = services.children.record(principal, summary["child_id"])
        if record.child.la_child_id == key:
            return record.child.id
    return None


def get_exercise(services: Services | None, exercise_id: str) -> Exercise:
    """The exercise with this id (built-in or from the sandbox's trainer folders)."""
    folder = services.store.root if services is not None else None
    for exercise in load_exercises(folder).exercises:
        if exercise.id == exercise_id:
            return exercise
    raise ExerciseNotFound(f"no exercise {exercise_id!r}; 'pep-tui demo --list-exercises' lists them")


def check_exercise(services: Services, exercise_id: str | Exercise) -> ExerciseResult:
    """Run an exercise's checks against the sandbox: ``ExerciseResult(done, message)``.

    Only a training sandbox is checked (a live store raises :class:`WrongStoreKind`). The checks read
    the child's record through the services as a Virtual School reader; they never change anything.
    """
    if services.store.kind != "training":
        raise WrongStoreKind("exercises are checked only in a training sandbox ('pep-tui demo'), never a live store")
    exercise = exercise_id if isinstance(exercise_id, Exercise) else get_exercise(services, exercise_id)
    principal = _checker(services)
    today = services.ctx.today()
    root = services.store.root
    since = read_sandbox_info(root).ready_at if (root / "sandbox.json").exists() else None
    outcomes: list[CheckOutcome] = []
    records = {}
    for check in exercise.checks:
        key = check.child or exercise.child
        if key not in records:
            child_id = find_child_id(services, key, principal)
            if child_id is None:
                return ExerciseResult(False, f"not yet: the child {key} is not in this sandbox (was it made with "
                                             f"another --seed? 'pep-tui demo --reset' rebuilds the usual cohort)")
            records[key] = services.children.record(principal, child_id)
            fit = _misfit(exercise, records[key], key, today) if key == exercise.child else None
            if fit:
                return ExerciseResult(False, fit)
        record = records[key]
        outcomes.append(evaluate(check, record.child, record.peps, today, since))
    failed = next((o for o in outcomes if not o.passed), None)
    if failed is None:
        return ExerciseResult(True, "done ✓", tuple(outcomes))
    detail = f" ({failed.reason})" if failed.reason else ""
    return ExerciseResult(False, f"not yet: {failed.check.says}{detail}", tuple(outcomes))


def _misfit(exercise: Exercise, record, key: str, today) -> str | None:
    child = record.child
    if exercise.child_name and exercise.child_name != f"{child.first_name} {child.last_name}":
        return (f"not yet: this exercise is written for {exercise.child_name} ({key}) but {key} is "
                f"{child.display_name} in this sandbox (was it made with another --seed?)")
    if exercise.year_group is not None and year_group(child.date_of_birth, today) != exercise.year_group:
        return f"not yet: this exercise expects {key} in year group {exercise.year_group} (another --seed?)"
    return None
