"""`kata` without arguments: where you stand, then the current kata, run."""

from __future__ import annotations

import argparse

from kafka_katas.kata.manifest import Manifest
from kafka_katas.learner import board, course
from kafka_katas.learner.run import is_solved, run_and_show


def main(manifest: Manifest, args: argparse.Namespace) -> int:
    current = course.current(manifest)
    table = board.rows(manifest)
    print("kafka-katas progress (`kata list` for details)")
    print("\n".join(board.module_lines(manifest, table, current)))
    print(board.score_line(table))
    print()
    if current is None:
        print("Every kata is solved (as last run). `kata verify` re-runs them all to prove it.")
        return 0
    run = run_and_show(manifest, current, verbose=getattr(args, "verbose", False))
    return 0 if is_solved(run, current) else 1
