"""`kata verify`: run every kata now; stored progress is never trusted."""

from __future__ import annotations

import argparse

from kafka_katas.kata.manifest import Manifest
from kafka_katas.learner.runner import run_katas


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("verify", help="run every kata now and show the scoreboard")
    parser.add_argument("-v", "--verbose", action="store_true", help="full pytest detail")


def main(manifest: Manifest, args: argparse.Namespace) -> int:
    run = run_katas(
        manifest, manifest.katas, stream=True, options=("-v",) if args.verbose else ("-q",)
    )
    missing = run.missing(manifest.katas)
    if missing:
        print(f"No result for {', '.join(k.id for k in missing)}: see pytest's output above.")
        return run.returncode or 1
    solved = sum(1 for r in run.katas.values() if r.status == "pass")
    print(f"verified: {solved}/{len(manifest.katas)} katas solved")
    return 0 if solved == len(manifest.katas) else 1
