"""The GitHub Classroom workflow template: valid YAML whose steps grade as `kata grade` expects.

No runner executes it here, so the test pins what matters: the containers
backend, a pristine course installed and used as the grader, the grade
command accepted by `kata grade`'s own parser, results uploaded, and points
handed to the Classroom reporter under the name it looks up.
"""

from __future__ import annotations

import importlib.util
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from kafka_katas.learner import grade

WORKFLOW = (
    Path(__file__).resolve().parents[1]
    / "templates/github-classroom/.github/workflows/kata-grade.yml"
)
WORKSPACE = "/home/runner/work/course"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


@pytest.fixture(scope="module")
def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def _step(steps: list[dict[str, Any]], predicate: Any) -> dict[str, Any]:
    found = [s for s in steps if predicate(s)]
    assert len(found) == 1, found
    return found[0]


def _run(step: dict[str, Any]) -> list[str]:
    return shlex.split(step["run"].replace("$GITHUB_WORKSPACE", WORKSPACE))


def test_it_runs_on_push_with_containers_and_the_reporters_check_name(workflow):
    assert "push" in workflow["on"]
    assert workflow["env"]["KATA_BACKEND"] == "containers"
    assert workflow["permissions"]["checks"] == "write"
    (job,) = workflow["jobs"].values()
    # The reporter updates the check run named "Autograding Tests".
    assert job["name"] == "Autograding Tests"
    assert job["runs-on"].startswith("ubuntu")


def test_the_pristine_course_is_checked_out_installed_and_graded_against(steps):
    learner = _step(steps, lambda s: s.get("with", {}).get("path") == "learner")
    assert learner["uses"].startswith("actions/checkout@")
    assert learner["with"]["fetch-depth"] == 0  # the first commit is the fallback pristine
    template = _step(steps, lambda s: s.get("with", {}).get("path") == "pristine")
    assert template["uses"].startswith("actions/checkout@")
    fallback = _step(steps, lambda s: "rev-list --max-parents=0" in s.get("run", ""))
    assert "archive" in fallback["run"]
    assert "-C pristine" in fallback["run"]
    assert template["if"] != fallback["if"]
    install = _step(steps, lambda s: "pip install" in s.get("run", ""))
    assert _run(install)[-1] == "./pristine"

    graded = _step(steps, lambda s: s.get("id") == "grade")
    assert graded["working-directory"] == "learner"
    command = _run(graded)
    assert command[:2] == ["kata", "grade"]
    options = grade.build_parser().parse_args(command[2:])
    assert options.pristine == f"{WORKSPACE}/pristine"
    assert options.json == Path(WORKSPACE, "results.json")


def test_results_are_uploaded_and_points_reach_the_classroom_reporter(steps):
    upload = _step(steps, lambda s: s.get("uses", "").startswith("actions/upload-artifact@"))
    assert "results.json" in upload["with"]["path"].split()
    assert upload["if"].startswith("always()")

    report = _step(steps, lambda s: s.get("id") == "report")
    command = _run(report)
    assert command[:3] == ["python", "-m", "kafka_katas.learner.reports"]
    assert importlib.util.find_spec(command[2]) is not None
    assert command[3] == f"{WORKSPACE}/results.json"
    # Run from the pristine checkout: `python -m` imports from the current folder.
    assert report["working-directory"] == "pristine"

    reporter = _step(steps, lambda s: "autograding-grading-reporter" in s.get("uses", ""))
    (runner,) = reporter["with"]["runners"].split(",")
    assert reporter["env"][f"{runner.strip().upper()}_RESULTS"] == (
        "${{ steps.report.outputs.result }}"
    )
