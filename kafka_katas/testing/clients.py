"""Producers and consumers whose lifetime the test fixture owns.

A consumer left open keeps its group busy and stalls the next join; a
producer never flushed loses records silently. The factory closes what it
opened when the test ends, whatever happened in between.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from confluent_kafka import Consumer, KafkaException, Message, Producer, TopicPartition

from kafka_katas.testing.names import UniqueNames
from kafka_katas.wait import wait_until

#: librdkafka's own log lines go to Python logging: pytest shows them only for failed tests.
CLIENT_LOGGER = logging.getLogger("kafka_katas.client")
#: Fail fast in tests: an undeliverable record errors after 15 s, not 5 min.
PRODUCER_DEFAULTS: Mapping[str, Any] = {"message.timeout.ms": 15000}
#: Read from the start of a new group's partitions: tests produce before they consume.
CONSUMER_DEFAULTS: Mapping[str, Any] = {"auto.offset.reset": "earliest"}


class ClientFactory:
    """Makes confluent-kafka clients from the stack's settings and closes them all."""

    def __init__(self, base_config: Mapping[str, str], names: UniqueNames) -> None:
        self.base_config = {**base_config, "logger": CLIENT_LOGGER}
        self.names = names
        self._producers: list[Producer] = []
        self._consumers: list[Consumer] = []

    def producer(self, config: Mapping[str, Any] | None = None) -> Producer:
        producer = Producer({**self.base_config, **PRODUCER_DEFAULTS, **(config or {})})
        self._producers.append(producer)
        return producer

    def consumer(self, config: Mapping[str, Any] | None = None) -> Consumer:
        """A consumer; gets a fresh unique ``group.id`` unless `config` names one."""
        merged = {
            **self.base_config,
            **CONSUMER_DEFAULTS,
            "group.id": self.names("group"),
            **(config or {}),
        }
        consumer = Consumer(merged)
        self._consumers.append(consumer)
        return consumer

    def adopt(self, client: Producer | Consumer) -> None:
        """Take ownership of a client the learner's code built, so it is closed too."""
        if isinstance(client, Consumer):
            self._consumers.append(client)
        else:
            self._producers.append(client)

    def close_all(self) -> None:
        for consumer in self._consumers:
            # RuntimeError: already closed by the test or by the learner's code.
            with contextlib.suppress(RuntimeError):
                consumer.close()
        for producer in self._producers:
            producer.flush(5)
        self._consumers.clear()
        self._producers.clear()


def end_offsets(consumer: Consumer, topic: str) -> dict[int, int]:
    """Partition -> offset a reader of this consumer's isolation level reads up to."""
    metadata = consumer.list_topics(topic, timeout=10).topics[topic]
    return {
        p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
        for p in metadata.partitions
    }


def read_to_end(
    consumer: Consumer, topic: str, *, timeout: float = 20.0, what: str = "records"
) -> list[Message]:
    """Every record of `topic` from the beginning up to its current end.

    Uses `assign` (no group rebalance) and stops when the position of every
    partition has reached the end offset taken at the start, so it never
    waits for records that do not exist.
    """
    ends = end_offsets(consumer, topic)
    consumer.assign([TopicPartition(topic, p, 0) for p in ends])
    records: list[Message] = []

    def caught_up() -> bool:
        for message in consumer.consume(num_messages=500, timeout=0.1):
            if message.error() is not None:
                raise KafkaException(message.error())
            records.append(message)
        positions = consumer.position([TopicPartition(topic, p) for p in ends])
        return all(tp.offset >= ends[tp.partition] for tp in positions if ends[tp.partition])

    wait_until(
        caught_up,
        timeout=timeout,
        describe=lambda _: (
            f"expected to read {what} of {topic} up to offsets {ends}, read {len(records)}"
        ),
        interval=0,
    )
    return records


def assign_until_caught_up(consumer: Consumer, topic: str, ends: list[int]) -> Callable[[], bool]:
    """Assign every partition of `topic`; return a check that is true once `ends` is reached.

    For a service loop in a test: it resumes where its group committed (a
    restart after a crash) and stops by condition, never by an idle timeout.
    `ends` are the end offsets taken before the run; an empty partition is done.
    """
    partitions = [TopicPartition(topic, p) for p in range(len(ends))]
    consumer.assign(partitions)
    committed = {tp.partition: tp.offset for tp in consumer.committed(partitions, timeout=10)}

    def caught_up() -> bool:
        return all(
            ends[tp.partition] == 0 or max(tp.offset, committed[tp.partition]) >= ends[tp.partition]
            for tp in consumer.position(partitions)
        )

    return caught_up
