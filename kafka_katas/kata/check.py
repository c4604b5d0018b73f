"""`kata dev check`: the suite proves its own katas, as rustlings' `dev check` does.

Static checks (no broker): the manifest and the files agree, each kata and
its solution are identical outside answer parts, every placeholder raises
NotSolvedYet, and every kata has known-wrong answers.

Dynamic checks (one pytest run against a real stack, over a staged copy):
every solution passes; every test of every kata fails with "not solved yet";
every known-wrong answer, transplanted into its kata, fails with a real
assertion and never with "not solved yet".
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kafka_katas.kata import answers, staging
from kafka_katas.kata.manifest import KATAS_DIR, SOLUTIONS_DIR, Kata, Manifest, load

WRONG_ANSWERS_DIR = Path("tests") / "wrong_answers"


@dataclass
class Report:
    """Problems found, grouped by check; empty means all good."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    passed: list[str] = field(default_factory=list)

    def add(self, check: str, problem: str) -> None:
        self.problems.setdefault(check, []).append(problem)

    def ok(self, check: str) -> None:
        if check not in self.problems:
            self.passed.append(check)

    def merge(self, other: Report) -> None:
        for check, items in other.problems.items():
            self.problems.setdefault(check, []).extend(items)
        self.passed.extend(c for c in other.passed if c not in self.problems)

    def render(self) -> str:
        lines = [f"✔ {check}" for check in self.passed]
        for check, items in self.problems.items():
            lines.append(f"✘ {check}")
            lines.extend(f"    - {item}" for item in items)
        return "\n".join(lines)


@dataclass(frozen=True)
class WrongAnswer:
    kata: Kata
    path: Path

    @property
    def label(self) -> str:
        return f"{self.kata.id}/{self.path.stem}"


def wrong_answers(manifest: Manifest, kata: Kata) -> list[WrongAnswer]:
    folder = manifest.root / WRONG_ANSWERS_DIR / kata.id
    return [WrongAnswer(kata, p) for p in sorted(folder.glob("*.py"))]


def static_checks(manifest: Manifest) -> Report:
    report = Report()
    _check_files_match_manifest(manifest, report)
    for kata in manifest.katas:
        _check_kata_text(manifest, kata, report)
    for check in (
        "manifest and files agree",
        "katas and solutions differ only in answers",
        "placeholders raise NotSolvedYet",
        "known-wrong answers exist and fit",
    ):
        report.ok(check)
    return report


def _check_files_match_manifest(manifest: Manifest, report: Report) -> None:
    check = "manifest and files agree"
    listed = {k.path for k in manifest.katas}
    for folder in (KATAS_DIR, SOLUTIONS_DIR):
        base = manifest.root / folder
        present = {p.relative_to(base).as_posix() for p in base.rglob("test_*.py")}
        for extra in sorted(present - listed):
            report.add(check, f"{folder}/{extra} is not listed in info.toml")
        for missing in sorted(listed - present):
            report.add(check, f"{folder}/{missing} is listed in info.toml but missing")
    wrong_root = manifest.root / WRONG_ANSWERS_DIR
    ids = {k.id for k in manifest.katas}
    if wrong_root.is_dir():
        for folder in sorted(p for p in wrong_root.iterdir() if p.is_dir()):
            if folder.name not in ids:
                report.add(check, f"{WRONG_ANSWERS_DIR}/{folder.name} names no kata")


def _check_kata_text(manifest: Manifest, kata: Kata, report: Report) -> None:
    kata_file, solution_file = kata.kata_file(manifest.root), kata.solution_file(manifest.root)
    if not (kata_file.is_file() and solution_file.is_file()):
        return
    try:
        pristine = answers.parse(kata_file.read_text(), str(kata_file))
        solved = answers.parse(solution_file.read_text(), str(solution_file))
    except answers.AnswerFormatError as exc:
        report.add("katas and solutions differ only in answers", str(exc))
        return
    if not pristine.parts:
        report.add("katas and solutions differ only in answers", f"{kata.id}: no answer parts")
    if pristine.fixed != solved.fixed or list(pristine.answers) != list(solved.answers):
        report.add(
            "katas and solutions differ only in answers",
            f"{kata.id}: {KATAS_DIR}/{kata.path} and {SOLUTIONS_DIR}/{kata.path} differ "
            "outside answer parts (or name different parts)",
        )
    for part in pristine.parts:
        if "todo(" not in part.body:
            report.add(
                "placeholders raise NotSolvedYet",
                f"{kata.id}: answer {part.name!r} of the kata does not call todo(...)",
            )
    if not kata_file.read_text().lstrip().startswith('"""'):
        report.add("manifest and files agree", f"{kata.id}: the kata file has no docstring")
    wrong = wrong_answers(manifest, kata)
    if not wrong:
        report.add(
            "known-wrong answers exist and fit",
            f"{kata.id}: no known-wrong answer in {WRONG_ANSWERS_DIR / kata.id}",
        )
    for item in wrong:
        try:
            names = set(answers.parse(item.path.read_text(), str(item.path)).answers)
        except answers.AnswerFormatError as exc:
            report.add("known-wrong answers exist and fit", str(exc))
            continue
        unknown = names - set(pristine.answers)
        if not names or unknown:
            report.add(
                "known-wrong answers exist and fit",
                f"{item.label}: answer parts {sorted(unknown) or '(none)'} are not "
                f"answer parts of {kata.id}",
            )


def stage(manifest: Manifest, target: Path) -> dict[str, list[WrongAnswer]]:
    """Lay out katas, solutions and transplanted wrong answers under `target`."""
    staging.copy_harness(manifest.root, target)
    staged: dict[str, list[WrongAnswer]] = {}
    for kata in manifest.katas:
        for folder in (KATAS_DIR, SOLUTIONS_DIR):
            source = manifest.root / folder / kata.path
            staging.place(target, f"{folder}/{kata.path}", source.read_text())
        solution = kata.solution_file(manifest.root).read_text()
        for item in wrong_answers(manifest, kata):
            wrong = answers.parse(item.path.read_text(), str(item.path)).answers
            relative = f"wrong/{kata.id}/{item.path.stem}/{kata.path}"
            staging.place(target, relative, answers.transplant(solution, wrong))
            staged.setdefault(kata.id, []).append(item)
    return staged


def dynamic_checks(manifest: Manifest, pytest_args: list[str] | None = None) -> Report:
    report = Report()
    with tempfile.TemporaryDirectory(prefix="kata-dev-check-") as tmp:
        tree = Path(tmp)
        stage(manifest, tree)
        results = tree / "results.json"
        command = staging.pytest_command(
            [KATAS_DIR, SOLUTIONS_DIR, "wrong"],
            kata_root=manifest.root,
            results=results,
            pytest_args=pytest_args or [],
        )
        run = staging.run(command, cwd=tree)
        if not results.exists():
            report.add(
                "the staged run produced results",
                f"pytest exited {run.returncode} without results:\n"
                f"{(run.stdout + run.stderr)[-3000:]}",
            )
            return report
        tests = json.loads(results.read_text())["tests"]
    _judge(manifest, tests, report)
    return report


def _judge(manifest: Manifest, tests: list[dict[str, str]], report: Report) -> None:
    by_group: dict[str, list[dict[str, str]]] = {}
    for test in tests:
        parts = test["nodeid"].split("/")
        group = "/".join(parts[:3]) if parts[0] == "wrong" else parts[0]
        by_group.setdefault(group, []).append(test)

    for test in by_group.get(SOLUTIONS_DIR, []):
        if test["outcome"] != "pass":
            report.add(
                "every solution passes", f"{test['nodeid']}: {test['outcome']}: {test['message']}"
            )
    for test in by_group.get(KATAS_DIR, []):
        if test["outcome"] != "unsolved":
            report.add(
                "every kata test fails with 'not solved yet'",
                f"{test['nodeid']}: {test['outcome']}: {test['message']}",
            )
    for kata in manifest.katas:
        for item in wrong_answers(manifest, kata):
            results = by_group.get(f"wrong/{kata.id}/{item.path.stem}", [])
            outcomes = {t["outcome"] for t in results}
            if not results:
                report.add("known-wrong answers are rejected", f"{item.label}: no test ran")
            elif "unsolved" in outcomes or "fail" not in outcomes:
                report.add(
                    "known-wrong answers are rejected",
                    f"{item.label}: expected a failed assertion, got {sorted(outcomes)}",
                )
        for folder in (KATAS_DIR, SOLUTIONS_DIR):
            if not any(t["nodeid"].startswith(f"{folder}/{kata.path}") for t in tests):
                report.add(
                    "every solution passes"
                    if folder == SOLUTIONS_DIR
                    else "every kata test fails with 'not solved yet'",
                    f"{folder}/{kata.path}: no test ran (a collection error?)",
                )
    for check in (
        "every solution passes",
        "every kata test fails with 'not solved yet'",
        "known-wrong answers are rejected",
    ):
        report.ok(check)


def run_checks(
    root: Path | None = None, *, static_only: bool = False, pytest_args: list[str] | None = None
) -> Report:
    manifest = load(root)
    report = static_checks(manifest)
    if not static_only and not report.problems:
        report.merge(dynamic_checks(manifest, pytest_args))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kata dev check", description=__doc__.split("\n")[0])
    parser.add_argument("--static", action="store_true", help="only the checks without a broker")
    args, pytest_args = parser.parse_known_args(argv)
    report = run_checks(static_only=args.static, pytest_args=pytest_args)
    print(report.render())
    return 1 if report.problems else 0
