"""Status per kata and progress by module, as `kata` and `kata list` show them.

Each status says where it comes from, because only a fresh run is proof:
"this run", "last run <time>" (file unchanged since), "file" (a syntax error
or a todo() still in an answer part: true without running), or nothing known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kafka_katas.kata.manifest import Kata, Manifest
from kafka_katas.learner import course, progress, style
from kafka_katas.learner.runner import KataResult


@dataclass(frozen=True)
class Row:
    kata: Kata
    status: str  # a kata status, or "not run"
    source: str  # where the status comes from
    detail: str  # one line: why, or what to do
    hints: int

    @property
    def solved(self) -> bool:
        return self.status == "pass"


def rows(manifest: Manifest, fresh: Mapping[str, KataResult] | None = None) -> list[Row]:
    recorded = progress.recorded_runs(manifest.root, course.kata_files(manifest))
    hints = progress.hints_used(manifest.root)
    out = []
    for kata in manifest.katas:
        static = course.inspect(manifest, kata)
        run = recorded.get(kata.id)
        if fresh is not None and kata.id in fresh:
            status, source, detail = fresh[kata.id].status, "this run", fresh[kata.id].message
        elif static.broken:
            status, source, detail = "broken", "from the file", static.broken
        elif run is not None and run.current:
            status, source, detail = run.status, f"last run {_clock(run.at)}", run.message
        elif static.placeholder:
            status, source = "unsolved", "from the file"
            detail = f"todo() still in {', '.join(static.todo_parts)}"
        else:
            status = "not run"
            source = "edited since last run" if run else "never run"
            detail = "run it: kata run " + kata.id
        out.append(Row(kata, status, source, _one_line(detail or ""), hints.get(kata.id, 0)))
    return out


def module_lines(manifest: Manifest, table: list[Row], current: Kata | None) -> list[str]:
    """Compact overview: one line per module, the current kata marked."""
    lines = []
    for module in manifest.modules.values():
        mine = [r for r in table if r.kata.module == module.id]
        if not mine:
            continue
        solved = [r for r in mine if r.solved]
        marks = "".join(style.symbol(r.status) for r in mine)
        lines.append(
            f"  {module.id:<4} {module.title:<40} {marks}  {len(solved)}/{len(mine)} solved"
            + (f"  ← {current.id}" if current is not None and current.module == module.id else "")
        )
    return lines


def detailed_lines(manifest: Manifest, table: list[Row]) -> list[str]:
    """`kata list`: every kata with status, its source, points and hints used."""
    lines = []
    width = max((len(r.kata.id) for r in table), default=10)
    for module in manifest.modules.values():
        mine = [r for r in table if r.kata.module == module.id]
        if not mine:
            continue
        solved = [r for r in mine if r.solved]
        points = sum(r.kata.points for r in solved)
        lines.append(
            style.paint(
                f"{module.id} · {module.title} — {len(solved)}/{len(mine)} solved, "
                f"{points}/{sum(r.kata.points for r in mine)} points",
                "bold",
            )
        )
        for row in mine:
            number = manifest.katas.index(row.kata) + 1
            earned = row.kata.points if row.solved else 0
            lines.append(
                f"  {number:>2}. {row.kata.id:<{width}}  {style.status(row.status, 10)}"
                f"  {earned:>2}/{row.kata.points:<2} pts  hints {row.hints}/{len(row.kata.hints)}"
                f"  ({row.source})"
            )
            if not row.solved and row.detail:
                lines.append(f"      {row.detail[:110]}")
    return lines


def score_line(table: list[Row]) -> str:
    solved = [r for r in table if r.solved]
    return (
        f"score: {sum(r.kata.points for r in solved)}/{sum(r.kata.points for r in table)} points,"
        f" {len(solved)}/{len(table)} katas solved"
    )


def _clock(stamp: str) -> str:
    """'2026-12-04T20:31:05Z' -> '2026-12-04 20:31 UTC'."""
    return stamp.replace("T", " ")[:16] + " UTC" if stamp else "earlier"


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else ""
