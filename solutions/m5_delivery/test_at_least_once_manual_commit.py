"""M5 · At-least-once delivery with manual commits.

A consumer group's committed offset is a promise: "everything before this
offset is done". Commit a record only AFTER its side effect is done, and a
crash can never lose it: the record that was in flight is simply delivered
again when the service restarts. The price is a duplicate (a record processed
but not yet committed is processed twice), so handlers must tolerate repeats;
the idempotent_consumer kata makes them harmless. Auto-commit breaks the
promise: it commits on a timer, whatever your code has finished.

Seed: "Message ordering guarantees and delivery semantics (at-most-once,
at-least-once, exactly-once)", and why it matters: "Resilience: If a consumer
dies, event stays in the log ... it's usually just delayed work", and events
are ideal when "Failure must not drop data".
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, KafkaException, Message, TopicPartition

from kafka_katas import todo
from kafka_katas.testing import ClientFactory, TopicFactory, UniqueNames, Worker
from kafka_katas.testing.clients import assign_until_caught_up, end_offsets
from kafka_katas.testing.worker import crash_now


def consumer_config(group_id: str) -> dict[str, Any]:
    """Consumer settings of the order service, added to the bootstrap settings."""
    # >>> ANSWER: consumer_config
    return {
        "group.id": group_id,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    }
    # <<< ANSWER: consumer_config


def consume_loop(
    consumer: Consumer,
    handle: Callable[[Message], None],
    should_stop: Callable[[], bool],
) -> None:
    """Process records until should_stop() is true: handle each, then commit it.

    The consumer is already assigned its partitions: only poll, handle, commit.
    """
    # >>> ANSWER: consume_loop
    while not should_stop():
        record = consumer.poll(0.5)
        if record is None:
            continue
        if record.error() is not None:
            raise KafkaException(record.error())
        handle(record)
        consumer.commit(message=record, asynchronous=False)
    # <<< ANSWER: consume_loop


# ---------------------------------------------------------------------------
# Tests: leave everything below as shipped.
# ---------------------------------------------------------------------------

PARTITIONS = 3
ORDERS = [f"order-{n}" for n in range(12)]
IN_FLIGHT = "order-7"  # the record being handled when the service dies
NO_COMMIT = -1001  # what committed() reports for a partition never committed


def run_order_service(
    *,
    bootstrap: dict[str, str],
    group_id: str,
    topic: str,
    ends: list[int],
    ledger: str,
    run: int,
    crash_at: str | None = None,
    crash_before_effect: bool = False,
) -> None:
    """One life of the service, in its own process (see Worker).

    handle() writes each record it processes to a ledger file, with the
    group's committed offset for the record's partition seen when it started.
    At `crash_at` the process dies by SIGKILL: before writing the ledger
    (a crash while processing) or right after it (a crash between processing
    and commit). The loop stops once its position reaches `ends`, the end
    offsets taken before the run.
    """
    consumer = Consumer({**bootstrap, **consumer_config(group_id)})
    try:
        should_stop = assign_until_caught_up(consumer, topic, ends)

        def handle(record: Message) -> None:
            value = record.value().decode()
            where = TopicPartition(topic, record.partition())
            committed = consumer.committed([where], timeout=10)[0].offset
            if value == crash_at and crash_before_effect:
                crash_now()
            entry = {
                "order": value,
                "partition": record.partition(),
                "offset": record.offset(),
                "committed": committed,
                "run": run,
            }
            with open(ledger, "a") as file:
                file.write(json.dumps(entry) + "\n")
                file.flush()
                os.fsync(file.fileno())
            if value == crash_at:
                crash_now()

        consume_loop(consumer, handle, should_stop)
    finally:
        consumer.close()


class OrderService:
    """The test's handle on the service: topic, group, ledger, and its lives."""

    def __init__(
        self,
        bootstrap: dict[str, str],
        clients: ClientFactory,
        topic: str,
        unique: UniqueNames,
        workdir: Path,
    ) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.group_id = unique("orders-service")
        self.ledger = workdir / "ledger.jsonl"
        self.ledger.touch()
        self.workdir = workdir
        self.runs = 0
        producer = clients.producer()
        for n, order in enumerate(ORDERS):
            producer.produce(topic, value=order.encode(), partition=n % PARTITIONS)
        assert producer.flush(15) == 0, "the orders were never acknowledged by the broker"
        ends = end_offsets(clients.consumer(), topic)
        self.ends = [ends[p] for p in range(PARTITIONS)]

    def run(self, *, crash_at: str | None = None, crash_before_effect: bool = False) -> int:
        """Start one life of the service and wait for its end; return its exit code."""
        self.runs += 1
        worker = Worker(
            run_order_service,
            self.workdir,
            bootstrap=self.bootstrap,
            group_id=self.group_id,
            topic=self.topic,
            ends=self.ends,
            ledger=str(self.ledger),
            run=self.runs,
            crash_at=crash_at,
            crash_before_effect=crash_before_effect,
        )
        return worker.run(timeout=45)

    def entries(self, run: int | None = None) -> list[dict[str, Any]]:
        lines = self.ledger.read_text().splitlines()
        entries = [json.loads(line) for line in lines if line.strip()]
        return [e for e in entries if run is None or e["run"] == run]

    def committed(self, clients: ClientFactory) -> list[int]:
        """The group's committed offset per partition, as the broker has it now."""
        reader = clients.consumer({"group.id": self.group_id, "enable.auto.commit": False})
        partitions = [TopicPartition(self.topic, p) for p in range(PARTITIONS)]
        try:
            return [tp.offset for tp in reader.committed(partitions, timeout=10)]
        except KafkaException as exc:
            raise AssertionError(f"could not read the committed offsets: {exc}") from exc


@pytest.fixture
def service(
    bootstrap: dict[str, str],
    clients: ClientFactory,
    create_topic: TopicFactory,
    unique: UniqueNames,
    tmp_path: Path,
) -> OrderService:
    """Twelve orders over three partitions, and a service that has never run."""
    topic = create_topic("orders", partitions=PARTITIONS)
    return OrderService(bootstrap, clients, topic, unique, tmp_path)


def assert_crashed(code: int, when: str) -> None:
    assert code == -9, (
        f"the service was meant to die {when} while handling {IN_FLIGHT}, but it ended "
        f"with exit code {code}: did consume_loop poll and handle every record?"
    )


def test_offsets_are_committed_by_hand_never_on_a_timer() -> None:
    config = consumer_config("orders-service")
    assert config.get("group.id") == "orders-service", (
        "committed offsets belong to a consumer group: set 'group.id' to the group_id given"
    )
    assert str(config.get("enable.auto.commit")).lower() == "false", (
        "with enable.auto.commit the client commits every few seconds in the background, "
        "whether or not handle() has finished with the records it polled: a crash can then "
        "lose a record that was committed but never processed. Set it to False and commit "
        "yourself, after processing."
    )
    assert config.get("auto.offset.reset") in ("earliest", "smallest", "beginning"), (
        "a new group with no committed offset starts where auto.offset.reset says; "
        "confluent-kafka's default is 'latest', which skips every order already in the "
        "topic. Set it to 'earliest'."
    )


def test_a_record_is_committed_only_after_it_was_processed(
    clients: ClientFactory, service: OrderService
) -> None:
    assert service.run() == 0

    entries = service.entries()
    early = [e for e in entries if e["committed"] > e["offset"]]
    assert not early, (
        f"{early[0]['order']} (partition {early[0]['partition']}, offset "
        f"{early[0]['offset']}) was already committed (committed offset "
        f"{early[0]['committed']}) when handle() started on it: a crash during handle() "
        "would lose it for good (that is at-most-once). Commit a record after handle() "
        "returns, never before."
    )
    processed = Counter(e["order"] for e in entries)
    assert processed == Counter(ORDERS), (
        f"without any crash every order should be handled exactly once; handled: {dict(processed)}"
    )
    assert service.committed(clients) == service.ends, (
        f"after the loop stopped, the group's committed offsets are "
        f"{service.committed(clients)}, expected the end offsets {service.ends}: commit each "
        "record synchronously (asynchronous=False) right after handling it, so that what "
        "was processed is what is committed."
    )


def test_a_crash_after_processing_redelivers_only_the_record_in_flight(
    service: OrderService,
) -> None:
    assert_crashed(service.run(crash_at=IN_FLIGHT), "after processing")
    first = Counter(e["order"] for e in service.entries(run=1))
    assert first[IN_FLIGHT] == 1, f"{IN_FLIGHT} should have been processed before the crash"

    assert service.run() == 0, "the restarted service should catch up and stop"

    second = Counter(e["order"] for e in service.entries(run=2))
    assert second[IN_FLIGHT] == 1, (
        f"{IN_FLIGHT} was processed, then the service died before committing it, yet the "
        "restarted service did not get it again: its offset was committed before it was "
        "processed. Commit after handle() returns: the record in flight must be redelivered."
    )
    repeated = sorted(order for order in second if order != IN_FLIGHT and first[order])
    assert not repeated, (
        f"besides {IN_FLIGHT}, the restarted service processed {repeated} again, although "
        "the first life had finished them: their offsets were not committed when the "
        "crash came. Commit each record synchronously (asynchronous=False) as soon as it "
        "is processed, so a crash repeats only the record in flight."
    )
    assert first + second == Counter(ORDERS) + Counter([IN_FLIGHT]), (
        f"expected every order once and {IN_FLIGHT} twice (at-least-once: a duplicate, "
        f"never a loss); got {dict(first + second)}"
    )


def test_a_crash_while_processing_loses_nothing(service: OrderService) -> None:
    assert_crashed(service.run(crash_at=IN_FLIGHT, crash_before_effect=True), "during processing")
    first = Counter(e["order"] for e in service.entries(run=1))
    assert IN_FLIGHT not in first, "the crash came before the side effect of the record"

    assert service.run() == 0, "the restarted service should catch up and stop"

    processed = first + Counter(e["order"] for e in service.entries(run=2))
    lost = [order for order in ORDERS if not processed[order]]
    assert not lost, (
        f"{lost} never got processed: the service died while handling {IN_FLIGHT}, and "
        "after the restart the group's committed offset was already past it. An offset "
        "committed before the work is done is a record lost in a crash: commit after "
        "handle() returns."
    )
    repeated = sorted(order for order, times in processed.items() if times > 1)
    assert not repeated, (
        f"{repeated} were processed twice: the first life had finished them, but their "
        "offsets were not committed when it died. The crash came before "
        f"{IN_FLIGHT}'s side effect, so nothing needs repeating: commit each record "
        "synchronously (asynchronous=False) as soon as handle() returns."
    )
    assert processed == Counter(ORDERS), (
        f"after the restart every order should be processed exactly once; got {dict(processed)}"
    )
