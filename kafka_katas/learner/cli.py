"""The `kata` command (placeholder until the runner lands)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from kafka_katas.kata.check import main as check_main

    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["dev", "check"]:
        return check_main(args[2:])
    print("usage: kata dev check", file=sys.stderr)
    return 2
