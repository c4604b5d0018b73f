"""Create topics that are ready to use when the call returns."""

from __future__ import annotations

from collections.abc import Mapping

from confluent_kafka.admin import AdminClient, NewTopic

from kafka_katas.testing.names import UniqueNames
from kafka_katas.wait import wait_until

READY_TIMEOUT = 30.0


class TopicFactory:
    """Creates uniquely named topics and deletes them when the test ends."""

    def __init__(self, admin: AdminClient, names: UniqueNames) -> None:
        self.admin = admin
        self.names = names
        self.created: list[str] = []

    def __call__(
        self,
        prefix: str = "topic",
        *,
        partitions: int = 1,
        replication_factor: int = 1,
        config: Mapping[str, str] | None = None,
    ) -> str:
        """Create a topic named ``<prefix>-<test>-<random>`` and return its name.

        Returns only once every partition has a leader: creation is
        asynchronous in Kafka, and producing to a topic whose metadata has not
        propagated fails or stalls.
        """
        name = self.names(prefix)
        spec = NewTopic(name, partitions, replication_factor, config=dict(config or {}))
        self.admin.create_topics([spec], operation_timeout=READY_TIMEOUT)[name].result()
        self.created.append(name)
        wait_until(
            lambda: self._leaders(name) == partitions,
            timeout=READY_TIMEOUT,
            describe=lambda _: (
                f"topic {name}: not every one of its {partitions} partitions has a leader"
            ),
        )
        return name

    def _leaders(self, name: str) -> int:
        topic = self.admin.list_topics(name, timeout=5).topics.get(name)
        if topic is None or topic.error is not None:
            return -1
        return sum(1 for p in topic.partitions.values() if p.leader >= 0 and p.error is None)

    def delete_all(self) -> None:
        """Best effort: a throwaway broker does not care, a shared cluster does."""
        if self.created:
            for future in self.admin.delete_topics(self.created, operation_timeout=10).values():
                future.exception(timeout=15)
            self.created.clear()
