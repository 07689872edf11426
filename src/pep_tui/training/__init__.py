"""Training mode: sandboxes with the fictional sample cohort, per-trainee folders, reset, and exercises.

The app and the CLI use this API:

- :func:`prepare_sandbox` (create or open a sandbox), :func:`reset_sandbox` (back to the start),
  :func:`sandbox_dir` (a trainee's folder), :func:`is_sandbox`;
- :func:`list_exercises` and :func:`check_exercise` (``ExerciseResult(done, message)``);
- :func:`training_logins` (who to sign in as for each role, for the role picker).
"""

from __future__ import annotations

from pep_tui.training.exercises import (
    AUDIENCE_GROUPS,
    Exercise,
    ExerciseNotFound,
    ExerciseResult,
    ExerciseSet,
    built_in_exercises,
    check_exercise,
    get_exercise,
    list_exercises,
    load_exercises,
)
from pep_tui.training.logins import TrainingLogin, training_logins
from pep_tui.training.sandbox import (
    DEFAULT_TRAINING_LOGIN,
    SandboxError,
    check_trainee_name,
    is_sandbox,
    open_sandbox,
    prepare_sandbox,
    reset_sandbox,
    sandbox_clock,
    sandbox_dir,
    training_root,
)

__all__ = [
    "AUDIENCE_GROUPS",
    "DEFAULT_TRAINING_LOGIN",
    "Exercise",
    "ExerciseNotFound",
    "ExerciseResult",
    "ExerciseSet",
    "SandboxError",
    "TrainingLogin",
    "built_in_exercises",
    "check_exercise",
    "check_trainee_name",
    "get_exercise",
    "is_sandbox",
    "list_exercises",
    "load_exercises",
    "open_sandbox",
    "prepare_sandbox",
    "reset_sandbox",
    "sandbox_clock",
    "sandbox_dir",
    "training_logins",
    "training_root",
]
