"""A watchdog that removes a session's containers once the test run is gone, however it went.

Ryuk (testcontainers' reaper) is an image to pull, which not every machine
can. This one is a detached Python process: it blocks reading a pipe whose
only writer is the test run, so it wakes exactly when that process closes it
(a clean stop, announced by writing ``clean`` first) or dies (SIGKILL, a
crash), and in the second case removes every container and network labelled
with the session id. No polling, no sleep.

Run as ``python -m kafka_katas.stack.reaper <fd> <session>``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

SESSION_LABEL = "io.github.kafka-katas.session"
#: What the test run writes before closing the pipe when it removed everything itself.
CLEAN = b"clean"


class Reaper:
    """The parent's half: start the watchdog, keep the pipe open, close it to release."""

    def __init__(self, session: str, env: Mapping[str, str]) -> None:
        read_end, self._write_end = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kafka_katas.stack.reaper", str(read_end), session],
                pass_fds=(read_end,),
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C in the terminal must not reach it
            )
        finally:
            os.close(read_end)

    def release(self, *, clean: bool) -> None:
        """Let the watchdog go: it exits at once if `clean`, else it sweeps first."""
        if self._write_end >= 0:
            if clean:
                os.write(self._write_end, CLEAN)
            os.close(self._write_end)
            self._write_end = -1


def remove_labelled(session: str, env: Mapping[str, str] | None = None) -> list[str]:
    """Remove the session's containers, then its networks; return what was removed."""
    import docker

    client = docker.from_env(environment=dict(os.environ if env is None else env))
    selector = {"label": f"{SESSION_LABEL}={session}"}
    removed: list[str] = []
    try:
        for container in client.containers.list(all=True, filters=selector):
            container.remove(force=True, v=True)
            removed.append(f"container {container.name}")
        for network in client.networks.list(filters=selector):
            network.remove()
            removed.append(f"network {network.name}")
    finally:
        client.close()
    return removed


def main(argv: list[str]) -> int:
    fd, session = int(argv[0]), argv[1]
    received = b""
    with os.fdopen(fd, "rb") as pipe:
        while chunk := pipe.read(4096):  # b"" only when every writer is gone
            received += chunk
    if received == CLEAN:
        return 0
    try:
        removed = remove_labelled(session)
    except Exception as exc:  # the engine may be gone too; say so in one line
        print(f"kafka-katas reaper (session {session}) could not clean up: {exc}", file=sys.stderr)
        return 1
    if removed:
        print(
            f"kafka-katas reaper (session {session}) removed: {', '.join(removed)}", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
