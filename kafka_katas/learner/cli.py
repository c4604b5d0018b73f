"""The `kata` command: routes each sub-command to its module.

Every job lives in its own module under kafka_katas.learner (run, list, hint,
reset, ...); this file only parses arguments. `kata grade` and `kata dev
engine` are imported lazily: they belong to other parts of the project and
must not slow down, or break, the learner's commands.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from types import ModuleType

from kafka_katas.kata.manifest import Manifest, ManifestError, load

#: Sub-command -> module with add_parser(commands) and main(manifest, args).
COMMANDS = {
    "list": "listing",
    "hint": "hints",
    "run": "run",
    "next": "upnext",
    "reset": "reset",
    "solution": "solution",
    "verify": "verify",
    "watch": "watch",
    "up": "stackctl",
    "down": "stackctl",
    "status": "stackctl",
    "logs": "stackctl",
    "doctor": "doctor",
    "cli": "tools",
}

#: Sub-commands whose arguments go, untouched, to another module's main(argv).
DELEGATED = {
    ("grade",): ("kafka_katas.learner.grade", "main", "grading (`kata grade`)"),
    ("dev", "engine"): ("kafka_katas.engine", "main", "`kata dev engine`"),
    ("dev", "check"): ("kafka_katas.kata.check", "main", "`kata dev check`"),
}

#: Commands that work without a course checkout (they diagnose or drive the stack).
NO_MANIFEST = {"doctor", "cli", "down", "status", "logs"}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    for prefix, (module, function, label) in DELEGATED.items():
        if tuple(args[: len(prefix)]) == prefix:
            return _delegate(module, function, label, args[len(prefix) :])
    parsed = build_parser().parse_args(args)
    command = parsed.command or "start"
    module = _module(COMMANDS.get(command, "start"))
    try:
        manifest: Manifest | None = load()
    except ManifestError as exc:
        if command not in NO_MANIFEST:
            print(f"kata: {exc}", file=sys.stderr)
            return 2
        manifest = None
    try:
        return int(module.main(manifest, parsed))
    except ManifestError as exc:  # an unknown kata id, mostly
        print(f"kata: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print()
        return 130
    except BrokenPipeError:  # `kata list | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kata",
        description="Kafka katas: make red tests green against a real broker. "
        "Without a command: your progress, then the current kata, run.",
        epilog="Also: `kata grade ...` (grading), `kata dev check` and `kata dev engine` "
        "(for course authors).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's full output")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    seen: set[str] = set()
    for name in COMMANDS.values():
        if name not in seen:
            seen.add(name)
            _module(name).add_parser(commands)
    return parser


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"kafka_katas.learner.{name}")


def _delegate(module: str, function: str, label: str, argv: list[str]) -> int:
    try:
        target: Callable[[list[str]], int] = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError) as exc:
        print(
            f"kata: {label} is not available in this installation ({module}.{function}: {exc}).",
            file=sys.stderr,
        )
        return 2
    return int(target(argv) or 0)


if __name__ == "__main__":
    sys.exit(main())
