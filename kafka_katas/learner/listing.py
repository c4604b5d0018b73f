"""`kata list`: every kata with its status, points and hints used.

Without --run it runs nothing and says where each status comes from; with
--run it runs every kata first (one pytest session) and shows only fresh
results.
"""

from __future__ import annotations

import argparse

from kafka_katas.kata.manifest import Manifest
from kafka_katas.learner import board
from kafka_katas.learner.runner import run_katas


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("list", help="status, points and hints per kata")
    parser.add_argument("--run", action="store_true", help="run every kata now instead")


def main(manifest: Manifest, args: argparse.Namespace) -> int:
    fresh = None
    if args.run:
        print("Running every kata...")
        run = run_katas(manifest, manifest.katas)
        fresh = run.katas
        print(f"Status from running every kata just now ({run.seconds:.1f} s):")
        missing = run.missing(manifest.katas)
        if missing:
            print(
                f"! no result for {', '.join(k.id for k in missing)} (pytest exit code "
                f"{run.returncode}); `kata run ID` shows why, `kata doctor` checks the stack."
            )
    else:
        print("Status without running anything: from the kata file itself, or from the last")
        print("run while the file is unchanged. `kata list --run` runs every kata now.")
    table = board.rows(manifest, fresh)
    print()
    print("\n".join(board.detailed_lines(manifest, table)))
    print()
    print(board.score_line(table))
    return 0
