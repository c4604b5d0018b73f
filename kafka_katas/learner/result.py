"""The short result of one kata run: what failed, what it teaches, what to do next.

Shared by `kata`, `kata run` and `kata watch`, so the learner always reads the
same few lines: the first failing test and its message, how to ask for a hint,
and, once green, that it is solved and which kata comes next (the command
never moves on silently).
"""

from __future__ import annotations

import textwrap

from kafka_katas.kata import answers
from kafka_katas.kata.manifest import Kata, Manifest
from kafka_katas.learner import course, progress, style
from kafka_katas.learner.runner import RunResult

INFRA_LINES = 25
WIDTH = 96
MESSAGE_LINES = 10


def describe(manifest: Manifest, kata: Kata, run: RunResult) -> list[str]:
    result = run.katas.get(kata.id)
    timing = style.paint(f"({run.seconds:.1f} s)", "dim")
    if result is None:
        return [
            style.paint(f"! {kata.id} did not run (pytest exit code {run.returncode})", "red"),
            *("  " + line for line in _tail(run.output)),
            "  If the stack failed to start, `kata doctor` says what is missing.",
        ]
    passed = sum(1 for t in result.tests if t.outcome == "pass")
    total = len(result.tests)
    if result.status == "pass":
        lines = [
            style.paint(f"✔ {kata.id} solved: {passed}/{total} tests pass", "green") + f" {timing}"
        ]
        nxt = course.following(manifest, kata)
        if nxt is None:
            lines.append("  Every kata is solved. `kata verify` re-runs them all.")
        else:
            lines.append(
                f"  Next kata: {nxt.id} ({nxt.title}), in {course.relative(manifest, nxt)}"
            )
            lines.append("  Run `kata` (or `kata next`) to start it.")
        return lines
    if result.status == "broken":
        why = course.inspect(manifest, kata).broken or result.message
        return [
            f"{style.status(result.status)}: {kata.id} does not load {timing}",
            f"  {why}",
            f"  Fix {course.relative(manifest, kata)} so Python can import it "
            f"(`kata reset {kata.id}` puts back the shipped file).",
        ]
    lines = [f"{style.status(result.status)}: {kata.id}, {passed}/{total} tests pass {timing}"]
    failing = result.first_problem()
    if failing is not None:
        lines.append(f"  {failing.name}:")
        lines.extend(_wrapped(failing.message or ""))
        others = sum(1 for t in result.tests if t.outcome not in ("pass", "skipped")) - 1
        if others > 0:
            lines.append(f"  (and {others} more failing test{'s' if others > 1 else ''})")
    if result.status == "error":
        lines.append("  An error outside the assertions (a fixture, the stack, an exception).")
        lines.append(f"  Details: kata run {kata.id} -v")
    lines.append(where_to_write(manifest, kata))
    lines.append(hint_advice(manifest, kata))
    return lines


def where_to_write(manifest: Manifest, kata: Kata) -> str:
    """Which answer parts to edit, with their lines, so an editor can jump straight there."""
    where = course.relative(manifest, kata)
    try:
        parts = answers.parse(kata.kata_file(manifest.root).read_text(), where).parts
    except (OSError, answers.AnswerFormatError):
        return f"  Edit the answer parts of {where}"
    todo = [p for p in parts if "todo(" in p.body]
    named = ", ".join(f"{p.name} (line {p.begin_line + 1})" for p in todo or parts)
    return f"  {'Write' if todo else 'Check your answers'}: {named} in {where}"


def hint_advice(manifest: Manifest, kata: Kata) -> str:
    shown = progress.hints_used(manifest.root).get(kata.id, 0)
    if shown >= len(kata.hints):
        return f"  All {len(kata.hints)} hints shown (`kata hint {kata.id}` repeats them)."
    return f"  Stuck? `kata hint {kata.id}` (hint {shown + 1} of {len(kata.hints)})"


def _wrapped(message: str) -> list[str]:
    """The teaching message, indented and wrapped; long messages are cut after a few lines."""
    lines = []
    for line in message.splitlines():
        lines.extend(textwrap.wrap(line, WIDTH, initial_indent="    ", subsequent_indent="    "))
    return lines[:MESSAGE_LINES] + (["    ..."] if len(lines) > MESSAGE_LINES else [])


def _tail(output: str) -> list[str]:
    lines = [line for line in output.rstrip().splitlines() if line.strip()]
    return lines[-INFRA_LINES:]
