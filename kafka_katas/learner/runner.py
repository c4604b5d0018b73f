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
from kafka_katas.learner import course, progress


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


def pytest_command(manifest: Manifest, katas: Sequence[Kata], results: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
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
    pytest_args: Sequence[str] = ("-q",),
    record: bool = True,
) -> RunResult:
    """Run `katas` (one pytest session); with `stream`, pytest writes to the terminal."""
    with tempfile.TemporaryDirectory(prefix="kata-run-") as tmp:
        results = Path(tmp) / "results.json"
        command = [*pytest_command(manifest, katas, results), *pytest_args]
        started = time.monotonic()
        if stream:
            completed = subprocess.run(command, cwd=manifest.root, check=False)
            output = ""
        else:
            completed = subprocess.run(
                command, cwd=manifest.root, capture_output=True, text=True, check=False
            )
            output = completed.stdout + completed.stderr
        seconds = time.monotonic() - started
        document = _read(results)
    run = RunResult(_katas(document), completed.returncode, output, seconds)
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
