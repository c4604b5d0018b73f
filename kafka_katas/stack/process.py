"""Child processes that cannot outlive the test run.

Every JVM the local backend starts is tied to the Python process that started
it: on Linux the kernel sends it SIGKILL when that process dies, however it
dies (Ctrl-C, SIGTERM, SIGKILL, a crash). It also runs in its own session, so
a Ctrl-C in the terminal reaches pytest (which then tears down in order)
rather than killing brokers under a test that is still running.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from kafka_katas.stack.base import StackError

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def spawn(
    argv: Sequence[str],
    *,
    log_file: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    tied_to_parent: bool = True,
) -> subprocess.Popen[bytes]:
    """Start `argv` with stdout and stderr appended to `log_file`.

    With `tied_to_parent` (the default) the child dies with this process;
    `kata up` passes False to leave a stack running between test runs.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,
            preexec_fn=_die_with_parent if tied_to_parent else None,
        )


def kill(process: subprocess.Popen[bytes] | None, timeout: float = 10) -> None:
    """Stop a throwaway server at once: its data is deleted next, so no clean shutdown."""
    if process is None or process.poll() is not None:
        return
    process.kill()
    process.wait(timeout=timeout)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.2) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file, for failure messages."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def find_java(minimum: int) -> tuple[Path, int]:
    """The java executable to use (JAVA_HOME first, then PATH) and its feature version."""
    java_home = os.environ.get("JAVA_HOME")
    candidates = [Path(java_home) / "bin" / "java"] if java_home else []
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path))
    for java in candidates:
        if not java.exists():
            continue
        version = java_feature_version(java)
        if version is not None and version >= minimum:
            return java, version
    found = ", ".join(f"{j} ({java_feature_version(j)})" for j in candidates if j.exists())
    raise StackError(
        f"The local backend runs Kafka on Java {minimum} or newer, and none was found"
        f"{' (found: ' + found + ')' if found else ''}. Install a JDK {minimum}+ "
        "(e.g. `apt-get install openjdk-17-jre-headless`, `brew install openjdk@17`) and "
        "put it on PATH or in JAVA_HOME; or run with Docker (KATA_BACKEND=containers), "
        "or name an existing cluster in KAFKA_BOOTSTRAP_SERVERS."
    )


def java_feature_version(java: Path) -> int | None:
    """17 for `openjdk version "17.0.15"`, None when java does not run."""
    try:
        out = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=30, check=False
        ).stderr
    except OSError:
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major
