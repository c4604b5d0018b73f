"""docker-compose.yml is a KRaft + registry stack with the suite's broker settings.

Static checks (no engine needed); CI's container stage brings the file up and
round-trips records through it (tests/compose_roundtrip.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kafka_katas.stack.broker_config import TEST_BROKER_SETTINGS
from kafka_katas.stack.containers import DEFAULT_KAFKA_IMAGE, DEFAULT_REGISTRY_IMAGE

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"
JVM_VARIABLES = {"KAFKA_HEAP_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_OPTS"}


def broker_properties(environment: dict[str, str]) -> dict[str, str]:
    """KAFKA_FOO_BAR -> foo.bar, as the apache/kafka image (and our local one) map them."""
    props = {}
    for name, value in environment.items():
        if name.startswith("KAFKA_") and name not in JVM_VARIABLES:
            key = name.removeprefix("KAFKA_").replace("___", "-").replace("__", "@")
            props[key.replace("_", ".").replace("@", "_").lower()] = str(value)
    return props


def services() -> dict[str, dict]:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_kafka_is_a_single_kraft_node_with_the_test_settings():
    kafka = services()["kafka"]
    props = broker_properties(kafka["environment"])
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.voters"] == "1@kafka:9093"
    assert "zookeeper" not in COMPOSE.read_text().lower()
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", kafka["environment"]["CLUSTER_ID"])
    for key, value in TEST_BROKER_SETTINGS.items():
        assert props.get(key) == value, f"{key} should be {value} as in broker_config.py"


def test_listeners_serve_the_host_and_the_network():
    kafka = services()["kafka"]
    props = broker_properties(kafka["environment"])
    advertised = dict(item.split("://") for item in props["advertised.listeners"].split(","))
    assert advertised["HOST"] == "localhost:${KAFKA_HOST_PORT:-9092}"
    assert advertised["DOCKER"] == "kafka:19092"
    assert kafka["ports"] == ["${KAFKA_HOST_PORT:-9092}:9092"]
    assert props["inter.broker.listener.name"] == "DOCKER"


def test_images_default_to_the_backend_defaults_and_are_overridable():
    assert services()["kafka"]["image"] == f"${{KATA_KAFKA_IMAGE:-{DEFAULT_KAFKA_IMAGE}}}"
    registry = services()["schema-registry"]
    assert registry["image"] == f"${{KATA_REGISTRY_IMAGE:-{DEFAULT_REGISTRY_IMAGE}}}"
