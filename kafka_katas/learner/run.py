"""`kata run ID`: run one kata now and show the short result."""

from __future__ import annotations

import argparse

from kafka_katas.kata.manifest import Kata, Manifest
from kafka_katas.learner import result
from kafka_katas.learner.runner import RunResult, run_katas
from kafka_katas.stack import persistent

SLOW_RUN = 2.0  # seconds: above this, suggest `kata up`


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("run", help="run one kata now")
    parser.add_argument("kata", help="kata id (see `kata list`)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's full output")


def main(manifest: Manifest, args: argparse.Namespace) -> int:
    kata = manifest.kata(args.kata)
    run = run_and_show(manifest, kata, verbose=args.verbose)
    return 0 if is_solved(run, kata) else 1


def run_and_show(manifest: Manifest, kata: Kata, *, verbose: bool = False) -> RunResult:
    """Run `kata` and print its short result (with -v, pytest's own report first)."""
    print(f"Running {kata.id}: {kata.title}", flush=True)
    run = run_katas(manifest, [kata], stream=verbose, options=("-v",) if verbose else ("-q",))
    print("\n".join(result.describe(manifest, kata, run)))
    if not is_solved(run, kata):
        print("  Re-run: `kata`, or `kata watch` to re-run on every save.")
        slow = kata.id in run.katas and run.seconds > SLOW_RUN
        if kata.needs and slow and persistent.alive(manifest.root) is None:
            print("  Tip: `kata up` keeps Kafka running between runs, so each run is faster.")
    return run


def is_solved(run: RunResult, kata: Kata) -> bool:
    found = run.katas.get(kata.id)
    return found is not None and found.status == "pass"
