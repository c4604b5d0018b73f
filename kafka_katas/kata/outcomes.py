"""What a test's result means for the learner, and a kata's status from its tests.

Four ways a kata test can fail, told apart here once for the scoreboard,
results.json, `kata dev check` and grading:

- unsolved: an answer part still raises NotSolvedYet;
- fail: a real assertion failed (the answer is wrong, and the message says why);
- timeout: pytest-timeout stopped it;
- error: any other exception, in the test or in its fixtures (infrastructure).

A file that does not even import (a syntax error) makes its kata `broken`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import pytest

from kafka_katas.kata.unsolved import find_not_solved


class TestStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    TIMEOUT = "timeout"
    UNSOLVED = "unsolved"
    SKIPPED = "skipped"


class KataStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    TIMEOUT = "timeout"
    UNSOLVED = "unsolved"
    BROKEN = "broken"


# Worst first: a kata shows the most serious status among its tests.
_SEVERITY = [
    KataStatus.BROKEN,
    KataStatus.ERROR,
    KataStatus.TIMEOUT,
    KataStatus.FAIL,
    KataStatus.UNSOLVED,
    KataStatus.PASS,
]


def classify(
    when: str, excinfo: pytest.ExceptionInfo[BaseException] | None, skipped: bool = False
) -> tuple[TestStatus, str]:
    """Status and one-line message of a test phase (`when` = setup, call or teardown)."""
    if skipped:
        return TestStatus.SKIPPED, ""
    if excinfo is None:
        return TestStatus.PASS, ""
    not_solved = find_not_solved(excinfo.value)
    if not_solved is not None:
        return TestStatus.UNSOLVED, str(not_solved)
    message = _first_lines(excinfo.exconly())
    if isinstance(excinfo.value, pytest.fail.Exception) and "Timeout" in str(excinfo.value):
        return TestStatus.TIMEOUT, message
    if when == "call" and isinstance(excinfo.value, AssertionError):
        return TestStatus.FAIL, _assertion_message(excinfo.value) or message
    return TestStatus.ERROR, message


def kata_status(statuses: Iterable[TestStatus | KataStatus]) -> KataStatus:
    """The worst status among a kata's tests; skipped tests do not count."""
    seen = {KataStatus(s.value) for s in statuses if s != TestStatus.SKIPPED}
    for status in _SEVERITY:
        if status in seen:
            return status
    return KataStatus.ERROR  # no test ran at all: not a pass


def _assertion_message(exc: AssertionError) -> str:
    text = str(exc).strip()
    # pytest's rewritten asserts append "assert ..." introspection: keep the teaching part.
    return text.split("\nassert ")[0].strip()


def _first_lines(text: str, limit: int = 12) -> str:
    lines = text.strip().splitlines()
    return "\n".join(lines[:limit]) + ("\n..." if len(lines) > limit else "")
