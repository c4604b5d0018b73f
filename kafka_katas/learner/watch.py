"""`kata watch`: re-run the current kata every time its file is saved.

The watcher polls the file's modification time and size every 0.2 s: no
dependency, and it works on every OS and editor (atomic saves included),
where inotify-style watchers miss renames or fail on network mounts. A save
is debounced (the file must stay unchanged for 0.1 s) so an editor writing in
several steps triggers one run. The stack stays up between runs: a `kata up`
stack is reused, else watch starts one for its own lifetime.

When saves go unnoticed (some mounts never update mtimes), `--manual` runs
on Enter instead; watch suggests it when a manual re-run finds a change that
polling missed.
"""

from __future__ import annotations

import argparse
import os
import select
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kafka_katas.kata.manifest import Kata, Manifest
from kafka_katas.learner import board, course, forkrun, hints, progress, result
from kafka_katas.learner.runner import run_katas
from kafka_katas.stack import persistent
from kafka_katas.stack.base import StackError
from kafka_katas.stack.select import persistent_allowed

POLL = 0.2  # seconds between two looks at the file
SETTLE = 0.1  # a save counts once the file has not changed for this long
MISSING_TOO_LONG = 5.0  # the file gone this long: watching is probably broken

Stamp = tuple[int, int] | None


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("watch", help="re-run the current kata on every save")
    parser.add_argument("kata", nargs="?", help="kata id (default: the current kata)")
    parser.add_argument(
        "--manual", action="store_true", help="no file watching: press Enter to re-run"
    )


def main(manifest: Manifest, args: argparse.Namespace) -> int:
    kata = course.resolve(manifest, args.kata)
    if kata is None:
        print("Every kata is solved (as last run). `kata verify` re-runs them all.")
        return 0
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # results reach pipes at once
    stop_stack = _warm_stack(manifest.root, registry="registry" in kata.needs)
    forkrun.preload()  # every run forks from here, libraries already imported
    try:
        Session(manifest, kata, manual=args.manual).loop()
    finally:
        stop_stack()
    return 0


def _warm_stack(root: Path, *, registry: bool) -> Callable[[], None]:
    """Make runs attach to a running stack; return how to stop one started here."""
    running = persistent.alive(root)
    if running is not None:
        print("Using the stack started by `kata up`.")
        if registry:
            warm_registry(root)
        return lambda: None
    if not persistent_allowed():
        print("Every run provisions its own stack (KATA_BACKEND / KAFKA_BOOTSTRAP_SERVERS).")
        return lambda: None
    print("Starting a Kafka stack for this watch (it stops when watch ends)...")
    try:
        persistent.start(root, registry=registry, owner_pid=os.getpid())
    except StackError as exc:
        print(f"Could not start the stack; each run will try on its own.\n{exc}")
        return lambda: None

    def stop() -> None:
        state = persistent.read_state(root)
        if state is not None and state.owner_pid == os.getpid():
            persistent.stop(root)

    return stop


def warm_registry(root: Path) -> None:
    """Add the Schema Registry to the running stack, once, for katas that need one."""
    state = persistent.alive(root)
    if state is None or state.registry_url:
        return
    print("Starting the Schema Registry next to Kafka...")
    try:
        persistent.start(root, registry=True)
    except StackError as exc:
        print(f"Could not start the registry; each run will start its own.\n{exc}")


def stamp(path: Path) -> Stamp:
    """What polling compares: modification time (ns) and size; None while the file is gone."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


class Session:
    """One watch: the kata in focus, what its file looked like at the last run."""

    def __init__(self, manifest: Manifest, kata: Kata, *, manual: bool) -> None:
        self.manifest = manifest
        self.manual = manual
        self.keyboard = _stdin_may_type()  # and until stdin reaches its end
        self.focus(kata)

    def focus(self, kata: Kata) -> None:
        if "registry" in kata.needs:
            warm_registry(self.manifest.root)
        self.kata = kata
        self.path = kata.kata_file(self.manifest.root)
        self.seen = stamp(self.path)
        self.digest = progress.file_digest(self.path)
        self.missing_since: float | None = None
        self.solved = False

    def loop(self) -> None:
        self.run()
        while True:
            command = self.wait()
            if command == "q":
                return
            if command == "h":
                hints.main(self.manifest, argparse.Namespace(kata=self.kata.id))
            elif command == "l":
                print("\n".join(board.detailed_lines(self.manifest, board.rows(self.manifest))))
            elif command == "n":
                self.advance()
            elif command not in ("", "save"):
                print(f"Unknown command {command!r}.")
                self.prompt()
            else:  # a save, or Enter
                if command == "" and not self.manual:
                    self.check_polling()
                self.run()

    def run(self) -> None:
        self.seen = stamp(self.path)
        self.digest = progress.file_digest(self.path)
        print(f"\n── {time.strftime('%H:%M:%S')} running {self.kata.id} ──")
        run = run_katas(self.manifest, [self.kata], fork=True)
        found = run.katas.get(self.kata.id)
        self.solved = found is not None and found.status == "pass"
        print("\n".join(result.describe(self.manifest, self.kata, run)))
        if self.solved and course.following(self.manifest, self.kata) is not None:
            print("  In this watch: n + Enter moves on to it.")
        self.prompt()

    def prompt(self) -> None:
        where = course.relative(self.manifest, self.kata)
        if self.manual:
            print(f"Edit {where}, then Enter re-runs · h hint · n next · q quit")
        elif self.keyboard:
            print(f"Watching {where}: save to re-run · Enter re-run · h hint · n next · q quit")
        else:
            print(f"Watching {where}: save to re-run (Ctrl-C stops)")

    def advance(self) -> None:
        following = course.following(self.manifest, self.kata)
        if not self.solved:
            print(f"{self.kata.id} is not solved yet; `n` moves on once it is.")
        elif following is None:
            print("Every kata is solved. `kata verify` re-runs them all.")
        else:
            self.focus(following)
            self.run()

    def wait(self) -> str:
        """Block until a save (returns "save") or a typed command ("", "h", "n", "l", "q")."""
        while True:
            if self.manual and not self.keyboard:
                print("--manual re-runs on Enter, and there is no keyboard input here.")
                return "q"
            if self.keyboard:
                readable, _, _ = select.select([sys.stdin], [], [], None if self.manual else POLL)
                if readable:
                    line = sys.stdin.readline()
                    if not line:  # stdin closed: keep watching the file
                        self.keyboard = False
                    else:
                        return line.strip().lower()[:1]
            else:
                time.sleep(POLL)  # polling the file's mtime, not waiting for Kafka
            if not self.manual and self.saved():
                return "save"

    def saved(self) -> bool:
        current = stamp(self.path)
        if current is None:
            self.missing_since = self.missing_since or time.monotonic()
            if time.monotonic() - self.missing_since > MISSING_TOO_LONG:
                print(f"{self.path} has been missing for a while. {_MANUAL_ADVICE}")
                self.missing_since = float("inf")
            return False
        self.missing_since = None
        if current == self.seen:
            return False
        settled = current
        while True:  # debounce: wait until the editor has finished writing
            time.sleep(SETTLE)
            latest = stamp(self.path)
            if latest == settled:
                break
            settled = latest
        if settled is None:
            return False
        if progress.file_digest(self.path) == self.digest:  # touched, not changed
            self.seen = settled
            return False
        return True

    def check_polling(self) -> None:
        """On Enter: a change polling did not see means file watching is broken here."""
        if progress.file_digest(self.path) != self.digest and stamp(self.path) == self.seen:
            print(f"Your last save was not noticed. {_MANUAL_ADVICE}")


def _stdin_may_type() -> bool:
    """False when stdin is /dev/null or missing (a script, a service): no commands to read."""
    try:
        info = os.fstat(sys.stdin.fileno())
        null = os.stat(os.devnull)
    except (OSError, ValueError, AttributeError):
        return False
    return not (stat.S_ISCHR(info.st_mode) and info.st_rdev == null.st_rdev)


_MANUAL_ADVICE = (
    "File watching seems not to work here: `kata watch --manual` re-runs when you press Enter."
)
