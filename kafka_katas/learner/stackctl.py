"""`kata up | down | status | logs`: a local stack that stays up between test runs.

While it runs, every pytest session of this checkout (and `kata`, `kata watch`,
`kata cli`) attaches to it instead of starting its own broker, which saves the
seconds a broker needs to start. The state lives in <root>/.kata/stack/.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from kafka_katas.kata.manifest import Manifest
from kafka_katas.stack import persistent, process
from kafka_katas.stack.base import StackError
from kafka_katas.stack.select import persistent_allowed


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    up = commands.add_parser("up", help="start a stack that test runs reuse (until `kata down`)")
    up.add_argument("--registry", action="store_true", help="start the Schema Registry too")
    commands.add_parser("down", help="stop the stack `kata up` started")
    commands.add_parser("status", help="is a `kata up` stack running, and where")
    logs = commands.add_parser("logs", help="the last lines of the stack's logs")
    logs.add_argument("-n", "--lines", type=int, default=40, help="lines per log (default 40)")
    logs.add_argument("part", nargs="?", help="only this part (kafka-1, registry)")


def main(manifest: Manifest | None, args: argparse.Namespace) -> int:
    root = manifest.root if manifest is not None else Path.cwd()
    return {"up": _up, "down": _down, "status": _status, "logs": _logs}[args.command](root, args)


def _up(root: Path, args: argparse.Namespace) -> int:
    running = persistent.alive(root)
    if running is not None and (running.registry_url or not args.registry):
        print(f"Already running since {running.started_at}. {describe(running)}")
        return 0
    if not persistent_allowed():
        print(
            "`kata up` keeps a local (JVM) stack running, but this shell chooses another "
            "backend (KATA_BACKEND or KAFKA_BOOTSTRAP_SERVERS). Unset them, or set "
            "KATA_BACKEND=local, to use it.",
            file=sys.stderr,
        )
        return 2
    print(
        "Starting a local stack (Kafka"
        + (" and the Schema Registry" if args.registry else "")
        + ")..."
    )
    started = time.monotonic()
    try:
        state = persistent.start(root, registry=args.registry)
    except StackError as exc:
        print(f"Could not start the stack:\n{exc}\n`kata doctor` checks what is missing.")
        return 3
    print(f"Up in {time.monotonic() - started:.1f} s. {describe(state)}")
    print("Test runs in this checkout now reuse it. `kata down` stops it.")
    return 0


def _down(root: Path, args: argparse.Namespace) -> int:
    try:
        stopped = persistent.stop(root)
    except StackError as exc:
        print(exc, file=sys.stderr)
        return 1
    print("Stopped the `kata up` stack." if stopped else "No `kata up` stack to stop.")
    return 0


def _status(root: Path, args: argparse.Namespace) -> int:
    state = persistent.read_state(root)
    if state is None:
        print("No `kata up` stack: each test run starts its own (`kata up` to keep one running).")
        return 1
    dead = persistent.dead_parts(state)
    if dead or persistent.alive(root) is None:
        print(f"The `kata up` stack is down ({', '.join(dead) or 'Kafka does not answer'}).")
        print("`kata down` cleans up, `kata up` starts a new one; `kata logs` shows why.")
        return 1
    print(f"Running since {state.started_at}. {describe(state)}")
    if state.owner_pid and state.owner_pid != os.getpid():
        print(f"Owned by `kata watch` (pid {state.owner_pid}): it stops when that ends.")
    return 0


def describe(state: persistent.StackState) -> str:
    lines = [f"Kafka: {state.bootstrap}"]
    if state.registry_url:
        lines.append(f"Schema Registry: {state.registry_url}")
    lines.append("pids: " + ", ".join(f"{k} {v}" for k, v in state.pids.items()))
    return "\n  ".join(lines)


def _logs(root: Path, args: argparse.Namespace) -> int:
    state = persistent.read_state(root)
    if state is None:
        print("No `kata up` stack, so no logs. Test runs keep their logs in a temporary folder.")
        return 1
    chosen = {k: v for k, v in state.logs.items() if args.part in (None, k)}
    if not chosen:
        print(f"No part {args.part!r}; parts: {', '.join(state.logs)}")
        return 2
    for part, log in chosen.items():
        print(f"--- {part}: {log} ---")
        print(process.tail(Path(log), args.lines))
    return 0
