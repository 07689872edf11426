"""Training sandboxes: a separate, plainly fictional store per trainee, created and reset in one command."""

from __future__ import annotations

import shutil
from pathlib import Path

from pep_tui.bootstrap import Opened, create_services, open_services
from pep_tui.sample import SAMPLE_TODAY, generate_cohort
from pep_tui.services import Principal
from pep_tui.store import Store, StoreError, StoreNotFound

DEFAULT_TRAINING_LOGIN = "vs.head"


def _clock():
    return SAMPLE_TODAY


def prepare_sandbox(folder: Path, *, seed: int = 2026, children: int = 60, reset: bool = False) -> tuple[Opened, Principal]:
    """Open the sandbox in ``folder``, creating it with the sample cohort if it is new.

    ``reset`` deletes the sandbox and creates it afresh; it refuses to touch a folder that is not a
    training sandbox (a live store is never deleted or written to by training commands).
    """
    folder = Path(folder).expanduser()
    if reset and folder.exists():
        try:
            existing = Store.open(folder, expect_kind="training")
        except StoreNotFound:
            if any(folder.iterdir()):
                raise StoreError(f"{folder} is not a training sandbox; --reset refuses to delete it") from None
        else:
            del existing
            shutil.rmtree(folder)
    if (folder / "store.json").exists():
        opened = open_services(folder, expect_kind="training", clock=_clock)
    else:
        opened = create_services(folder, "training", clock=_clock)
        generate_cohort(opened.services, children=children, seed=seed)
    principal = opened.services.principal_for(DEFAULT_TRAINING_LOGIN)
    return opened, principal
