"""The Docker-API socket: `podman system service` run detached, found again by its pid file.

The socket lives outside /var/run/docker.sock on purpose: the suite's
automatic backend choice must not switch to containers for every test run on
this machine just because the engine is up; CI and users opt in with
DOCKER_HOST (printed by `kata dev engine up`).
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

from kafka_katas.stack import process
from kafka_katas.stack.select import docker_api_answers
from kafka_katas.wait import WaitTimeout, wait_until

START_TIMEOUT = 30.0


def runtime_dir() -> Path:
    """Where the socket, pid file and service log live (root: /run/kafka-katas)."""
    explicit = os.environ.get("KATA_ENGINE_DIR")
    if explicit:
        return Path(explicit)
    if os.geteuid() == 0:
        return Path("/run/kafka-katas")
    xdg = os.environ.get("XDG_RUNTIME_DIR") or f"/tmp/kafka-katas-{os.geteuid()}"
    return Path(xdg) / "kafka-katas"


def socket_path() -> Path:
    return runtime_dir() / "docker.sock"


def docker_host() -> str:
    """The DOCKER_HOST value that reaches this engine."""
    return f"unix://{socket_path()}"


def _pid_file() -> Path:
    return runtime_dir() / "service.pid"


def log_file() -> Path:
    return runtime_dir() / "service.log"


def running_pid() -> int | None:
    """The pid of the service we started, if it still runs."""
    try:
        pid = int(_pid_file().read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and b"system\0service" not in cmdline.read_bytes():
        return None  # the pid was reused by something else
    return pid


def answers() -> bool:
    return docker_api_answers({"DOCKER_HOST": docker_host()})


def start() -> str:
    """Start the service unless it already answers; return what was done."""
    if running_pid() is not None and answers():
        return f"Docker API already serving at {docker_host()}"
    stop()
    podman = shutil.which("podman")
    if podman is None:
        raise RuntimeError("podman is not installed (run `kata dev engine up` as root on Debian)")
    runtime_dir().mkdir(parents=True, exist_ok=True)
    socket_path().unlink(missing_ok=True)
    service = process.spawn(
        [podman, "system", "service", "--time=0", docker_host()],
        log_file=log_file(),
        tied_to_parent=False,
    )
    _pid_file().write_text(str(service.pid))
    try:
        wait_until(
            lambda: service.poll() is None and answers(),
            timeout=START_TIMEOUT,
            describe=f"podman's Docker API did not answer at {docker_host()}",
        )
    except WaitTimeout as exc:
        raise RuntimeError(
            f"{exc}\n--- last lines of {log_file()} ---\n{process.tail(log_file())}"
        ) from None
    return f"Docker API serving at {docker_host()} (podman pid {service.pid})"


def stop() -> str:
    """Stop the service we started (by its pid) and remove its socket."""
    pid = running_pid()
    _pid_file().unlink(missing_ok=True)
    if pid is None:
        socket_path().unlink(missing_ok=True)
        return "Docker API service was not running"
    os.kill(pid, signal.SIGTERM)
    try:
        wait_until(
            lambda: not _alive(pid), timeout=15, describe=f"podman service {pid} kept running"
        )
    except WaitTimeout:
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not _alive(pid), timeout=5, describe=f"podman service {pid} survived")
    socket_path().unlink(missing_ok=True)
    return f"stopped the Docker API service (pid {pid})"


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"
