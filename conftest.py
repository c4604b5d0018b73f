"""Fixtures every kata uses: a real Kafka stack and clients whose lifetime is owned here.

Thin on purpose: the logic lives in `kafka_katas.stack` (provisioning) and
`kafka_katas.testing` (topics, clients, workers); this file only wires it to
pytest. The stack is chosen by --kata-backend or KATA_BACKEND, else
automatically (see README, "Where Kafka runs").
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from confluent_kafka.admin import AdminClient
from confluent_kafka.schema_registry import SchemaRegistryClient

from kafka_katas.stack import Stack
from kafka_katas.testing import ClientFactory, TopicFactory, UniqueNames
from kafka_katas.testing.clients import CLIENT_LOGGER
from kafka_katas.testing.session import start_registry, start_session_stack

pytest_plugins = ["kafka_katas.learner.plugin"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--kata-backend",
        choices=["auto", "external", "containers", "local"],
        default=None,
        help="where Kafka runs (default: KATA_BACKEND, else chosen automatically)",
    )


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    """The Kafka stack of this test run, started on first use and stopped at the end."""
    with start_session_stack(request.config) as running:
        yield running


@pytest.fixture(scope="session")
def bootstrap(stack: Stack) -> dict[str, str]:
    """Settings every client starts from: ``bootstrap.servers`` and any security settings."""
    return stack.start().client_config()


@pytest.fixture(scope="session")
def schema_registry(request: pytest.FixtureRequest, stack: Stack) -> SchemaRegistryClient:
    """A client of the stack's Schema Registry (started on first use)."""
    return SchemaRegistryClient(start_registry(request.config, stack))


@pytest.fixture
def unique(request: pytest.FixtureRequest) -> UniqueNames:
    """``unique("group")`` -> a name no other test uses (topics, groups, transactional ids)."""
    return UniqueNames(request.node.name)


@pytest.fixture
def admin(bootstrap: dict[str, str]) -> AdminClient:
    return AdminClient({**bootstrap, "logger": CLIENT_LOGGER})


@pytest.fixture
def create_topic(admin: AdminClient, unique: UniqueNames) -> Iterator[TopicFactory]:
    """``create_topic("orders", partitions=6)`` -> a new topic, every partition led."""
    factory = TopicFactory(admin, unique)
    yield factory
    factory.delete_all()


@pytest.fixture
def clients(bootstrap: dict[str, str], unique: UniqueNames) -> Iterator[ClientFactory]:
    """``clients.producer({...})`` / ``clients.consumer({...})``, all closed after the test."""
    factory = ClientFactory(bootstrap, unique)
    yield factory
    factory.close_all()
