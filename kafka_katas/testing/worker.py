"""Run a kata's service loop in its own process, so a test can crash it for real.

Delivery guarantees are about what survives a crash. A crash simulated by an
exception still runs `finally` blocks and close(), which may commit offsets;
a real one does not. A `Worker` runs a function of the kata file in a fresh
Python process; the function may call `crash_now()` to die by SIGKILL at the
exact point the test chooses, and the test then restarts it.

The child loads the kata file by path, so this works whatever pytest's import
mode. A `NotSolvedYet` raised in the child is raised again in the test, so an
unfilled answer reads as "not solved yet" here too.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from kafka_katas.kata.unsolved import NotSolvedYet, find_not_solved
from kafka_katas.stack import process

EXIT_NOT_SOLVED = 3
EXIT_ERROR = 4


class WorkerFailed(AssertionError):
    """The worker process raised an exception; the message carries its traceback."""


def crash_now() -> NoReturn:
    """Die at once, as a power cut would: no finally, no close(), no commit."""
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")  # pragma: no cover


class Worker:
    """One run of `function(**kwargs)` in a child process."""

    def __init__(self, function: Callable[..., Any], workdir: Path, **kwargs: Any) -> None:
        self.function = function
        self.kwargs = kwargs
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        fd, name = tempfile.mkstemp(prefix="worker-", suffix=".json", dir=workdir)
        os.close(fd)
        self.spec_file = Path(name)
        self.result_file = self.spec_file.with_suffix(".result")
        self.log_file = self.spec_file.with_suffix(".log")

    def start(self) -> Worker:
        self.spec_file.write_text(
            json.dumps(
                {
                    "file": self.function.__code__.co_filename,
                    "function": self.function.__name__,
                    "kwargs": self.kwargs,
                    "result": str(self.result_file),
                }
            )
        )
        self.process = process.spawn(
            [sys.executable, "-m", "kafka_katas.testing.worker", str(self.spec_file)],
            log_file=self.log_file,
        )
        return self

    def wait(self, timeout: float = 60.0) -> int:
        """Wait for the child to end; return its exit code (-9 when it crashed).

        Raises NotSolvedYet or WorkerFailed when the child's function raised.
        """
        assert self.process is not None, "start() the worker first"
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise WorkerFailed(
                f"{self.function.__name__} was still running after {timeout:.0f} s "
                f"(does your loop stop when it has caught up?)\n{self._log()}"
            ) from None
        if code == EXIT_NOT_SOLVED:
            raise NotSolvedYet(json.loads(self.result_file.read_text())["not_solved"])
        if code == EXIT_ERROR:
            raise WorkerFailed(
                f"{self.function.__name__} raised in the worker process:\n"
                f"{json.loads(self.result_file.read_text())['error']}"
            )
        return code

    def run(self, timeout: float = 60.0) -> int:
        """start() and wait()."""
        return self.start().wait(timeout)

    def kill(self) -> None:
        process.kill(self.process)

    def _log(self) -> str:
        return f"--- worker output ---\n{process.tail(self.log_file, 20)}"


def _main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    result = Path(spec["result"])
    try:
        module_spec = importlib.util.spec_from_file_location("kata_under_test", spec["file"])
        assert module_spec is not None
        assert module_spec.loader is not None
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        getattr(module, spec["function"])(**spec["kwargs"])
    except BaseException as exc:
        not_solved = find_not_solved(exc)
        if not_solved is not None:
            result.write_text(json.dumps({"not_solved": not_solved.instruction}))
            return EXIT_NOT_SOLVED
        result.write_text(json.dumps({"error": traceback.format_exc()}))
        return EXIT_ERROR
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1]))
