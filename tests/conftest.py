"""Fixtures of the suite's own tests: throwaway copies of this repository."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kafka_katas.stack import Stack
from kafka_katas.wait import wait_until

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ("conftest.py", "pyproject.toml")


def copy_repository(target: Path, kata_ids: list[str] | None = None) -> Path:
    """Copy the harness, info.toml and the chosen katas (all by default) into `target`.

    The copy's info.toml keeps only the chosen [[kata]] blocks, so a check run on
    it covers just those katas.
    """
    for name in HARNESS:
        shutil.copy2(ROOT / name, target / name)
    manifest = (ROOT / "info.toml").read_text()
    head, *blocks = re.split(r"(?m)^\[\[kata\]\]\n", manifest)
    kept = [b for b in blocks if kata_ids is None or _block_id(b) in kata_ids]
    (target / "info.toml").write_text(head + "".join(f"[[kata]]\n{b}" for b in kept))
    for block in kept:
        path = re.search(r'(?m)^path = "(.+)"$', block)
        assert path is not None
        for folder in ("katas", "solutions"):
            destination = target / folder / path[1]
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / folder / path[1], destination)
        kata_id = _block_id(block)
        wrong = ROOT / "tests" / "wrong_answers" / kata_id
        if wrong.is_dir():
            shutil.copytree(wrong, target / "tests" / "wrong_answers" / kata_id)
    return target


def _block_id(block: str) -> str:
    match = re.search(r'(?m)^id = "(.+)"$', block)
    assert match is not None
    return match[1]


@pytest.fixture
def repo_copy(tmp_path: Path) -> Callable[..., Path]:
    """``repo_copy(["ordering_by_key"])`` -> a trimmed copy of this repository."""
    (tmp_path / "repo").mkdir()
    return lambda kata_ids=None: copy_repository(tmp_path / "repo", kata_ids)


def run_pytest(
    root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`python -m pytest ARGS` in `root`, output captured; the caller judges the exit code."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


@pytest.fixture
def separate_pytest() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``separate_pytest(root, "solutions", "-q", env=...)``: a separate pytest run."""
    return run_pytest


def check_round_trip(stack: Stack, topic: str) -> None:
    """A record written to a new topic of `stack` is read back; the registry answers, empty."""
    endpoint = stack.start()
    admin = AdminClient(endpoint.client_config())
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)
    producer = Producer(endpoint.client_config())
    producer.produce(topic, key=b"k", value=b"hello")
    assert producer.flush(15) == 0
    consumer = Consumer({**endpoint.client_config(), "group.id": topic})
    consumer.assign([TopicPartition(topic, 0, 0)])
    message = wait_until(lambda: consumer.poll(0.2), timeout=20, describe="no record read")
    consumer.close()
    assert (message.key(), message.value()) == (b"k", b"hello")

    url = stack.schema_registry_config()["url"]
    with urllib.request.urlopen(f"{url}/subjects", timeout=5) as response:
        assert json.loads(response.read()) == []
    assert set(stack.versions()) == {"kafka", "schema registry"}


@pytest.fixture
def round_trip() -> Callable[[Stack, str], None]:
    """``round_trip(stack, "topic")``: produce, consume and ask the registry, for real."""
    return check_round_trip
