"""A graded results.json, rendered for the people and CI tools that read it.

Terminal lines for `kata grade`, JUnit XML for CI test views, and for GitHub
Actions: the payload GitHub Classroom's autograding reporter turns into points
(one entry per kata, scored by the kata's points) and a job summary. Run as
``python -m kafka_katas.learner.reports results.json`` in a workflow.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

# Characters XML 1.0 forbids (colour codes in captured output, mostly).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

STATUS_ICONS = {
    "pass": "✅",
    "fail": "❌",
    "unsolved": "…",
    "error": "⚠️",
    "timeout": "⏱",
    "broken": "🧱",
}


def text_summary(document: dict[str, Any]) -> str:
    lines = [
        f"  {k['status']:<9} {k['id']:<36} {k['score']}/{k['points']}"
        + (f"  (hints: {k['hints_used']})" if k["hints_used"] else "")
        for k in document["katas"]
    ]
    lines.append(f"score: {document['score']}/{document['max_score']}")
    tamper = document["tamper"]
    for change in tamper["files"]:
        lines.append(f"  tamper: {change['path']}: {change['change']}")
    for marker in tamper["markers"]:
        lines.append(f"  tamper: {marker['path']}:{marker['line']}: {marker['code']}")
    return "\n".join(lines)


def junit_xml(document: dict[str, Any]) -> str:
    """One testsuite per kata, every graded test a testcase (broken katas included)."""
    suites = ET.Element("testsuites", name="kafka-katas")
    for kata in document["katas"]:
        tests = [t for t in document["tests"] if t["kata"] == kata["id"]]
        suite = ET.SubElement(suites, "testsuite", name=kata["id"], tests=str(len(tests)))
        for test in tests:
            case = ET.SubElement(suite, "testcase", classname=kata["id"], name=test["name"])
            if test["status"] != "pass":
                tag = "failure" if test["status"] == "fail" else "error"
                message = _NOT_XML.sub("?", test["message"] or test["outcome"])
                failure = ET.SubElement(case, tag, message=message)
                failure.text = _NOT_XML.sub("?", test["output"] or test["message"] or "")
        suite.set("failures", str(sum(1 for t in tests if t["status"] == "fail")))
        suite.set("errors", str(sum(1 for t in tests if t["status"] == "error")))
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def classroom_result(document: dict[str, Any]) -> dict[str, Any]:
    """The runner result GitHub Classroom's reporter reads: points = sum of `score`."""
    return {
        "version": 1,
        "status": document["status"],
        "max_score": document["max_score"],
        "tests": [
            {
                "name": f"{kata['id']}: {kata['title']}",
                "status": "pass" if kata["status"] == "pass" else "fail",
                "score": kata["score"],
                "message": kata["message"] or "",
                "test_code": f"kata {kata['id']} ({kata['status']})",
                "filename": "",
                "line_no": 0,
                "duration": 0,
            }
            for kata in document["katas"]
        ],
    }


def markdown_summary(document: dict[str, Any]) -> str:
    lines = [
        f"## Kafka katas: {document['score']}/{document['max_score']} points",
        "",
        "| Kata | Status | Points | Hints used |",
        "| --- | --- | --- | --- |",
    ]
    for kata in document["katas"]:
        icon = STATUS_ICONS.get(kata["status"], "")
        lines.append(
            f"| {kata['id']} | {icon} {kata['status']} | {kata['score']}/{kata['points']} "
            f"| {kata['hints_used']} |"
        )
    tamper = document["tamper"]
    if tamper["tampered"]:
        lines += ["", "### Tamper report", ""]
        lines += [f"- `{c['path']}`: {c['change']} (not run)" for c in tamper["files"]]
        lines += [
            f"- `{m['path']}:{m['line']}` ({m['where']}): `{m['code']}`" for m in tamper["markers"]
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Publish a results.json to GitHub Actions: step output `result`, and the job summary."""
    parser = argparse.ArgumentParser(prog="python -m kafka_katas.learner.reports")
    parser.add_argument("results", type=Path, help="results.json written by `kata grade`")
    args = parser.parse_args(argv)
    document = json.loads(args.results.read_text())
    encoded = base64.b64encode(json.dumps(classroom_result(document)).encode()).decode()
    _append(os.environ.get("GITHUB_OUTPUT"), f"result={encoded}\n")
    _append(os.environ.get("GITHUB_STEP_SUMMARY"), markdown_summary(document))
    print(text_summary(document))
    return 0


def _append(target: str | None, text: str) -> None:
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    sys.exit(main())
