"""`kata grade`: a score that editing tests, conftest.py or the package cannot raise.

Only the learner's answer parts are taken. They are transplanted into the
pristine kata files and run next to the pristine conftest.py, pyproject.toml
and info.toml, with the pristine `kafka_katas` first on PYTHONPATH, in one
pytest over a throwaway tree (katas that another kata's answer stopped get a
run of their own). Whatever else the learner changed is never run; it is
reported (see `tamper`). The result is results.json with Exercism's v3 fields
(version, status, message, tests) plus points, a status per kata, hints used
and the tamper report. A test passes only if it ran to its end and passed:
skipped, stopped and never-run tests earn nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kafka_katas.kata import answers, staging
from kafka_katas.kata.manifest import (
    KATAS_DIR,
    MANIFEST,
    Kata,
    Manifest,
    ManifestError,
    find_root,
    load,
)
from kafka_katas.kata.outcomes import KataStatus, TestStatus, kata_status
from kafka_katas.learner import progress, reports, tamper
from kafka_katas.learner.plugin import _exercism_status
from kafka_katas.learner.pristine import PristineError, pristine_tree

PACKAGE = "kafka_katas"
STACK_FAILED = 3  # pytest's exit code when the session's stack could not start


class BrokenKata(Exception):
    """The learner's kata file cannot be graded: missing, broken markers, or no valid Python."""


@dataclass
class StagedRun:
    """What the pytest runs over the staged katas left behind, merged."""

    tests: dict[str, dict[str, Any]] = field(default_factory=dict)  # node id -> plugin record
    collection: dict[str, str] = field(default_factory=dict)  # kata id -> import error
    failed: dict[str, str] = field(default_factory=dict)  # kata id -> why no results
    output: str = ""  # the end of the output of a run that wrote no results


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kata grade",
        description="Grade this learner's copy: only its answer parts run, inside pristine files.",
    )
    parser.add_argument(
        "--pristine",
        required=True,
        metavar="PATH_OR_GIT_REF",
        help="the untouched course: a folder, or a git ref of this repository (e.g. the "
        "commit the assignment started from)",
    )
    parser.add_argument("--json", required=True, type=Path, metavar="FILE", help="results.json")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML")
    return parser


def main(argv: list[str]) -> int:
    """Exit 0 whenever grading completed, whatever the score; 2 when it could not grade."""
    args = build_parser().parse_args(argv)
    learner = _learner_root()
    try:
        with pristine_tree(args.pristine, learner) as pristine:
            document = grade(pristine, learner)
    except (PristineError, ManifestError) as exc:
        print(f"kata grade: {exc}", file=sys.stderr)
        return 2
    args.json.write_text(json.dumps(document, indent=2) + "\n")
    if args.junit:
        args.junit.write_text(reports.junit_xml(document))
    print(reports.text_summary(document))
    return 0


def grade(pristine: Path, learner: Path) -> dict[str, Any]:
    """The results document for `learner`, graded against the `pristine` tree."""
    manifest = load(pristine)
    report = tamper.inspect(pristine, learner, manifest)
    expected = expected_tests(manifest)
    with tempfile.TemporaryDirectory(prefix="kata-grade-") as tmp:
        tree = Path(tmp)
        broken = stage_answers(manifest, learner, tree)
        staged = [k for k in manifest.katas if k.id not in broken]
        run = run_staged(manifest, tree, staged, expected) if staged else StagedRun()
    # What `kata hint` recorded in .kata/progress.json: committed, but self-reported.
    hints = progress.hints_used(learner)
    return results_document(manifest, expected, broken, run, report, hints)


def stage_answers(manifest: Manifest, learner: Path, target: Path) -> dict[str, str]:
    """Stage pristine harness and kata files with the learner's answers; kata id -> why broken."""
    staging.copy_harness(manifest.root, target, (*staging.HARNESS, MANIFEST))
    broken: dict[str, str] = {}
    for kata in manifest.katas:
        relative = f"{KATAS_DIR}/{kata.path}"
        try:
            text = transplanted(kata.kata_file(manifest.root), learner / relative, relative)
        except BrokenKata as exc:
            broken[kata.id] = str(exc)
            continue
        staging.place(target, relative, text)
    return broken


def transplanted(pristine_file: Path, learner_file: Path, relative: str) -> str:
    """The pristine kata with the learner's answer bodies, checked to be gradable Python."""
    try:
        learner_text = learner_file.read_text()
    except FileNotFoundError:
        raise BrokenKata(f"{relative} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BrokenKata(f"{relative} cannot be read: {exc}") from None
    try:
        learner_answers = answers.parse(learner_text, relative).answers
    except answers.AnswerFormatError as exc:
        raise BrokenKata(f"answer markers: {exc}") from None
    text = answers.transplant(pristine_file.read_text(), learner_answers, relative)
    try:
        compile(text, relative, "exec")
    except SyntaxError as exc:
        raise BrokenKata(f"{relative}:{exc.lineno}: {type(exc).__name__}: {exc.msg}") from None
    except ValueError as exc:
        raise BrokenKata(f"{relative}: {exc}") from None
    escaped = tamper.escaped_lines(text)
    if escaped:
        raise BrokenKata(
            f"{relative}:{escaped[0]}: answer code outside its answer part's block "
            "(less indented than its markers)"
        )
    return text


def expected_tests(manifest: Manifest) -> dict[str, list[str]]:
    """Kata id -> node ids of the pristine kata's tests (a collect-only run, no broker).

    Grading requires every one of them to run and pass: a test that an
    answer stopped from running (pytest.exit, a crash) is not a pass.
    """
    with tempfile.TemporaryDirectory(prefix="kata-collect-") as tmp:
        command = staging.pytest_command(
            [f"{KATAS_DIR}/{k.path}" for k in manifest.katas],
            kata_root=manifest.root,
            results=Path(tmp) / "collected.json",
            pytest_args=["--collect-only", "--continue-on-collection-errors"],
        )
        done = staging.run(command, cwd=manifest.root, env=_env(manifest.root))
    node_ids = [line.strip() for line in done.stdout.splitlines() if "::" in line]
    return {
        kata.id: [n for n in node_ids if n.startswith(f"{KATAS_DIR}/{kata.path}::")]
        for kata in manifest.katas
    }


def run_staged(
    manifest: Manifest, tree: Path, katas: list[Kata], expected: dict[str, list[str]]
) -> StagedRun:
    """One pytest over the staged katas, importing only pristine code besides the answers.

    An answer that ends the session (pytest.exit, os._exit, a crash) would
    also stop the katas after it; those katas get a run of their own, so one
    kata's answer costs only that kata. Not when the stack could not start:
    retrying would only repeat the wait.
    """
    run = StagedRun()
    returncode = _run_batch(manifest, tree, katas, run, "all")
    if len(katas) > 1 and returncode != STACK_FAILED:
        for kata in katas:
            missing = any(n not in run.tests for n in expected[kata.id])
            if kata.id not in run.collection and (missing or kata.id in run.failed):
                _run_batch(manifest, tree, [kata], run, kata.id)
    return run


def _run_batch(
    manifest: Manifest, tree: Path, katas: list[Kata], run: StagedRun, label: str
) -> int:
    """Run pytest over `katas` and merge what it reports into `run`; pytest's exit code."""
    results = tree / f"results-{label}.json"
    command = staging.pytest_command(
        [f"{KATAS_DIR}/{k.path}" for k in katas],
        kata_root=tree,
        results=results,
        pytest_args=["--continue-on-collection-errors"],
    )
    done = staging.run(command, cwd=tree, env=_env(manifest.root))
    try:
        document = json.loads(results.read_text())
    except (OSError, ValueError):
        why = f"the grading run wrote no results (pytest exit {done.returncode})"
        run.failed.update((kata.id, why) for kata in katas)
        run.output = (done.stdout + done.stderr)[-3000:]
        return done.returncode
    for kata in katas:
        run.failed.pop(kata.id, None)
    run.tests.update((t["nodeid"], t) for t in document["tests"])
    run.collection.update(
        (k["id"], k["message"]) for k in document["katas"] if k["status"] == KataStatus.BROKEN
    )
    return done.returncode


def results_document(
    manifest: Manifest,
    expected: dict[str, list[str]],
    broken: dict[str, str],
    run: StagedRun,
    report: tamper.TamperReport,
    hints: dict[str, int],
) -> dict[str, Any]:
    """Exercism v3 fields plus score, max_score, katas (status, points, hints) and tamper."""
    ungraded = {
        **{k: (KataStatus.ERROR, m) for k, m in run.failed.items()},
        **{k: (KataStatus.BROKEN, m) for k, m in {**run.collection, **broken}.items()},
    }
    katas, tests = [], []
    for kata in manifest.katas:
        if kata.id in ungraded:
            status, message = ungraded[kata.id]
            kata_tests = [_test(n, kata, TestStatus.ERROR, message) for n in expected[kata.id]]
        else:
            kata_tests = [_graded_test(n, kata, run.tests.get(n)) for n in expected[kata.id]]
            status = kata_status(TestStatus(t["outcome"]) for t in kata_tests)
            message = next((t["message"] for t in kata_tests if t["outcome"] != "pass"), None)
            if not kata_tests:
                message = "the pristine kata has no tests that could be collected"
        earned = kata.points if status == KataStatus.PASS else 0
        katas.append(
            {
                "id": kata.id,
                "module": kata.module,
                "title": kata.title,
                "status": status.value,
                "message": message,
                "points": kata.points,
                "score": earned,
                "hints_used": hints.get(kata.id, 0),
            }
        )
        tests.extend(kata_tests)
    score = sum(k["score"] for k in katas)
    return {
        "version": 3,
        "status": "error" if run.failed else ("pass" if score == manifest.max_score else "fail"),
        "message": _message(katas, score, manifest.max_score, report, run),
        "score": score,
        "max_score": manifest.max_score,
        "tests": tests,
        "katas": katas,
        "tamper": report.to_json(),
    }


def _graded_test(node_id: str, kata: Kata, record: dict[str, Any] | None) -> dict[str, Any]:
    if record is None:
        return _test(node_id, kata, TestStatus.ERROR, "did not run: the session stopped before it")
    outcome = TestStatus(record["outcome"])
    message = record.get("message")
    if outcome == TestStatus.SKIPPED:
        outcome = TestStatus.FAIL
        message = "skipped while grading: only a test that runs and passes earns points"
    return _test(node_id, kata, outcome, message, record.get("output"))


def _test(
    node_id: str, kata: Kata, outcome: TestStatus, message: str | None, output: str | None = None
) -> dict[str, Any]:
    return {
        "name": node_id.split("::", 1)[-1],
        "status": _exercism_status(outcome),
        "message": message or None,
        "output": output or None,
        "kata": kata.id,
        "nodeid": node_id,
        "outcome": outcome.value,
    }


def _message(
    katas: list[dict[str, Any]],
    score: int,
    max_score: int,
    report: tamper.TamperReport,
    run: StagedRun,
) -> str:
    by_status: dict[str, list[str]] = {}
    for kata in katas:
        by_status.setdefault(kata["status"], []).append(kata["id"])
    parts = [f"{score}/{max_score} points"]
    parts += [f"{status}: {', '.join(ids)}" for status, ids in by_status.items()]
    parts.append(report.summary())
    message = "; ".join(parts)
    if run.failed:
        message += f"\n{run.output}"
    return message


def _env(pristine: Path) -> dict[str, str]:
    """Import `kafka_katas` from the pristine tree when it holds the package."""
    return staging.isolated_env(pristine if (pristine / PACKAGE).is_dir() else None)


def _learner_root() -> Path:
    try:
        return find_root()
    except ManifestError:  # a learner who deleted info.toml still gets graded
        return Path.cwd().resolve()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
