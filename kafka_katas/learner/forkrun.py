"""Run pytest in a fork of a process that has already imported the heavy libraries.

A fresh `python -m pytest` spends about half a second importing
confluent-kafka, its Schema Registry client and pytest before the first test
starts. `kata watch` runs the same kata again and again, so it imports them
once (`preload`) and forks a child per run: the child starts with those
modules in memory and imports only conftest.py and the kata file, afresh,
so every save is seen. Nothing learner-written is ever imported in the parent.

POSIX only; callers fall back to a subprocess where `available()` is False.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

#: Libraries every kata session imports; none is learner code or a pytest plugin
#: that pytest would want to rewrite (and warn about) itself.
PRELOAD = (
    "pytest",
    "confluent_kafka",
    "confluent_kafka.admin",
    "confluent_kafka.schema_registry",
    "fastavro",
    "kafka_katas.testing",
    "kafka_katas.testing.session",
)
#: A library preloaded here that a pytest plugin also ships (httpx pulls in anyio)
#: cannot be assertion-rewritten in the child; that is harmless, so not worth a warning.
QUIET = ("-W", "ignore::pytest.PytestAssertRewriteWarning")
INTERNAL_ERROR = 70


def available() -> bool:
    return hasattr(os, "fork") and hasattr(os, "waitstatus_to_exitcode")


def preload() -> None:
    """Import what every run needs, once, in the long-lived parent."""
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def run_pytest(args: Sequence[str], cwd: Path, output: Path) -> int:
    """`pytest args` in a forked child with `cwd` as working directory; its output to `output`."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child: never returns
        _child(args, cwd, output)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _child(args: Sequence[str], cwd: Path, output: Path) -> None:  # pragma: no cover
    code = INTERNAL_ERROR
    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        os.chdir(cwd)
        sys.path.insert(0, str(cwd))  # as `python -m pytest` would
        import pytest

        code = int(pytest.main([*QUIET, *args]))
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
