"""The containers backend against a real Docker API: it runs, fails clearly, leaves nothing.

Runs only where a Docker API answers (Docker, or `kata dev engine up` and its
DOCKER_HOST); CI's container stage runs it with the locally built images.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import docker
import pytest

from kafka_katas.stack import StackError
from kafka_katas.stack.containers import ContainerStack
from kafka_katas.stack.reaper import SESSION_LABEL
from kafka_katas.stack.select import docker_api_answers
from kafka_katas.wait import wait_until

pytestmark = pytest.mark.skipif(
    not docker_api_answers(),
    reason="no Docker API answers: start Docker, or run `kata dev engine up` (Debian, root) "
    "and export the DOCKER_HOST it prints",
)

HOLD_TEST = """
import os
import pathlib

from kafka_katas.wait import wait_until


def test_hold_the_stack(stack, bootstrap):
    stack.schema_registry_config()
    pathlib.Path(os.environ["SESSION_FILE"]).write_text(stack.session)
    wait_until(lambda: False, timeout=600, describe="held until killed")
"""


def labelled(session: str) -> list[str]:
    """Containers and networks of `session` that still exist."""
    client = docker.from_env()
    try:
        selector = {"label": f"{SESSION_LABEL}={session}"}
        return [
            f"container {c.name}" for c in client.containers.list(all=True, filters=selector)
        ] + [f"network {n.name}" for n in client.networks.list(filters=selector)]
    finally:
        client.close()


def start_held_run(root: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """A pytest run holding a containers stack (with registry); returns it and its session id."""
    (root / "hold").mkdir()
    (root / "hold" / "test_hold.py").write_text(HOLD_TEST)
    session_file = root / "session"
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "hold", "--kata-backend=containers", "-q", *extra],
        cwd=root,
        env={**os.environ, "SESSION_FILE": str(session_file)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    def written() -> str:  # the file exists a moment before its content does
        return session_file.read_text() if session_file.exists() else ""

    wait_until(
        lambda: written() or run.poll() is not None,
        timeout=180,
        describe="the held run never started its containers",
    )
    session = written()
    assert session, run.communicate()[0].decode()[-3000:]
    assert len(labelled(session)) == 3, "expected Kafka, the registry and their network"
    return run, session


def wait_all_removed(session: str, timeout: float = 60) -> None:
    wait_until(
        lambda: not labelled(session),
        timeout=timeout,
        describe=lambda _: f"left behind by session {session}: {labelled(session)}",
    )


def test_kafka_and_the_registry_run_and_are_removed_at_stop(round_trip):
    with ContainerStack() as stack:
        round_trip(stack, "containers")
        session = stack.session
        assert len(labelled(session)) == 3
    assert labelled(session) == []


def test_tools_run_in_the_container_and_siblings_reach_the_broker_by_alias():
    with ContainerStack() as stack:
        endpoint = stack.start()
        created = stack.run_cli(
            "kafka-topics",
            ["--bootstrap-server", endpoint.bootstrap_servers, "--create", "--topic", "cli"],
        )
        assert created.returncode == 0, created.stderr
        # A sibling container on the stack's network: bootstrap by alias, and every
        # address the broker advertises back must resolve there too.
        assert stack.network is not None
        client = docker.from_env()
        sibling = client.containers.create(
            stack.kafka_image,
            entrypoint=["/opt/kafka/bin/kafka-topics.sh"],
            command=["--bootstrap-server", stack.network_bootstrap, "--describe", "--topic", "cli"],
            network=stack.network.name,
            labels=stack.labels,
        )
        try:
            sibling.start()
            assert sibling.wait(timeout=120)["StatusCode"] == 0, sibling.logs().decode()
            assert "Topic: cli" in sibling.logs().decode()
        finally:
            sibling.remove(force=True)
            client.close()


def test_a_broken_kafka_image_fails_with_its_log_tail():
    registry_image = ContainerStack().registry_image
    stack = ContainerStack({**os.environ, "KATA_KAFKA_IMAGE": registry_image})
    with pytest.raises(StackError) as failure:
        stack.start()
    message = str(failure.value)
    assert "exited during start-up" in message
    assert "last lines of the Kafka container's log" in message
    assert "kafka-storage.sh" in message  # the shell's complaint, from the container's log
    assert labelled(stack.session) == []


def test_a_missing_image_is_a_clear_error():
    stack = ContainerStack({**os.environ, "KATA_KAFKA_IMAGE": "localhost/kafka-katas/none:0"})
    with pytest.raises(StackError, match="KATA_KAFKA_IMAGE"):
        stack.start()
    assert labelled(stack.session) == []


def test_no_container_outlives_a_killed_test_run(repo_copy):
    run, session = start_held_run(repo_copy([]), "-p", "no:timeout")
    run.kill()  # SIGKILL: no teardown, no atexit, no finally; only the reaper is left
    run.wait(10)
    wait_all_removed(session)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_removes_its_containers(repo_copy, sig):
    run, session = start_held_run(repo_copy([]), "-p", "no:timeout")
    run.send_signal(sig)
    output = run.communicate(timeout=60)[0].decode()
    assert run.returncode != 0
    assert "KeyboardInterrupt" in output or "Interrupted" in output, output
    wait_all_removed(session, timeout=30)
