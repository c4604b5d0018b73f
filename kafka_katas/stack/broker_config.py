"""server.properties for a KRaft test broker: one source for every backend.

The local JVM, the container and the compose file all start Kafka with these
settings, so a kata behaves the same wherever its broker runs.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping

#: Settings that make a small test cluster fast and strict. Without the
#: replication ones, groups and transactions hang on fewer than three brokers.
TEST_BROKER_SETTINGS: Mapping[str, str] = {
    "offsets.topic.replication.factor": "1",
    "offsets.topic.num.partitions": "3",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "transaction.state.log.num.partitions": "3",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "share.coordinator.state.topic.num.partitions": "3",
    # The first join of every group would otherwise wait 3 s for more members.
    "group.initial.rebalance.delay.ms": "0",
    # Let katas use short session timeouts (static membership, failover).
    "group.min.session.timeout.ms": "1000",
    # KIP-848 groups: heartbeat fast enough for tests.
    "group.consumer.min.heartbeat.interval.ms": "500",
    "group.consumer.heartbeat.interval.ms": "1000",
    "group.consumer.min.session.timeout.ms": "6000",
    "group.consumer.session.timeout.ms": "10000",
    # A typo in a topic name fails loudly instead of creating a topic.
    "auto.create.topics.enable": "false",
    "num.partitions": "1",
}


def new_cluster_id() -> str:
    """A KRaft cluster id (22 base64url chars), as `kafka-storage random-uuid` prints."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def kraft_properties(
    *,
    node_id: int,
    voters: Mapping[int, str],
    listeners: Mapping[str, str],
    advertised: Mapping[str, str],
    log_dir: str,
    inter_broker_listener: str = "PLAINTEXT",
) -> dict[str, str]:
    """Combined broker+controller settings for one node of a static KRaft quorum.

    `voters` maps node id -> "host:port" of each controller listener; a
    static quorum keeps formatted storage independent of ports, so a formatted
    folder can be reused. `listeners` / `advertised` map listener name ->
    "host:port"; every name other than CONTROLLER speaks PLAINTEXT.
    """
    protocol_map = ",".join(
        f"{name}:PLAINTEXT" for name in dict.fromkeys([*listeners, "CONTROLLER"])
    )
    return {
        "process.roles": "broker,controller",
        "node.id": str(node_id),
        "controller.quorum.voters": ",".join(f"{n}@{hp}" for n, hp in sorted(voters.items())),
        "listeners": ",".join(f"{name}://{hp}" for name, hp in listeners.items()),
        "advertised.listeners": ",".join(f"{name}://{hp}" for name, hp in advertised.items()),
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": inter_broker_listener,
        "listener.security.protocol.map": protocol_map,
        "log.dirs": log_dir,
        **TEST_BROKER_SETTINGS,
    }


def render(properties: Mapping[str, str]) -> str:
    """Java properties text."""
    return "".join(f"{key}={value}\n" for key, value in properties.items())
