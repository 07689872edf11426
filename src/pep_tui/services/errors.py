"""Errors services raise for bad input: each names the field and what is expected."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True)
class FieldProblem:
    """One field that was wrong: its path, the message and (safely shown) the value given."""

    field: str
    message: str


class InvalidInput(ValueError):
    """Input that does not fit: nothing was saved. ``problems`` lists each field and what is expected."""

    def __init__(self, where: str, problems: list[FieldProblem]) -> None:
        self.where = where
        self.problems = problems
        lines = "; ".join(f"{p.field}: {p.message}" for p in problems)
        super().__init__(f"{where}: {lines}")

    @classmethod
    def from_validation_error(cls, where: str, exc: ValidationError) -> InvalidInput:
        """Turn pydantic's errors into field problems in users' words."""
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "(form)"
            msg = err["msg"]
            if err["type"] in {"literal_error", "enum"} and "expected" in err.get("ctx", {}):
                msg = f"must be one of {err['ctx']['expected']}"
            problems.append(FieldProblem(loc, msg.removeprefix("Value error, ")))
        return cls(where, problems)


class WorkflowError(ValueError):
    """A transition that the PEP's state does not allow (e.g. submitting with errors)."""
