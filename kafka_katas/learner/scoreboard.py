"""The end-of-run scoreboard: progress by module, one line per kata.

An unsolved kata is one line with what to do next, not a traceback: the
traceback of a placeholder teaches nothing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Protocol

import pytest

from kafka_katas.kata.manifest import Manifest
from kafka_katas.kata.outcomes import KataStatus, TestStatus

#: The one "what to do" line of a kata, wrapped rather than cut off mid-instruction.
DETAIL_WIDTH = 92
DETAIL_LINES = 4

SYMBOLS = {
    KataStatus.PASS: ("✔", {"green": True}),
    KataStatus.UNSOLVED: ("…", {"yellow": True}),
    KataStatus.FAIL: ("✘", {"red": True}),
    KataStatus.ERROR: ("!", {"red": True, "bold": True}),
    KataStatus.TIMEOUT: ("⏱", {"red": True}),
    KataStatus.BROKEN: ("⚠", {"red": True, "bold": True}),
}


class _TestLike(Protocol):
    kata: str
    status: TestStatus
    message: str


def write(
    reporter: pytest.TerminalReporter,
    manifest: Manifest,
    statuses: Mapping[str, KataStatus],
    tests: Mapping[str, _TestLike],
    broken: Mapping[str, str],
) -> None:
    reporter.write_sep("=", "kafka-katas scoreboard")
    score = 0
    for module in manifest.modules.values():
        ran = [k for k in manifest.katas if k.module == module.id and k.id in statuses]
        if not ran:
            continue
        solved = [k for k in ran if statuses[k.id] == KataStatus.PASS]
        points = sum(k.points for k in solved)
        score += points
        reporter.write_line(
            f"{module.id} {module.title}: {len(solved)}/{len(ran)} solved, "
            f"{points}/{sum(k.points for k in ran)} points",
            bold=True,
        )
        for kata in ran:
            status = statuses[kata.id]
            symbol, markup = SYMBOLS[status]
            reporter.write_line(f"  {symbol} {kata.id:<32} {status.value}", **markup)
            detail = broken.get(kata.id) or _first_problem(tests, kata.id, status)
            if detail:
                first = detail.strip().splitlines()[0]
                for line in textwrap.wrap(first, DETAIL_WIDTH, max_lines=DETAIL_LINES):
                    reporter.write_line(f"      {line}")
            if status == KataStatus.UNSOLVED:
                reporter.write_line(f"      hint: kata hint {kata.id}")
    total = sum(k.points for k in manifest.katas if k.id in statuses)
    reporter.write_line(f"score: {score}/{total} points", bold=True)


def _first_problem(tests: Mapping[str, _TestLike], kata_id: str, status: KataStatus) -> str:
    for record in tests.values():
        if record.kata == kata_id and record.status.value == status.value:
            return record.message
    return ""
