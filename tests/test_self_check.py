"""The suite checks its own katas: `kata dev check` must pass, and must catch mistakes."""

import subprocess
import sys
from pathlib import Path

from kafka_katas.kata import answers
from kafka_katas.kata.check import run_checks

ROOT = Path(__file__).resolve().parents[1]
KATA = "import sys; from kafka_katas.learner.cli import main; sys.exit(main())"


def test_every_kata_is_red_for_the_right_reason_and_green_when_solved():
    report = run_checks(ROOT)
    assert not report.problems, report.render()


def test_the_check_catches_a_kata_that_differs_from_its_solution(repo_copy):
    root = repo_copy(["ordering_by_key"])
    solution = root / "solutions/m5_delivery/test_ordering_by_key.py"
    solution.write_text(
        solution.read_text().replace("EVENTS_PER_ACCOUNT = 25", "EVENTS_PER_ACCOUNT = 2")
    )
    report = run_checks(root, static_only=True)
    assert "katas and solutions differ only in answers" in report.problems


def test_the_check_catches_a_wrong_answer_that_passes_and_a_test_without_placeholder(repo_copy):
    root = repo_copy(["ordering_by_key"])
    solved = answers.parse((root / "solutions/m5_delivery/test_ordering_by_key.py").read_text())
    (root / "tests/wrong_answers/ordering_by_key/actually_right.py").write_text(
        "def key_for(event):\n    # >>> ANSWER: key_for\n"
        + solved.answers["key_for"]
        + "    # <<< ANSWER: key_for\n"
    )
    for folder in ("katas", "solutions"):
        path = root / folder / "m5_delivery/test_ordering_by_key.py"
        path.write_text(path.read_text() + "\n\ndef test_without_answers():\n    assert True\n")

    report = run_checks(root)

    rejected = report.problems.get("known-wrong answers are rejected", [])
    assert any("ordering_by_key/actually_right" in p for p in rejected), report.render()
    red = report.problems.get("every kata test fails with 'not solved yet'", [])
    assert any("test_without_answers: pass" in p for p in red), report.render()


def test_kata_dev_check_is_a_command_with_an_exit_code(repo_copy):
    root = repo_copy(["ordering_by_key"])
    result = subprocess.run(
        [sys.executable, "-c", KATA, "dev", "check", "--static"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✔ katas and solutions differ only in answers" in result.stdout
