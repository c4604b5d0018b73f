"""`kata reset ID | --all`: put back the pristine kata file, after asking.

The pristine text is the newest version in git history whose answer parts
all still call todo(...) (so a learner who committed answers still gets the
shipped kata back), or the same file in a pristine checkout (--pristine DIR).
The whole file is restored: edits outside answer parts are undone too.
Hints used are kept: they are part of the learner's record.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from kafka_katas.kata import answers
from kafka_katas.kata.manifest import Kata, Manifest
from kafka_katas.learner import course, progress

MAX_COMMITS = 200


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("reset", help="restore a kata's pristine file (asks first)")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("kata", nargs="?", help="kata id")
    which.add_argument("--all", action="store_true", help="reset every kata")
    parser.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--pristine", metavar="DIR", type=Path, help="take the pristine file from this checkout"
    )


def main(manifest: Manifest, args: argparse.Namespace) -> int:
    katas = list(manifest.katas) if args.all else [manifest.kata(args.kata)]
    plan: list[tuple[Kata, str]] = []
    problems = 0
    for kata in katas:
        found = pristine_text(manifest, kata, args.pristine)
        if found is None:
            problems += 1
            print(
                f"✘ {kata.id}: no pristine version found (not in git history with its todo() "
                "placeholders). Pass --pristine DIR, a fresh checkout of the course."
            )
            continue
        text, source = found
        path = kata.kata_file(manifest.root)
        current = path.read_text() if path.exists() else ""
        if current == text:
            print(f"  {kata.id}: already pristine")
            continue
        changes = _changes(current, text)
        print(f"  {kata.id}: {course.relative(manifest, kata)} <- {source} ({changes})")
        plan.append((kata, text))
    if not plan:
        return 1 if problems else 0
    if not args.yes and not _confirm(f"Reset {len(plan)} kata file(s)? Your answers will be lost."):
        print("Nothing reset.")
        return 1
    for kata, text in plan:
        kata.kata_file(manifest.root).write_text(text)
    progress.forget_runs(manifest.root, [k.id for k, _ in plan])
    print(f"Reset {', '.join(k.id for k, _ in plan)}.")
    return 1 if problems else 0


def pristine_text(manifest: Manifest, kata: Kata, checkout: Path | None) -> tuple[str, str] | None:
    """The pristine file text and where it came from, or None."""
    if checkout is not None:
        path = kata.kata_file(checkout)
        return (path.read_text(), str(path)) if path.is_file() else None
    path = kata.kata_file(manifest.root)
    for commit in _git(
        manifest.root, "log", "--format=%H", f"-{MAX_COMMITS}", "--", str(path)
    ).split():
        text = _git(manifest.root, "show", f"{commit}:./{course.relative(manifest, kata)}")
        if is_pristine(text):
            return text, f"git {commit[:10]}"
    return None


def is_pristine(text: str) -> bool:
    """Every answer part still holds its placeholder."""
    try:
        parts = answers.parse(text).parts
    except answers.AnswerFormatError:
        return False
    return bool(parts) and all("todo(" in p.body for p in parts)


def _changes(current: str, pristine: str) -> str:
    try:
        mine, shipped = answers.parse(current), answers.parse(pristine)
    except answers.AnswerFormatError:
        return "answer markers damaged: whole file restored"
    parts = [n for n, body in mine.answers.items() if body != shipped.answers.get(n)]
    notes = [f"answers: {', '.join(parts)}"] if parts else []
    if mine.fixed != shipped.fixed:
        notes.append("text outside answer parts restored too")
    return "; ".join(notes) or "restored"


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return ""
    return done.stdout if done.returncode == 0 else ""


def _confirm(question: str) -> bool:
    print(f"{question} [y/N] ", end="", flush=True)
    answer = sys.stdin.readline().strip().lower()
    if not answer:
        print()
    return answer in ("y", "yes")
