"""A local stack that outlives one test run: `kata up` starts it, test sessions reuse it.

Starting Kafka costs seconds on every pytest run; a learner iterating on one
kata wants results in about one. `kata up` (or `kata watch`) starts the local
backend, writes a state file under <root>/.kata/stack/, and every pytest
session of that checkout attaches to it while its processes are alive.
`kata down` stops it. A stale state file (its processes gone) is ignored.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from confluent_kafka.admin import AdminClient

from kafka_katas.localstate import STATE_DIR, state_dir
from kafka_katas.stack import process
from kafka_katas.stack.base import KafkaEndpoint, Stack, StackError
from kafka_katas.stack.cli_tools import jvm_cli_command
from kafka_katas.stack.local.downloads import locked
from kafka_katas.stack.parts import APICURIO_VERSION, KAFKA_VERSION, MIN_JAVA
from kafka_katas.wait import WaitTimeout, wait_until

STATE_FILE = "state.json"
ATTACH_TIMEOUT = 10.0
STOP_TIMEOUT = 15.0


@dataclass
class StackState:
    """What `kata up` started; enough for another process to use or stop it."""

    backend: str
    bootstrap: str
    pids: dict[str, int]  # part name -> process id
    workdir: str
    logs: dict[str, str]  # part name -> log file
    started_at: str
    owner_pid: int | None = None  # a `kata watch` that stops the stack when it ends
    registry_url: str | None = None
    versions: dict[str, str] = field(default_factory=dict)


def stack_dir(root: Path) -> Path:
    return state_dir(root) / "stack"


def state_path(root: Path) -> Path:
    return root / STATE_DIR / "stack" / STATE_FILE


def read_state(root: Path) -> StackState | None:
    try:
        return StackState(**json.loads(state_path(root).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def write_state(root: Path, state: StackState) -> None:
    path = state_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state), indent=2) + "\n")
    os.replace(tmp, path)


def dead_parts(state: StackState) -> list[str]:
    """Parts of the stack whose process is gone (empty: all alive)."""
    return [name for name, pid in state.pids.items() if not _is_ours(pid)]


def alive(root: Path) -> StackState | None:
    """The state of a running persistent stack of this checkout, else None."""
    state = read_state(root)
    if state is None or dead_parts(state):
        return None
    host, _, port = state.bootstrap.split(",")[0].rpartition(":")
    return state if process.port_open(host, int(port)) else None


def start(root: Path, *, registry: bool = False, owner_pid: int | None = None) -> StackState:
    """Start a local stack detached from this process (or tied to `owner_pid`'s life).

    A running stack is reused; `registry` adds the Schema Registry to it if it has none.
    """
    with locked(stack_dir(root) / "start.lock"):  # two `kata up` at once: one stack
        state = alive(root) or _start_kafka(root, owner_pid)
        if registry and state.registry_url is None:
            state = _add_registry(root, state)
        return state


def _start_kafka(root: Path, owner_pid: int | None) -> StackState:
    from kafka_katas.stack.local.stack import LocalStack

    workdir = stack_dir(root) / "run"
    shutil.rmtree(workdir, ignore_errors=True)
    stack = LocalStack(workdir=workdir, tied_to_parent=owner_pid is not None)
    try:
        endpoint = stack.start()
    except BaseException:
        stack.stop()
        raise
    state = StackState(
        backend="local",
        bootstrap=endpoint.bootstrap_servers,
        pids={f"kafka-{n.node_id}": n.process.pid for n in stack.kafka.nodes if n.process},
        workdir=str(workdir),
        logs={f"kafka-{n.node_id}": str(n.log_file) for n in stack.kafka.nodes},
        started_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        owner_pid=owner_pid,
        versions=stack.versions(),
    )
    write_state(root, state)
    return state


def _add_registry(root: Path, state: StackState) -> StackState:
    """Start Apicurio next to the running Kafka; it shares the stack's life and `kata down`."""
    from kafka_katas.stack.local.registry import LocalRegistry

    java, _ = process.find_java(MIN_JAVA)
    # Tied only to an owner that is this process: a `kata up --registry` run beside a
    # `kata watch` must not take the registry down when it exits a moment later.
    registry = LocalRegistry(
        Path(state.workdir) / "registry", java, tied_to_parent=state.owner_pid == os.getpid()
    )
    try:
        registry.start()
    except BaseException:
        registry.stop()
        raise
    assert registry.process is not None
    state.pids["registry"] = registry.process.pid
    state.logs["registry"] = str(registry.log_file)
    state.registry_url = registry.url
    state.versions["schema registry"] = f"Apicurio Registry {APICURIO_VERSION} (JVM)"
    write_state(root, state)
    return state


def stop(root: Path) -> StackState | None:
    """Stop the persistent stack (if any) and forget it; returns what was stopped."""
    state = read_state(root)
    if state is None:
        return None
    for pid in state.pids.values():
        if _is_ours(pid):
            os.kill(pid, signal.SIGKILL)  # throwaway data: no clean shutdown needed
    try:
        wait_until(
            lambda: not any(_is_ours(pid) for pid in state.pids.values()),
            timeout=STOP_TIMEOUT,
            describe="the stack's processes did not exit",
        )
    except WaitTimeout as exc:
        raise StackError(f"{exc}; pids: {sorted(state.pids.values())}") from None
    state_path(root).unlink(missing_ok=True)
    shutil.rmtree(state.workdir, ignore_errors=True)
    return state


def _is_ours(pid: int) -> bool:
    """True when `pid` runs and is one of our JVMs (not an unrelated process reusing the id)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
        if status.rsplit(")", 1)[1].split()[0] == "Z":  # exited, not yet reaped
            return False
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (macOS): trust the pid
    return b"java" in cmdline


class AttachedStack(Stack):
    """The persistent stack seen from a test session: used, never stopped.

    A registry the persistent stack does not run is started for this session
    only (a local JVM, stopped with the session), since Apicurio keeps its
    schemas in memory and needs nothing from Kafka.
    """

    name = "local"

    def __init__(self, state: StackState) -> None:
        self.state = state
        self._own_registry: Stack | None = None

    def _start(self) -> KafkaEndpoint:
        admin = AdminClient({"bootstrap.servers": self.state.bootstrap, "log_level": 0})
        try:
            wait_until(
                lambda: _has_brokers(admin),
                timeout=ATTACH_TIMEOUT,
                describe=f"the `kata up` stack at {self.state.bootstrap} did not answer",
            )
        except WaitTimeout as exc:
            raise StackError(f"{exc}. `kata down`, then `kata up`, or run without it.") from None
        return KafkaEndpoint(self.state.bootstrap)

    def schema_registry_config(self) -> dict[str, str]:
        if self.state.registry_url:
            return {"url": self.state.registry_url}
        if self._own_registry is None:
            from kafka_katas.stack.local.stack import LocalStack

            self._own_registry = LocalStack()
        return self._own_registry.schema_registry_config()

    def versions(self) -> dict[str, str]:
        kafka = self.state.versions.get("kafka", f"Apache Kafka {KAFKA_VERSION}")
        parts = {"kafka": f"{kafka}, reused from `kata up`"}
        if self.state.registry_url:
            parts["schema registry"] = self.state.versions.get("schema registry", "running")
        return parts

    def cli_command(self, tool: str, args: Sequence[str]) -> list[str]:
        return jvm_cli_command(tool, args)

    def stop(self) -> None:
        """Leave the persistent stack running; stop only a registry started for this session."""
        if self._own_registry is not None:
            self._own_registry.stop()


def attach(root: Path) -> AttachedStack | None:
    state = alive(root)
    return AttachedStack(state) if state is not None else None


def _has_brokers(admin: AdminClient) -> bool:
    try:
        return bool(admin.list_topics(timeout=2).brokers)
    except Exception:
        return False
