"""`kata hint [ID]`: the next hint level for a kata, gentle first.

Every call reveals one more level (up to the last) and repeats the earlier
ones; the highest level shown is recorded in progress.json, where grading
reads it through `progress.hints_used`.
"""

from __future__ import annotations

import argparse

from kafka_katas.kata.manifest import Manifest
from kafka_katas.learner import course, progress, style


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("hint", help="the next hint for a kata (default: the current)")
    parser.add_argument("kata", nargs="?", help="kata id (default: the current kata)")


def main(manifest: Manifest, args: argparse.Namespace) -> int:
    kata = course.resolve(manifest, args.kata)
    if kata is None:
        print("Every kata is solved (as last run): no hint needed. `kata hint ID` for a given one.")
        return 0
    shown = progress.hints_used(manifest.root).get(kata.id, 0)
    level = min(shown + 1, len(kata.hints))
    progress.record_hint(manifest.root, kata.id, level)
    print(f"Hints for {kata.id} ({kata.title}):")
    for number, text in enumerate(kata.hints[:level], start=1):
        line = f"  {number}/{len(kata.hints)}: {text}"
        print(style.paint(line, "bold") if number == level else line)
    if level < len(kata.hints):
        print(f"`kata hint {kata.id}` again for hint {level + 1}.")
    else:
        print("That was the last hint. The solution shows once the kata is solved.")
    return 0
