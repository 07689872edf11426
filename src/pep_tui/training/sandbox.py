"""Training sandboxes: a separate, plainly fictional store per trainee, created and reset in one command.

A sandbox is a data folder whose ``store.json`` says ``kind = "training"``. A live store refuses to
open it and it refuses to open as a live store, so fictional data and real children never meet. Beside
the store files a sandbox keeps ``sandbox.json``: the seed and size it was made with (so a reset
rebuilds exactly the same cohort), the extra exercise folders its trainer chose, when it was set up
(what trainees saved after that counts as their work) and a map from the cohort's council child ids
(``TRN…``) to record ids for the exercise checks.
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pep_tui.bootstrap import Opened, create_services, open_services
from pep_tui.domain import utcnow
from pep_tui.sample import SAMPLE_TODAY, generate_cohort
from pep_tui.services import Principal
from pep_tui.store import Store, StoreError, StoreNotFound
from pep_tui.store.files import CorruptFile, atomic_write_bytes, dump_json, ensure_dir, load_json
from pep_tui.store.locks import transient_lock

#: The login a sandbox opens as unless another is chosen: the (fictional) Virtual School Head.
DEFAULT_TRAINING_LOGIN = "vs.head"
#: The cohort a new sandbox gets unless told otherwise.
DEFAULT_SEED = 2026
DEFAULT_CHILDREN = 60
#: The file beside the store files that describes the sandbox.
SANDBOX_FILE = "sandbox.json"
SANDBOX_FORMAT = "pep-tui-sandbox"
#: Environment variable naming the folder that holds every trainee's sandbox on this machine.
TRAINING_DIR_ENV = "PEP_TUI_TRAINING_DIR"
#: Inside the training folder: trainers' own exercise files, shared by every trainee there.
SHARED_EXERCISES_FOLDER = "exercises"
#: What a reset keeps: the operator's settings for the sandbox.
KEPT_ON_RESET = frozenset({"settings.toml"})

_TRAINEE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class SandboxError(StoreError):
    """A training sandbox cannot be created, opened or reset; the message says why and what to do."""


@dataclass
class SandboxInfo:
    """What ``sandbox.json`` records about a sandbox."""

    seed: int = DEFAULT_SEED
    children: int = DEFAULT_CHILDREN
    exercise_folders: list[str] = field(default_factory=list)
    child_keys: dict[str, str] = field(default_factory=dict)
    ready_at: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """The JSON document written to ``sandbox.json``."""
        return {
            "format": SANDBOX_FORMAT,
            "seed": self.seed,
            "children": self.children,
            "exercise_folders": list(self.exercise_folders),
            "child_keys": dict(self.child_keys),
            "ready_at": self.ready_at.isoformat() if self.ready_at else None,
        }


def sandbox_clock() -> date:
    """"Today" inside every sandbox: the date the fictional cohort is set on (spring term 2025-26)."""
    return SAMPLE_TODAY


def training_root() -> Path:
    """The folder holding every trainee's sandbox: ``PEP_TUI_TRAINING_DIR``, else a per-user folder.

    It is deliberately not inside the live data folder, so a live store's folder never holds fictional data.
    """
    env = os.environ.get(TRAINING_DIR_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("pep-tui-training", appauthor=False)


def check_trainee_name(name: str) -> str:
    """``name`` if it is safe as a folder name (letters, digits, ``.``, ``_``, ``-``; 1-64 characters).

    Raises :class:`SandboxError` naming the problem otherwise, so ``--trainee ../x`` never escapes the
    training folder.
    """
    if not _TRAINEE_NAME.match(name or ""):
        raise SandboxError(
            f"--trainee {name!r} is not usable as a sandbox name: use 1-64 letters, digits, '.', '_' or '-', "
            f"starting with a letter or digit (e.g. --trainee alex or --trainee room2-07)"
        )
    if name.lower() == SHARED_EXERCISES_FOLDER:
        raise SandboxError(f"--trainee {name!r} is reserved for trainers' exercise files; choose another name")
    return name


def sandbox_dir(trainee: str | None = None) -> Path:
    """Where a trainee's sandbox lives: ``<training root>/<trainee>`` (the OS login by default)."""
    if trainee is None:
        from pep_tui.services.identity import os_login

        login = os_login()
        trainee = login if _TRAINEE_NAME.match(login) and login.lower() != SHARED_EXERCISES_FOLDER else "trainee"
    return training_root() / check_trainee_name(trainee)


def read_sandbox_info(folder: Path | str) -> SandboxInfo:
    """The sandbox's ``sandbox.json`` (defaults when absent, e.g. a store made by ``pep-tui sample``)."""
    path = Path(folder).expanduser() / SANDBOX_FILE
    try:
        data = load_json(path)
    except FileNotFoundError:
        return SandboxInfo()
    except CorruptFile as exc:
        raise SandboxError(f"{path} cannot be read ({exc.reason}); reset the sandbox with 'pep-tui demo --reset'") from None
    if not isinstance(data, dict) or data.get("format") != SANDBOX_FORMAT:
        raise SandboxError(f"{path} is not a pep-tui sandbox description")
    return SandboxInfo(
        seed=int(data.get("seed", DEFAULT_SEED)),
        children=int(data.get("children", DEFAULT_CHILDREN)),
        exercise_folders=[str(f) for f in data.get("exercise_folders", [])],
        child_keys={str(k): str(v) for k, v in data.get("child_keys", {}).items()},
        ready_at=datetime.fromisoformat(data["ready_at"]) if data.get("ready_at") else None,
    )


def _write_sandbox_info(folder: Path, info: SandboxInfo) -> None:
    atomic_write_bytes(folder / SANDBOX_FILE, dump_json(info.as_json()))


#: Seconds to wait for another terminal to finish building or resetting the same sandbox.
SANDBOX_LOCK_TIMEOUT = 120.0


def _lock_for(folder: Path) -> AbstractContextManager[None]:
    """Held while the sandbox folder is built or reset, so two terminals never do it at once.

    The lock file ``.<folder name>.sandbox.lock`` is *beside* the folder, not in it: a reset empties the
    folder (a lock file inside would be deleted while held) and a new store needs an empty folder. It
    exists only while the lock is held, so nothing is left beside a sandbox given with ``--data-dir``.
    """
    ensure_dir(folder.parent)
    return transient_lock(
        folder.parent / f".{folder.name}.sandbox.lock", timeout=SANDBOX_LOCK_TIMEOUT,
        busy=f"another terminal is building or resetting the sandbox in {folder}; try again when it has finished",
    )


def is_sandbox(folder: Path | str) -> bool:
    """Whether ``folder`` holds a training store (a live, missing or unreadable store is not one)."""
    try:
        Store.open(Path(folder).expanduser(), expect_kind="training")
    except StoreError:
        return False
    return True


def _clear_sandbox(folder: Path) -> None:
    """Delete a training store's contents (refusing anything that is not one); ``settings.toml`` is kept."""
    Store.open(folder, expect_kind="training")  # raises WrongStoreKind for a live store, StoreNotFound for none
    entries = [p for p in folder.iterdir() if p.name not in KEPT_ON_RESET]
    # store.json goes last: if this is interrupted the folder still says "training" and a reset can finish.
    for entry in sorted(entries, key=lambda p: p.name == "store.json"):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _build(folder: Path, info: SandboxInfo) -> Opened:
    opened = create_services(folder, "training", clock=sandbox_clock)
    generate_cohort(opened.services, children=info.children, seed=info.seed)
    store = opened.services.store
    keys = {}
    for child_id in sorted(store.child_ids()):
        child = store.load_child(child_id).child
        if child.la_child_id:
            keys[child.la_child_id] = child.id
    info.child_keys = keys
    info.ready_at = utcnow()
    _write_sandbox_info(folder, info)
    return opened


def open_sandbox(folder: Path | str) -> Opened:
    """Open an existing sandbox (refusing a live store or a missing one) with the sandbox's clock."""
    folder = Path(folder).expanduser()
    return open_services(folder, expect_kind="training", clock=sandbox_clock)


def prepare_sandbox(
    folder: Path | str,
    *,
    seed: int | None = None,
    children: int | None = None,
    reset: bool = False,
    exercise_folders: list[Path | str] | None = None,
    login: str = DEFAULT_TRAINING_LOGIN,
    role: str | None = None,
) -> tuple[Opened, Principal]:
    """Open the sandbox in ``folder``, creating it with the sample cohort if it is new.

    ``seed`` and ``children`` choose the cohort of a new sandbox (2026 and 60 by default); asking for a
    different cohort in an existing sandbox needs ``reset``. ``reset`` puts the sandbox back to its
    starting state; it refuses a folder that is not a training sandbox (a live store is never deleted or
    written to by training commands). ``exercise_folders`` (kept in the sandbox across resets) add
    trainers' exercise files. Returns the opened services and the principal for ``login`` / ``role``
    (any role may be chosen: role switching is allowed in training).
    """
    folder = Path(folder).expanduser()
    if children is not None and children < 1:
        raise SandboxError("--children must be at least 1")
    with _lock_for(folder):
        exists = (folder / "store.json").exists()
        if exists:
            opened = open_sandbox(folder)  # refuses a live store before anything is read or written
            info = read_sandbox_info(folder)
            wanted = SandboxInfo(
                seed=info.seed if seed is None else seed,
                children=info.children if children is None else children,
                exercise_folders=info.exercise_folders,
            )
            if not reset and (wanted.seed, wanted.children) != (info.seed, info.children):
                raise SandboxError(
                    f"the sandbox in {folder} holds the cohort of seed {info.seed} with {info.children} children; "
                    f"add --reset to rebuild it with seed {wanted.seed} and {wanted.children} children"
                )
            if reset:
                _clear_sandbox(folder)
                opened = _build(folder, wanted)
                info = wanted
        else:
            if reset and folder.exists() and any(p.name not in KEPT_ON_RESET for p in folder.iterdir()):
                raise SandboxError(f"{folder} is not a training sandbox; --reset refuses to delete anything in it")
            info = SandboxInfo(
                seed=DEFAULT_SEED if seed is None else seed,
                children=DEFAULT_CHILDREN if children is None else children,
            )
            opened = _build(folder, info)
        if exercise_folders is not None:
            info = read_sandbox_info(folder)
            info.exercise_folders = [str(Path(f).expanduser().resolve()) for f in exercise_folders]
            _write_sandbox_info(folder, info)
    principal = opened.services.principal_for(login, role)
    return opened, principal


def reset_sandbox(folder: Path | str) -> Opened:
    """Put the sandbox in ``folder`` back to its starting state and return fresh services on it.

    The same seed and size rebuild the same cohort, ids included; the trainer's exercise folders and the
    sandbox's ``settings.toml`` are kept. Refuses (raising, with nothing deleted) a folder that is not a
    training sandbox: a live store, an empty or missing folder, or one holding anything else.
    """
    folder = Path(folder).expanduser()
    with _lock_for(folder):
        try:
            Store.open(folder, expect_kind="training")
        except StoreNotFound:
            raise SandboxError(f"{folder} is not a training sandbox; nothing was reset") from None
        info = read_sandbox_info(folder)
        info.child_keys = {}
        _clear_sandbox(folder)
        return _build(folder, info)
