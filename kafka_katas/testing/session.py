"""The stack of one pytest session: chosen, announced, started, and always stopped."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import pytest

from kafka_katas.stack import Stack, StackError, open_stack


@contextmanager
def start_session_stack(config: pytest.Config) -> Iterator[Stack]:
    """Open the configured backend, print what runs, and stop it at the end.

    SIGTERM (what CI runners and `timeout` send) becomes KeyboardInterrupt,
    so pytest unwinds through the teardown below instead of dying in place.
    """
    from kafka_katas.learner.plugin import kata_root  # registered by now: no early import

    try:
        stack = open_stack(config.getoption("kata_backend", None), root=kata_root(config))
    except StackError as exc:
        pytest.exit(f"kafka-katas cannot run Kafka here:\n{exc}", returncode=3)
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        started = time.monotonic()
        try:
            stack.start()
        except StackError as exc:
            pytest.exit(
                f"kafka-katas could not start Kafka ({stack.name} backend):\n{exc}", returncode=3
            )
        _announce(config, stack, f"ready in {time.monotonic() - started:.1f} s")
        yield stack
    finally:
        stack.stop()
        signal.signal(signal.SIGTERM, previous)


def start_registry(config: pytest.Config, stack: Stack) -> dict[str, str]:
    """The stack's registry settings; starts it (and says so) on first use."""
    started = time.monotonic()
    try:
        settings = stack.schema_registry_config()
    except StackError as exc:
        pytest.exit(
            f"kafka-katas could not start the Schema Registry ({stack.name} backend):\n{exc}",
            returncode=3,
        )
    if time.monotonic() - started > 0.5:
        _announce(config, stack, f"registry ready in {time.monotonic() - started:.1f} s")
    return settings


def _announce(config: pytest.Config, stack: Stack, note: str) -> None:
    parts = "; ".join(f"{k}: {v}" for k, v in stack.versions().items())
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"kafka-katas stack: {stack.name} backend, {parts} ({note})")


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
