"""`kata grade` on learner copies of this repository, against a real broker.

Every kata in info.toml gets a role in some learner copy: solved (solution
answers transplanted), unsolved (as shipped), broken (a syntax error in an
answer), tampered (a wrong answer, tests gutted to `assert True`, a skip
marker, conftest.py and the package edited), restored (the same wrong answer
with the tests left alone) and exiting (an answer that ends the test session
with exit code 0, which must cost only its own kata). Roles go to katas in
manifest order, so the copies adapt to however many katas exist; each copy is
graded once.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from kafka_katas.kata import answers
from kafka_katas.kata.check import wrong_answers
from kafka_katas.kata.manifest import Kata, load
from kafka_katas.learner import grade, progress, reports

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = load(ROOT)
KATA = "import sys; from kafka_katas.learner.cli import main; sys.exit(main())"
COPIED = ("conftest.py", "pyproject.toml", "info.toml", "kafka_katas", "katas", "solutions")
CONFTEST_TAMPERING = (
    "\n\ndef pytest_collection_modifyitems(items):\n"
    "    for item in items:\n"
    '        item.add_marker(pytest.mark.skip(reason="tampered"))\n'
)
# Were the learner's package used, every test would pass.
PACKAGE_TAMPERING = (
    "\n\ndef classify(when, excinfo, skipped=False):\n    return TestStatus.PASS, ''\n"
)
SKIP_MARKER = '@pytest.mark.skip(reason="flaky")'
ANSWER_SKIP = 'pytest.skip("later")'
ANSWER_EXIT = 'pytest.exit("done for today", returncode=0)'


class Role(StrEnum):
    SOLVED = "solved"
    TAMPERED = "tampered"
    UNSOLVED = "unsolved"
    BROKEN = "broken"
    EXITING = "exiting"
    RESTORED = "restored"


def plan_copies(kata_ids: list[str]) -> list[dict[str, Role]]:
    """Learner copies holding every role; the first is "all solved but a few".

    Later copies fill free katas with unsolved ones (fast to grade). The
    restored role lands on the tampered kata, in a later copy.
    """
    pending = [*Role]
    tampered: str | None = None
    copies: list[dict[str, Role]] = []
    while pending:
        copy: dict[str, Role] = {}
        if Role.RESTORED in pending and tampered is not None:
            copy[tampered] = Role.RESTORED
            pending.remove(Role.RESTORED)
        free = [k for k in kata_ids if k not in copy]
        for role in [r for r in pending if r != Role.RESTORED]:
            if not free:
                break
            kata_id = free.pop(0)
            copy[kata_id] = role
            pending.remove(role)
            if role == Role.TAMPERED:
                tampered = kata_id
        for kata_id in free:
            copy[kata_id] = Role.SOLVED if not copies else Role.UNSOLVED
        copies.append(copy)
    return copies


@dataclass
class Graded:
    roles: dict[str, Role]
    learner: Path
    returncode: int
    document: dict[str, Any]
    junit: Path
    expected_markers: list[dict[str, Any]]

    def kata(self, kata_id: str) -> dict[str, Any]:
        return next(k for k in self.document["katas"] if k["id"] == kata_id)


def _copy_course(target: Path) -> Path:
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def _wrong(kata: Kata) -> dict[str, str]:
    """Answers of the kata's first known-wrong answer (the solution fills the rest)."""
    solution = kata.solution_file(ROOT).read_text()
    wrong = wrong_answers(MANIFEST, kata)[0].path.read_text()
    return answers.parse(answers.transplant(solution, answers.parse(wrong).answers)).answers


def _gut(text: str) -> str:
    """Every test body becomes `assert True`; the first test gets a skip marker."""
    lines = text.splitlines(keepends=True)
    tests = [
        node
        for node in ast.parse(text).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test")
    ]
    for node in reversed(tests):
        indent = " " * node.body[0].col_offset
        lines[node.body[0].lineno - 1 : node.end_lineno] = [f"{indent}assert True\n"]
    first = tests[0]
    top = min([first.lineno, *(d.lineno for d in first.decorator_list)]) - 1
    lines[top:top] = ["import pytest\n", "\n", "\n", f"{SKIP_MARKER}\n"]
    return "".join(lines)


def _first_answer(text: str, *lines: str, others: dict[str, str] | None = None) -> str:
    """`text` with `lines` as the body of its first answer part (`others` for the rest)."""
    kata = answers.parse(text)
    first, indent = kata.parts[0], _indent(text, kata.parts[0])
    return kata.render({**(others or {}), first.name: "".join(f"{indent}{x}\n" for x in lines)})


def _indent(text: str, part: answers.AnswerPart) -> str:
    """The indentation of `part`'s markers, which its code must keep."""
    marker = text.splitlines()[part.begin_line - 1]
    return marker[: len(marker) - len(marker.lstrip())]


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def _play_roles(target: Path, roles: dict[str, Role]) -> list[dict[str, Any]]:
    """Turn a pristine copy into a learner copy; return the markers grading must report."""
    markers: list[dict[str, Any]] = []
    for kata_id, role in roles.items():
        kata = MANIFEST.kata(kata_id)
        path, relative = kata.kata_file(target), f"katas/{kata.path}"
        shipped = kata.kata_file(ROOT).read_text()
        solved = answers.parse(kata.solution_file(ROOT).read_text()).answers
        first_part = answers.parse(shipped).parts[0].name
        if role == Role.SOLVED:
            path.write_text(answers.transplant(shipped, solved))
        elif role == Role.RESTORED:
            path.write_text(answers.transplant(shipped, _wrong(kata)))
        elif role == Role.TAMPERED:
            path.write_text(_gut(answers.transplant(shipped, _wrong(kata))))
            where = "outside answer parts"
            markers.append(_marker(relative, _line_of(path, SKIP_MARKER), SKIP_MARKER, where))
            conftest = target / "conftest.py"
            conftest.write_text(conftest.read_text() + CONFTEST_TAMPERING)
            code = 'item.add_marker(pytest.mark.skip(reason="tampered"))'
            markers.append(_marker("conftest.py", _line_of(conftest, code), code, where))
            outcomes = target / "kafka_katas/kata/outcomes.py"
            outcomes.write_text(outcomes.read_text() + PACKAGE_TAMPERING)
        elif role == Role.BROKEN:  # a syntax error, next to a pytest.skip call
            path.write_text(_first_answer(shipped, ANSWER_SKIP, "return answer +"))
            line, where = _line_of(path, ANSWER_SKIP), f"answer part {first_part}"
            markers.append(_marker(relative, line, ANSWER_SKIP, where))
        elif role == Role.EXITING:
            path.write_text(_first_answer(shipped, "import pytest", ANSWER_EXIT, others=solved))
            line, where = _line_of(path, ANSWER_EXIT), f"answer part {first_part}"
            markers.append(_marker(relative, line, ANSWER_EXIT, where))
    return markers


def _marker(path: str, line: int, code: str, where: str) -> dict[str, Any]:
    return {"path": path, "line": line, "code": code, "where": where}


def _git(cwd: Path, *args: str) -> str:
    identity = ["-c", "user.name=kata", "-c", "user.email=kata@example.invalid"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _grade(learner: Path, pristine: str) -> tuple[int, dict[str, Any], Path]:
    # -P: the grader must not import the learner's (tampered) package from the cwd.
    out, junit = learner.parent / f"{learner.name}.json", learner.parent / f"{learner.name}.xml"
    options = [f"--pristine={pristine}", f"--json={out}", f"--junit={junit}"]
    done = subprocess.run(
        [sys.executable, "-P", "-c", KATA, "grade", *options],
        cwd=learner,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.exists(), done.stdout + done.stderr
    return done.returncode, json.loads(out.read_text()), junit


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> list[Graded]:
    """Each planned learner copy, graded once; the first is a git repository graded by ref."""
    base = tmp_path_factory.mktemp("grade")
    pristine = _copy_course(base / "pristine")
    first_kata = MANIFEST.katas[0].id
    results = []
    for number, roles in enumerate(plan_copies([k.id for k in MANIFEST.katas])):
        learner = shutil.copytree(pristine, base / f"learner{number}")
        spec = str(pristine)
        if number == 0:
            _git(learner, "init", "-q")
            _git(learner, "add", ".")
            _git(learner, "commit", "-q", "-m", "the assignment as handed out")
            spec = _git(learner, "rev-parse", "HEAD")
            progress.record_hint(learner, first_kata, 2)
        markers = _play_roles(learner, roles)
        returncode, document, junit = _grade(learner, spec)
        results.append(Graded(roles, learner, returncode, document, junit, markers))
    return results


def _expected_status(role: Role) -> str | None:
    return {
        Role.SOLVED: "pass",
        Role.UNSOLVED: "unsolved",
        Role.BROKEN: "broken",
        Role.EXITING: "error",
    }.get(role)


def test_scores_and_statuses_follow_the_answers_only(graded: list[Graded]) -> None:
    for copy in graded:
        assert copy.returncode == 0
        doc = copy.document
        assert doc["version"] == 3
        assert doc["max_score"] == MANIFEST.max_score
        solved = [k for k in MANIFEST.katas if copy.roles[k.id] == Role.SOLVED]
        assert doc["score"] == sum(k.points for k in solved), doc["message"]
        assert doc["status"] == ("pass" if len(solved) == len(MANIFEST.katas) else "fail")
        assert [k["id"] for k in doc["katas"]] == [k.id for k in MANIFEST.katas]
        for kata in MANIFEST.katas:
            entry, role = copy.kata(kata.id), copy.roles[kata.id]
            assert entry["score"] == (kata.points if role == Role.SOLVED else 0), entry
            if _expected_status(role):
                assert entry["status"] == _expected_status(role), entry
            else:  # a known-wrong answer: a real failure, never "not solved yet"
                assert entry["status"] in ("fail", "error", "timeout"), entry
            if role == Role.BROKEN:
                line = _line_of(copy.learner / f"katas/{kata.path}", "return answer +")
                assert entry["message"].startswith(f"katas/{kata.path}:{line}: SyntaxError")
        hinted = {MANIFEST.katas[0].id: 2} if copy is graded[0] else {}
        assert {k["id"]: k["hints_used"] for k in doc["katas"]} == {
            k.id: hinted.get(k.id, 0) for k in MANIFEST.katas
        }


def test_a_gutted_kata_scores_as_with_its_tests_restored(graded: list[Graded]) -> None:
    tampered = next(c for c in graded if Role.TAMPERED in c.roles.values())
    restored = next(c for c in graded if Role.RESTORED in c.roles.values())
    kata_id = next(k for k, r in tampered.roles.items() if r == Role.TAMPERED)
    assert restored.roles[kata_id] == Role.RESTORED

    def outcome(copy: Graded) -> tuple[Any, ...]:
        entry = copy.kata(kata_id)
        tests = [(t["name"], t["outcome"]) for t in copy.document["tests"] if t["kata"] == kata_id]
        return entry["status"], entry["score"], tests

    assert outcome(tampered) == outcome(restored)
    assert tampered.kata(kata_id)["score"] == 0


def test_the_tamper_report_lists_exactly_what_changed(graded: list[Graded]) -> None:
    for copy in graded:
        files = []
        for kata_id, role in copy.roles.items():
            if role == Role.TAMPERED:
                path = f"katas/{MANIFEST.kata(kata_id).path}"
                files += [
                    {"path": "conftest.py", "change": "modified"},
                    {"path": "kafka_katas/kata/outcomes.py", "change": "modified"},
                    {"path": path, "change": "modified outside answer parts", "kata": kata_id},
                ]
        tamper = copy.document["tamper"]
        assert tamper["files"] == sorted(files, key=lambda f: f["path"])
        key = lambda m: (m["path"], m["line"])  # noqa: E731
        assert sorted(tamper["markers"], key=key) == sorted(copy.expected_markers, key=key)
        assert tamper["tampered"] == bool(files or copy.expected_markers)


def test_tests_junit_and_classroom_points_agree_with_the_score(graded: list[Graded]) -> None:
    for copy in graded:
        doc = copy.document
        for kata in MANIFEST.katas:
            tests = [t for t in doc["tests"] if t["kata"] == kata.id]
            assert tests, f"{kata.id}: every pristine test is reported, even when broken"
            for test in tests:
                assert set(test) >= {"name", "status", "message", "output"}
                assert test["status"] in ("pass", "fail", "error")
            passed = all(t["status"] == "pass" for t in tests)
            assert passed == (copy.kata(kata.id)["status"] == "pass")
        cases = ET.parse(copy.junit).getroot().findall(".//testcase")
        assert len(cases) == len(doc["tests"])
        classroom = reports.classroom_result(doc)
        assert sum(t["score"] for t in classroom["tests"]) == doc["score"]
        assert classroom["max_score"] == doc["max_score"]


def test_the_workflow_report_step_hands_the_score_to_github(graded: list[Graded], tmp_path):
    """As the classroom workflow runs it: step output `result` and a job summary."""
    copy = graded[0]
    results = tmp_path / "results.json"
    results.write_text(json.dumps(copy.document))
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    subprocess.run(
        [sys.executable, "-m", "kafka_katas.learner.reports", str(results)],
        cwd=copy.learner.parent / "pristine",
        env=env,
        check=True,
        capture_output=True,
    )
    key, encoded = output.read_text().strip().split("=", 1)
    payload = json.loads(base64.b64decode(encoded))
    assert key == "result"
    assert payload == reports.classroom_result(copy.document)
    assert f"{copy.document['score']}/{copy.document['max_score']} points" in summary.read_text()


def test_answer_code_outside_its_block_makes_the_kata_broken(tmp_path):
    """Module-level code in an answer would run at import, where it could patch the grader."""
    kata, part, indent = next(
        (kata, part, _indent(kata.kata_file(ROOT).read_text(), part))
        for kata in MANIFEST.katas
        for part in answers.parse(kata.kata_file(ROOT).read_text()).parts
        if _indent(kata.kata_file(ROOT).read_text(), part)
    )
    learner, relative = tmp_path / "learner.py", f"katas/{kata.path}"
    shipped = answers.parse(kata.kata_file(ROOT).read_text())
    learner.write_text(shipped.render({part.name: f"{indent}return None\nimport os\n"}))
    line = _line_of(learner, "import os")
    with pytest.raises(grade.BrokenKata, match=f"^{relative}:{line}: answer code outside"):
        grade.transplanted(kata.kata_file(ROOT), learner, relative)
