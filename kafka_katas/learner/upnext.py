"""`kata next`: which kata to work on now, what it teaches and where to write.

It reads, it does not run: the current kata is the first one not known to be
solved (see `kata list`), and `kata` or `kata watch` runs it.
"""

from __future__ import annotations

import argparse
import ast

from kafka_katas.kata.manifest import Kata, Manifest
from kafka_katas.learner import course, result


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    commands.add_parser("next", help="show the kata to work on now")


def main(manifest: Manifest, args: argparse.Namespace) -> int:
    kata = course.current(manifest)
    if kata is None:
        print("Every kata is solved (as last run). `kata verify` re-runs them all.")
        return 0
    number = manifest.katas.index(kata) + 1
    module = manifest.modules[kata.module]
    print(f"Kata {number} of {len(manifest.katas)}: {kata.id}, {kata.title}")
    print(f"  module {module.id}: {module.title}")
    print(f"  file:  {course.relative(manifest, kata)}")
    intro = _docstring(manifest, kata)
    if intro:
        print()
        print("\n".join(f"  {line}".rstrip() for line in intro.splitlines()))
    static = course.inspect(manifest, kata)
    print()
    if static.broken:
        print(f"  The file does not load: {static.broken}")
    elif static.todo_parts:
        print(f"  Write the answer parts: {', '.join(static.todo_parts)}")
    print("  Then `kata` runs it, or `kata watch` runs it on every save.")
    print(result.hint_advice(manifest, kata))
    return 0


def _docstring(manifest: Manifest, kata: Kata) -> str:
    try:
        tree = ast.parse(kata.kata_file(manifest.root).read_text())
    except (OSError, SyntaxError):
        return ""
    return (ast.get_docstring(tree) or "").strip()
