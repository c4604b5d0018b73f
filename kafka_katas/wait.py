"""Polling with a deadline: the only way this project waits for Kafka.

Sleeping for a fixed time is either too short (flaky) or too long (slow).
`wait_until` re-checks a condition until it holds and, when it never does,
fails with a message that says what was expected and what was last seen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WaitTimeout(AssertionError):
    """A condition did not hold before its deadline (an assertion: the test failed)."""


def wait_until(
    probe: Callable[[], T],
    *,
    timeout: float,
    describe: Callable[[T | None], str] | str,
    interval: float = 0.05,
) -> T:
    """Call `probe` until it returns something truthy and return that value.

    `describe` turns the last value seen into the failure message, e.g.
    ``lambda got: f"expected 10 records on orders-3f2a, got {len(got or [])}"``;
    the elapsed time is appended to it.
    """
    start = time.monotonic()
    deadline = start + timeout
    last: T | None = None
    while True:
        last = probe()
        if last:
            return last
        now = time.monotonic()
        if now >= deadline:
            text = describe(last) if callable(describe) else describe
            raise WaitTimeout(f"{text} (after {now - start:.1f} s)")
        # Not a fixed wait for Kafka: a short pause between two checks of a condition.
        time.sleep(min(interval, deadline - now))
