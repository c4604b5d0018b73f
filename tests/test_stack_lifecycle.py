"""The local backend starts real parts, reports failures clearly, and leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from kafka_katas.stack import StackError
from kafka_katas.stack.local.broker import LocalKafka
from kafka_katas.stack.local.stack import LocalStack
from kafka_katas.stack.process import find_java, free_port
from kafka_katas.stack.select import choose_backend
from kafka_katas.wait import wait_until

HOLD_TEST = """
import os
import pathlib

from kafka_katas.wait import wait_until


def test_hold_the_stack(stack, bootstrap):
    stack.schema_registry_config()
    pids = [node.process.pid for node in stack.kafka.nodes] + [stack.registry.process.pid]
    pathlib.Path(os.environ["PID_FILE"]).write_text(" ".join(map(str, pids)))
    wait_until(lambda: False, timeout=600, describe="held until killed")
"""


def alive(pid: int) -> bool:
    """Running and not a zombie (a zombie has exited; only its parent has not reaped it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def start_held_run(root: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    (root / "hold").mkdir()
    (root / "hold" / "test_hold.py").write_text(HOLD_TEST)
    pid_file = root / "pids"
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "hold", "--kata-backend=local", "-q", "-p", "no:timeout"],
        cwd=root,
        env={**os.environ, "PID_FILE": str(pid_file)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    wait_until(pid_file.exists, timeout=120, describe="the held run never wrote its JVM pids")
    pids = [int(p) for p in pid_file.read_text().split()]
    assert all(alive(p) for p in pids)
    return run, pids


def test_the_local_stack_runs_a_real_broker_and_registry(round_trip):
    with LocalStack() as stack:
        round_trip(stack, "lifecycle")
        processes = [stack.kafka.nodes[0].process, stack.registry.process]
        workdir = stack.workdir
    assert all(p.poll() is not None for p in processes)
    assert not workdir.exists()


def test_the_external_backend_runs_katas_against_a_named_cluster(repo_copy, separate_pytest):
    root = repo_copy(["ordering_by_key", "schema_evolution"])
    with LocalStack() as stack:
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": stack.start().bootstrap_servers,
            "SCHEMA_REGISTRY_URL": stack.schema_registry_config()["url"],
        }
        env.pop("KATA_BACKEND", None)
        result = separate_pytest(root, "solutions", "-q", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kafka-katas stack: external backend, kafka: 1 broker(s) at 127.0.0.1:" in result.stdout


def test_a_three_node_cluster_survives_the_loss_of_a_broker(tmp_path):
    """The local backend can run the 3-broker cluster that replication katas need."""
    kafka = LocalKafka(tmp_path, nodes=3)
    try:
        kafka.start()
        config = {"bootstrap.servers": kafka.bootstrap_servers}
        admin = AdminClient(config)
        topic = NewTopic("durable", 3, 3, config={"min.insync.replicas": "2"})
        admin.create_topics([topic])["durable"].result(30)
        wait_until(
            lambda: all(
                len(p.isrs) == 3
                for p in admin.list_topics("durable", timeout=5)
                .topics["durable"]
                .partitions.values()
            ),
            timeout=30,
            describe="not every partition has 3 in-sync replicas",
        )
        kafka.stop_node(2)
        producer = Producer({**config, "acks": "all", "message.timeout.ms": 30000})
        for n in range(30):
            producer.produce("durable", value=str(n).encode())
        assert producer.flush(40) == 0, "writes with acks=all failed with one broker of 3 down"
    finally:
        kafka.stop()
    assert not any(node.is_running() for node in kafka.nodes)


def test_no_jvm_outlives_a_killed_test_run(repo_copy):
    run, pids = start_held_run(repo_copy([]))
    run.kill()  # SIGKILL: no teardown, no atexit, no finally
    run.wait(10)
    wait_until(
        lambda: not any(alive(p) for p in pids),
        timeout=20,
        describe=lambda _: f"JVMs {[p for p in pids if alive(p)]} outlived the killed run",
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_stops_its_stack(repo_copy, sig):
    run, pids = start_held_run(repo_copy([]))
    run.send_signal(sig)
    output = run.communicate(timeout=60)[0].decode()
    assert run.returncode != 0
    assert "KeyboardInterrupt" in output or "Interrupted" in output, output
    assert not any(alive(p) for p in pids), "the teardown left a JVM running"


def test_a_missing_java_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(StackError, match="Install a JDK 17"):
        find_java(17)
    with pytest.raises(StackError, match="No way to run Kafka here"):
        choose_backend(env={"PATH": "/nonexistent"})


def test_an_unknown_backend_name_is_a_clear_error():
    with pytest.raises(StackError, match="choose one of external, containers, local"):
        choose_backend("kubernetes", env={})


def test_an_unreachable_external_broker_stops_the_run_with_a_clear_error(
    repo_copy, separate_pytest
):
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}"}
    result = separate_pytest(
        repo_copy(["ordering_by_key"]), "solutions", "-q", env=env, timeout=120
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "no Kafka broker answered at 127.0.0.1:" in result.stdout + result.stderr


def test_a_bad_backend_choice_stops_the_run_with_one_clear_message(repo_copy, separate_pytest):
    env = {**os.environ, "KATA_BACKEND": "kubernetes"}
    result = separate_pytest(
        repo_copy(["ordering_by_key"]), "solutions", "-q", env=env, timeout=120
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "unknown backend 'kubernetes'" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_syntax_error_in_one_kata_leaves_the_others_running(repo_copy, separate_pytest):
    root = repo_copy(["ordering_by_key", "schema_evolution"])
    broken = root / "solutions/m6_schema_registry/test_schema_evolution.py"
    broken.write_text(broken.read_text().replace('return "BACKWARD"', 'return "BACKWARD'))
    results = root / "results.json"
    separate_pytest(root, "solutions", "-q", f"--kata-results={results}")
    katas = {k["id"]: k for k in json.loads(results.read_text())["katas"]}
    assert katas["ordering_by_key"]["status"] == "pass"
    assert katas["schema_evolution"]["status"] == "broken"
    assert (
        "SyntaxError" in katas["schema_evolution"]["message"]
        or "unterminated" in (katas["schema_evolution"]["message"])
    )
