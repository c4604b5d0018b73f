"""Run katas with pytest in a child process and read back what happened.

A child process, not pytest.main() in this one: every run imports the
learner's file afresh (a watch loop must see each save), and a crash or a
syntax error in a kata cannot take the `kata` command down with it. The
results come from the plugin's results.json, the same file grading reads.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kafka_katas.kata.manifest import Kata, Manifest
from kafka_katas.learner import course, forkrun, progress


@dataclass(frozen=True)
class TestResult:
    name: str
    outcome: str  # pass, fail, error, timeout, unsolved, skipped
    message: str | None


@dataclass
class KataResult:
    kata_id: str
    status: str  # pass, fail, error, timeout, unsolved, broken
    message: str | None
    tests: list[TestResult] = field(default_factory=list)

    def first_problem(self) -> TestResult | None:
        return next((t for t in self.tests if t.outcome not in ("pass", "skipped")), None)


@dataclass
class RunResult:
    katas: dict[str, KataResult]
    returncode: int
    output: str  # pytest's own output ("" when it went to the terminal)
    seconds: float

    def missing(self, requested: Sequence[Kata]) -> list[Kata]:
        """Katas that produced no result: pytest or the stack failed before them."""
        return [k for k in requested if k.id not in self.katas]


def pytest_args(manifest: Manifest, katas: Sequence[Kata], results: Path) -> list[str]:
    return [
        *(course.relative(manifest, k) for k in katas),
        f"--kata-results={results}",
        f"--kata-root={manifest.root}",
        "--no-header",
        "-p",
        "no:cacheprovider",
    ]


def run_katas(
    manifest: Manifest,
    katas: Sequence[Kata],
    *,
    stream: bool = False,
    options: Sequence[str] = ("-q",),
    record: bool = True,
    fork: bool = False,
) -> RunResult:
    """Run `katas` (one pytest session); with `stream`, pytest writes to the terminal.

    With `fork` (for a long-lived caller that ran `forkrun.preload()`), pytest
    runs in a forked child instead of a new interpreter: the same run, sooner.
    """
    with tempfile.TemporaryDirectory(prefix="kata-run-") as tmp:
        results = Path(tmp) / "results.json"
        args = [*pytest_args(manifest, katas, results), *options]
        command = [sys.executable, "-m", "pytest", *args]
        started = time.monotonic()
        if fork and not stream and forkrun.available():
            log = Path(tmp) / "output.txt"
            returncode = forkrun.run_pytest(args, manifest.root, log)
            output = log.read_text(errors="replace") if log.exists() else ""
        elif stream:
            returncode = subprocess.run(command, cwd=manifest.root, check=False).returncode
            output = ""
        else:
            completed = subprocess.run(
                command, cwd=manifest.root, capture_output=True, text=True, check=False
            )
            returncode, output = completed.returncode, completed.stdout + completed.stderr
        seconds = time.monotonic() - started
        document = _read(results)
    run = RunResult(_katas(document), returncode, output, seconds)
    if record and run.katas:
        files = course.kata_files(manifest)
        progress.record_runs(
            manifest.root, {k: (r.status, r.message) for k, r in run.katas.items()}, files
        )
    return run


def _read(path: Path) -> dict[str, object]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def _katas(document: dict[str, object]) -> dict[str, KataResult]:
    out: dict[str, KataResult] = {}
    for entry in document.get("katas", []) or []:  # type: ignore[attr-defined]
        out[entry["id"]] = KataResult(entry["id"], entry["status"], entry.get("message"))
    for test in document.get("tests", []) or []:  # type: ignore[attr-defined]
        kata = out.get(test.get("kata"))
        if kata is not None:
            kata.tests.append(TestResult(test["name"], test["outcome"], test.get("message")))
    return out
