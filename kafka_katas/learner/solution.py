"""`kata solution ID`: the reference answers, only once the kata is solved.

Solved means a passing run of the file as it is now (recorded, or run on the
spot); `--force` shows them anyway, for learners who choose to give up.
"""

from __future__ import annotations

import argparse

from kafka_katas.kata import answers
from kafka_katas.kata.manifest import SOLUTIONS_DIR, Kata, Manifest
from kafka_katas.learner import course
from kafka_katas.learner.run import is_solved
from kafka_katas.learner.runner import run_katas


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("solution", help="the reference answers of a solved kata")
    parser.add_argument("kata", help="kata id")
    parser.add_argument("--force", action="store_true", help="show it even though unsolved")


def main(manifest: Manifest, args: argparse.Namespace) -> int:
    kata = manifest.kata(args.kata)
    solution = kata.solution_file(manifest.root)
    if not solution.is_file():
        print(f"No solution file {SOLUTIONS_DIR}/{kata.path} in this checkout.")
        return 1
    unlocked = args.force or kata.id in course.solved_now(manifest)
    if not unlocked and not _solved_on_the_spot(manifest, kata):
        print(f"{kata.id} is not solved yet, so its solution stays hidden.")
        print(f"Try `kata hint {kata.id}`; `kata solution {kata.id} --force` shows it anyway.")
        return 1
    parts = answers.parse(solution.read_text(), str(solution)).parts
    print(f"Reference answers for {kata.id} ({SOLUTIONS_DIR}/{kata.path}):")
    for part in parts:
        print(f"\n# >>> ANSWER: {part.name}")
        print(part.body.rstrip("\n"))
        print(f"# <<< ANSWER: {part.name}")
    return 0


def _solved_on_the_spot(manifest: Manifest, kata: Kata) -> bool:
    """A file with a placeholder or a syntax error is unsolved without a run; else run it."""
    static = course.inspect(manifest, kata)
    if static.broken or static.placeholder:
        return False
    print(f"Checking that {kata.id} is solved...")
    return is_solved(run_katas(manifest, [kata]), kata)
