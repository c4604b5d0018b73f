"""The "not solved yet" signal.

An answer part that the learner has not filled in calls `todo(...)`. The
error it raises is distinct from every assertion and infrastructure error, so
the runner can tell "you have work to do" from "your answer is wrong" and
from "the broker is down".
"""

from __future__ import annotations

from typing import NoReturn


class NotSolvedYet(Exception):
    """Raised by an answer part that is still the shipped placeholder."""

    def __init__(self, instruction: str) -> None:
        super().__init__(instruction)
        self.instruction = instruction

    def __str__(self) -> str:
        return f"not solved yet: {self.instruction}"


def todo(instruction: str) -> NoReturn:
    """Placeholder for an answer part: say exactly what the learner should write."""
    raise NotSolvedYet(instruction)


def find_not_solved(exc: BaseException | None) -> NotSolvedYet | None:
    """The NotSolvedYet behind `exc`, following causes and contexts, if any."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, NotSolvedYet):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None
