"""The pytest plugin behind every kata run: time limits, short "not solved yet"
reports, a scoreboard by module, and results.json.

Loaded by the repository's conftest.py. Like Exercism's test runner it turns a
pytest run into a machine-readable results file (``--kata-results``), with
Exercism's v3 fields plus a status and points per kata.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kafka_katas.kata import manifest as manifest_mod
from kafka_katas.kata.manifest import Kata, Manifest
from kafka_katas.kata.outcomes import KataStatus, TestStatus, classify, kata_status
from kafka_katas.learner import scoreboard

KATA_KEY = pytest.StashKey["Kata"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kafka-katas")
    group.addoption(
        "--kata-results",
        metavar="FILE",
        default=None,
        help="write results.json (Exercism v3 fields, points per kata) to FILE",
    )
    group.addoption(
        "--kata-root",
        metavar="DIR",
        default=None,
        help="folder holding info.toml (default: found above the rootdir)",
    )


@dataclass
class TestRecord:
    nodeid: str
    name: str
    kata: str
    status: TestStatus = TestStatus.PASS
    message: str = ""
    output: str = ""
    finished: bool = False  # its teardown was reported; pytest.exit or a crash leaves it False


@dataclass
class KataRun:
    """What this session learned about the katas it ran."""

    manifest: Manifest | None
    tests: dict[str, TestRecord] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)  # kata id -> collection error

    def kata_for(self, path: Path) -> Kata | None:
        if self.manifest is None:
            return None
        posix = path.as_posix()
        return next((k for k in self.manifest.katas if posix.endswith("/" + k.path)), None)

    def statuses(self) -> dict[str, KataStatus]:
        by_kata: dict[str, list[TestStatus | KataStatus]] = {}
        for record in self.tests.values():
            by_kata.setdefault(record.kata, []).append(record.status)
        for kata_id in self.broken:
            by_kata.setdefault(kata_id, []).append(KataStatus.BROKEN)
        return {kata_id: kata_status(s) for kata_id, s in by_kata.items()}


RUN_KEY = pytest.StashKey[KataRun]()


def kata_root(config: pytest.Config) -> Path | None:
    """The folder holding info.toml for this run (--kata-root, else above the rootdir)."""
    root_option = config.getoption("kata_root", None)
    try:
        return Path(root_option) if root_option else manifest_mod.find_root(config.rootpath)
    except manifest_mod.ManifestError:
        return None


def pytest_configure(config: pytest.Config) -> None:
    root = kata_root(config)
    try:
        loaded: Manifest | None = manifest_mod.load(root) if root else None
    except manifest_mod.ManifestError:
        loaded = None
    run = KataRun(loaded)
    config.stash[RUN_KEY] = run
    config.pluginmanager.register(KataReporter(config, run), "kafka-katas-reporter")


class KataReporter:
    """Per-session hooks; holds the run's state instead of module globals."""

    def __init__(self, config: pytest.Config, run: KataRun) -> None:
        self.config = config
        self.run = run

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            kata = self.run.kata_for(item.path)
            if kata is None:
                continue
            item.stash[KATA_KEY] = kata
            if item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(kata.timeout))
        # Katas run in learning order (info.toml), not in the alphabetical order of files.
        items.sort(key=lambda i: k.order if (k := i.stash.get(KATA_KEY, None)) else -1)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        kata = self.run.kata_for(Path(report.fspath)) if report.failed else None
        if kata is not None:
            self.run.broken[kata.id] = _last_line(str(report.longrepr))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        kata = item.stash.get(KATA_KEY, None)
        if kata is None:
            return report
        record = self.run.tests.setdefault(item.nodeid, TestRecord(item.nodeid, item.name, kata.id))
        status, message = classify(call.when, call.excinfo, skipped=report.skipped)
        if record.status == TestStatus.PASS and status != TestStatus.PASS:
            record.status, record.message = status, message
        record.finished = record.finished or call.when == "teardown"
        output = "".join(content for _, content in report.sections if content)
        if output:
            record.output = output[-4000:]
        if status == TestStatus.UNSOLVED and self.config.get_verbosity() < 1:
            report.longrepr = f"{message}\n(`kata hint {kata.id}` for a hint; -v for the traceback)"
            report.kata_unsolved = True  # type: ignore[attr-defined]
        return report

    def pytest_report_teststatus(self, report: pytest.TestReport) -> tuple[str, str, str] | None:
        """Unsolved tests get their own category: no traceback in FAILURES, one scoreboard line.

        They still count as failed (the exit code stays 1); -v shows them as failures.
        """
        if report.failed and getattr(report, "kata_unsolved", False):
            return "unsolved", "u", "UNSOLVED"
        return None

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.run.manifest is None or not (self.run.tests or self.run.broken):
            return
        scoreboard.write(
            terminalreporter,
            self.run.manifest,
            self.run.statuses(),
            self.run.tests,
            self.run.broken,
        )

    def pytest_sessionfinish(self) -> None:
        # A test the session stopped in the middle of (pytest.exit in an answer) is no pass.
        for record in self.run.tests.values():
            if not record.finished and record.status == TestStatus.PASS:
                record.status = TestStatus.ERROR
                record.message = "did not finish: the test session stopped during this test"
        target = self.config.getoption("kata_results")
        if target:
            document = results_document(self.run)
            Path(target).write_text(json.dumps(document, indent=2) + "\n")


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else text


def results_document(run: KataRun) -> dict[str, object]:
    """Exercism v3 fields (status, message, tests) plus kata statuses and points."""
    statuses = run.statuses()
    katas = []
    score = 0
    for kata in run.manifest.katas if run.manifest else ():
        if kata.id not in statuses:
            continue
        earned = kata.points if statuses[kata.id] == KataStatus.PASS else 0
        score += earned
        katas.append(
            {
                "id": kata.id,
                "module": kata.module,
                "status": statuses[kata.id].value,
                "message": run.broken.get(kata.id) or _first_problem(run, kata.id),
                "points": kata.points,
                "score": earned,
            }
        )
    tests = [
        {
            "name": record.name,
            "nodeid": record.nodeid,
            "kata": record.kata,
            "status": _exercism_status(record.status),
            "outcome": record.status.value,
            "message": record.message or None,
            "output": record.output or None,
        }
        for record in run.tests.values()
    ]
    broken = any(k["status"] in ("broken", "error", "timeout") for k in katas)
    overall = "pass" if katas and score == sum(k["points"] for k in katas) else "fail"
    return {
        "version": 3,
        "status": "error" if broken and not tests else overall,
        "message": None,
        "tests": tests,
        "katas": katas,
        "score": score,
        "max_score": sum(k["points"] for k in katas),
    }


def _first_problem(run: KataRun, kata_id: str) -> str | None:
    for record in run.tests.values():
        if record.kata == kata_id and record.status != TestStatus.PASS:
            return record.message
    return None


def _exercism_status(status: TestStatus) -> str:
    if status in (TestStatus.PASS, TestStatus.SKIPPED):
        return "pass" if status == TestStatus.PASS else "skip"
    return "error" if status in (TestStatus.ERROR, TestStatus.TIMEOUT) else "fail"
