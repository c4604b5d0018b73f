"""Where a learner stands without running anything: static checks and the current kata.

Static facts are never stale (a syntax error, a `todo(...)` still in an answer
part); results of earlier runs count only while the kata file is byte-for-byte
the one that produced them.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from kafka_katas.kata import answers
from kafka_katas.kata.manifest import KATAS_DIR, Kata, Manifest
from kafka_katas.learner import progress


@dataclass(frozen=True)
class StaticState:
    """What reading a kata file says, before any test runs."""

    broken: str | None  # why the file cannot run (or be graded), if it cannot
    todo_parts: tuple[str, ...]  # answer parts that still call todo(...)

    @property
    def placeholder(self) -> bool:
        return self.broken is None and bool(self.todo_parts)


def kata_files(manifest: Manifest) -> dict[str, Path]:
    return {k.id: k.kata_file(manifest.root) for k in manifest.katas}


def relative(manifest: Manifest, kata: Kata) -> str:
    """The kata file as the learner sees it from the repository root."""
    return f"{KATAS_DIR}/{kata.path}"


def inspect(manifest: Manifest, kata: Kata) -> StaticState:
    path = kata.kata_file(manifest.root)
    try:
        text = path.read_text()
    except OSError as exc:
        return StaticState(f"cannot read {relative(manifest, kata)}: {exc.strerror}", ())
    try:
        ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        return StaticState(f"syntax error, line {exc.lineno}: {exc.msg}", ())
    try:
        parts = answers.parse(text, relative(manifest, kata)).parts
    except answers.AnswerFormatError as exc:
        return StaticState(f"answer markers: {exc}", ())
    return StaticState(None, tuple(p.name for p in parts if "todo(" in p.body))


def solved_now(manifest: Manifest) -> set[str]:
    """Katas whose last recorded run passed on the file as it is now."""
    runs = progress.recorded_runs(manifest.root, kata_files(manifest))
    return {kata_id for kata_id, run in runs.items() if run.current and run.status == "pass"}


def current(manifest: Manifest) -> Kata | None:
    """The first kata, in learning order, not known to be solved (None: all solved)."""
    solved = solved_now(manifest)
    return next((k for k in manifest.katas if k.id not in solved), None)


def following(manifest: Manifest, kata: Kata) -> Kata | None:
    """The kata to do after `kata`: the next one in order not known to be solved."""
    solved = solved_now(manifest)
    later = manifest.katas[manifest.katas.index(kata) + 1 :]
    earlier = manifest.katas[: manifest.katas.index(kata)]
    return next((k for k in (*later, *earlier) if k.id not in solved), None)


def resolve(manifest: Manifest, kata_id: str | None) -> Kata | None:
    """The named kata (ManifestError if unknown), else the current one."""
    return manifest.kata(kata_id) if kata_id else current(manifest)
