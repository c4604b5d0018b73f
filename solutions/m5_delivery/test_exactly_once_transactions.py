"""M5 · Exactly-once with transactions: consume, transform, produce.

A service that reads orders and writes invoices does two things per order:
it produces an invoice and it moves its consumer offset forward. Done
separately, a crash between the two either repeats the invoice or loses it.
A Kafka transaction makes both one atomic step: the output records AND the
input offsets (`send_offsets_to_transaction`) commit together or abort
together. Readers with `isolation.level=read_committed` never see what was
aborted, so every order yields exactly one visible invoice, even across
crashes. A restarted instance with the same `transactional.id` first fences
its dead predecessor and aborts whatever that one left open.

Seed: "Message ordering guarantees and delivery semantics (at-most-once,
at-least-once, exactly-once)", for the case where "Failure must not drop
data", and must not double it either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, KafkaException, Message, Producer, TopicPartition

from kafka_katas import todo
from kafka_katas.testing import ClientFactory, TopicFactory, UniqueNames, Worker, read_to_end
from kafka_katas.testing.clients import assign_until_caught_up, end_offsets
from kafka_katas.testing.worker import crash_now


def producer_config(transactional_id: str) -> dict[str, Any]:
    """Producer settings of the invoicing service, added to the bootstrap settings."""
    # >>> ANSWER: producer_config
    return {"transactional.id": transactional_id}
    # <<< ANSWER: producer_config


def consumer_config(group_id: str) -> dict[str, Any]:
    """Consumer settings of the invoicing service, added to the bootstrap settings."""
    # >>> ANSWER: consumer_config
    return {
        "group.id": group_id,
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    }
    # <<< ANSWER: consumer_config


def transform_loop(
    consumer: Consumer,
    producer: Producer,
    output_topic: str,
    transform: Callable[[bytes], bytes],
    should_stop: Callable[[], bool],
) -> None:
    """Until should_stop(): turn each input record into one output record, exactly once.

    The consumer is already assigned its input partitions; `producer` is new
    (its transactions are not initialised yet).
    """
    # >>> ANSWER: transform_loop
    producer.init_transactions()
    while not should_stop():
        record = consumer.poll(0.5)
        if record is None:
            continue
        if record.error() is not None:
            raise KafkaException(record.error())
        producer.begin_transaction()
        try:
            producer.produce(output_topic, key=record.key(), value=transform(record.value()))
            producer.send_offsets_to_transaction(
                consumer.position(consumer.assignment()), consumer.consumer_group_metadata()
            )
            producer.commit_transaction()
        except Exception:
            producer.abort_transaction()
            raise
    # <<< ANSWER: transform_loop


# ---------------------------------------------------------------------------
# Tests: leave everything below as shipped.
# ---------------------------------------------------------------------------

PARTITIONS = 2
ORDERS = [f"order-{n}" for n in range(10)]
GHOSTS = [f"ghost-{n}" for n in range(4)]  # written upstream in a transaction that aborted
CRASH_ON_COMMIT = 4  # the service dies at its 4th commit_transaction()
#: Short timeouts: an open transaction blocks read_committed readers until it ends.
TRANSACTION_SETTINGS = {"transaction.timeout.ms": 10000, "message.timeout.ms": 10000}


def invoice_for(order: bytes) -> bytes:
    """The transformation: one invoice per order."""
    return b"invoice:" + order


class CrashingProducer:
    """The service's producer, except that one commit_transaction() dies by SIGKILL.

    before_commit: the invoice and the offsets are sent, the commit is not
    (a crash mid-transaction). Otherwise: right after the commit succeeded.
    """

    def __init__(self, producer: Producer, crash_on: int | None, before_commit: bool) -> None:
        self._producer = producer
        self._crash_on = crash_on
        self._before_commit = before_commit
        self._commits = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._producer, name)

    def commit_transaction(self, *args: Any) -> None:
        self._commits += 1
        crash = self._commits == self._crash_on
        if crash and self._before_commit:
            # Make sure the transaction's records reached the broker, then die.
            assert self._producer.flush(10) == 0, "the invoice was never sent to the broker"
            crash_now()
        self._producer.commit_transaction(*args)
        if crash:
            crash_now()


def run_invoicing(
    *,
    bootstrap: dict[str, str],
    transactional_id: str,
    group_id: str,
    input_topic: str,
    output_topic: str,
    ends: list[int],
    crash_on_commit: int | None = None,
    crash_before_commit: bool = True,
) -> None:
    """One life of the invoicing service, in its own process (see Worker).

    The loop stops once its position reaches `ends`, the end offsets of the
    committed input taken before the run.
    """
    consumer = Consumer({**bootstrap, **consumer_config(group_id)})
    producer = Producer({**bootstrap, **TRANSACTION_SETTINGS, **producer_config(transactional_id)})
    try:
        should_stop = assign_until_caught_up(consumer, input_topic, ends)

        crashing: Any = CrashingProducer(producer, crash_on_commit, crash_before_commit)
        transform_loop(consumer, crashing, output_topic, invoice_for, should_stop)
    finally:
        consumer.close()
        producer.flush(10)


class Invoicing:
    """Orders written upstream (some in an aborted transaction) and the service's lives."""

    def __init__(
        self,
        bootstrap: dict[str, str],
        clients: ClientFactory,
        create_topic: TopicFactory,
        unique: UniqueNames,
        workdir: Path,
    ) -> None:
        self.bootstrap = bootstrap
        self.clients = clients
        self.workdir = workdir
        self.input = create_topic("orders", partitions=PARTITIONS)
        self.output = create_topic("invoices")
        self.transactional_id = unique("invoicing")
        self.group_id = unique("invoicing")
        self._write_orders(unique("checkout"))
        ends = end_offsets(clients.consumer({"isolation.level": "read_committed"}), self.input)
        self.ends = [ends[p] for p in range(PARTITIONS)]

    def _write_orders(self, checkout_id: str) -> None:
        """Upstream checkout: orders in two committed transactions, ghosts in an aborted one."""
        upstream = self.clients.producer({**TRANSACTION_SETTINGS, "transactional.id": checkout_id})
        upstream.init_transactions(15)
        batches = [(ORDERS[:5], True), (GHOSTS, False), (ORDERS[5:], True)]
        for values, commit in batches:
            upstream.begin_transaction()
            committed = False
            try:
                for n, value in enumerate(values):
                    upstream.produce(self.input, value=value.encode(), partition=n % PARTITIONS)
                assert upstream.flush(15) == 0, "the orders were never acknowledged"
                if commit:
                    upstream.commit_transaction(15)
                    committed = True
            finally:
                if not committed:
                    upstream.abort_transaction(15)

    def run(self, *, crash_on_commit: int | None = None, before_commit: bool = True) -> int:
        """Start one life of the service and wait for its end; return its exit code."""
        worker = Worker(
            run_invoicing,
            self.workdir,
            bootstrap=self.bootstrap,
            transactional_id=self.transactional_id,
            group_id=self.group_id,
            input_topic=self.input,
            output_topic=self.output,
            ends=self.ends,
            crash_on_commit=crash_on_commit,
            crash_before_commit=before_commit,
        )
        return worker.run(timeout=60)

    def crash(self, *, before_commit: bool) -> None:
        code = self.run(crash_on_commit=CRASH_ON_COMMIT, before_commit=before_commit)
        assert code == -9, (
            f"the service was meant to die in its {CRASH_ON_COMMIT}th commit_transaction(), "
            f"but it ended with exit code {code} without getting there. Each order's invoice "
            "and offsets must be committed in a transaction: begin_transaction(), produce, "
            "send_offsets_to_transaction(...), commit_transaction()."
        )

    def fence(self) -> None:
        """What a restarted instance does first: init_transactions() with the same id."""
        successor = self.clients.producer(
            {**TRANSACTION_SETTINGS, "transactional.id": self.transactional_id}
        )
        try:
            successor.init_transactions(30)
        except KafkaException as exc:
            raise AssertionError(
                f"a new producer with transactional.id {self.transactional_id} could not "
                f"take over from the crashed one: {exc}"
            ) from exc

    def invoices(self, isolation: str) -> list[Message]:
        reader = self.clients.consumer({"isolation.level": isolation})
        return read_to_end(reader, self.output, what=f"invoices ({isolation})")


@pytest.fixture
def invoicing(
    bootstrap: dict[str, str],
    clients: ClientFactory,
    create_topic: TopicFactory,
    unique: UniqueNames,
    tmp_path: Path,
) -> Invoicing:
    return Invoicing(bootstrap, clients, create_topic, unique, tmp_path)


def orders_of(invoices: list[Message]) -> Counter[str]:
    return Counter(r.value().decode().removeprefix("invoice:") for r in invoices)


def assert_one_invoice_per_order(invoices: list[Message], story: str) -> None:
    invoiced = orders_of(invoices)
    ghosts = sorted(order for order in invoiced if order in GHOSTS)
    assert not ghosts, (
        f"{story}: invoices for {ghosts}, orders whose upstream transaction was aborted "
        "(they never happened). The service's consumer must not read aborted records: "
        "set 'isolation.level' to 'read_committed'."
    )
    missing = [order for order in ORDERS if not invoiced[order]]
    assert not missing, (
        f"{story}: {missing} got no visible invoice. Their input offsets were committed "
        "although the transaction holding their invoice was aborted, so the restarted "
        "service skipped them. Commit offsets INSIDE the transaction with "
        "producer.send_offsets_to_transaction(consumer.position(consumer.assignment()), "
        "consumer.consumer_group_metadata()), never with consumer.commit()."
    )
    doubled = sorted(order for order, times in invoiced.items() if times > 1)
    assert not doubled, (
        f"{story}: {doubled} were invoiced twice. Their invoice was committed but their "
        "input offset was not committed with it, so the restarted service processed them "
        "again. Send the offsets with send_offsets_to_transaction(...) before "
        "commit_transaction(), so the invoice and the offset commit as one."
    )
    assert invoiced == Counter(ORDERS), f"{story}: unexpected invoices {dict(invoiced)}"


def test_the_service_writes_transactionally_and_reads_only_committed_input() -> None:
    producer = producer_config("invoicing-1")
    assert producer.get("transactional.id") == "invoicing-1", (
        "transactions need a 'transactional.id' (use the one given): it names the "
        "producer across restarts, so a new instance can fence the old one and abort "
        "what it left open"
    )
    consumer = consumer_config("invoicing")
    assert consumer.get("group.id") == "invoicing", "set 'group.id' to the group_id given"
    assert consumer.get("isolation.level") == "read_committed", (
        "exactly-once is end to end: a consumer with isolation.level 'read_uncommitted' "
        "reads records of aborted transactions upstream, events that never happened. "
        "Set 'isolation.level' to 'read_committed'."
    )
    assert str(consumer.get("enable.auto.commit")).lower() == "false", (
        "offsets must be committed by the transaction (send_offsets_to_transaction), "
        "not by a background auto-commit: set 'enable.auto.commit' to False"
    )


def test_each_committed_order_yields_exactly_one_invoice(invoicing: Invoicing) -> None:
    assert invoicing.run() == 0, "the service should catch up and stop"
    assert_one_invoice_per_order(
        invoicing.invoices("read_committed"), "after one run of the service"
    )


def test_a_crash_mid_transaction_shows_nothing_and_a_restart_fills_the_gap(
    invoicing: Invoicing,
) -> None:
    invoicing.crash(before_commit=True)
    invoicing.fence()

    everything = invoicing.invoices("read_uncommitted")
    committed = invoicing.invoices("read_committed")
    visible = {(r.partition(), r.offset()) for r in committed}
    aborted = [r for r in everything if (r.partition(), r.offset()) not in visible]
    assert aborted, (
        "the service died with its invoice sent but not committed, so the log should hold "
        "it as an aborted record (a read_uncommitted reader sees it). Produce the invoice "
        "inside the transaction, between begin_transaction() and commit_transaction()."
    )
    leaked = sorted(set(orders_of(aborted)) & set(orders_of(committed)))
    assert not leaked, f"read_committed shows invoices of the aborted transaction: {leaked}"
    assert not [o for o, n in orders_of(committed).items() if n > 1], (
        "before the restart, read_committed should show each invoice at most once"
    )

    assert invoicing.run() == 0, "the restarted service should catch up and stop"
    assert_one_invoice_per_order(
        invoicing.invoices("read_committed"),
        "after a crash before a commit and a restart",
    )


def test_a_crash_right_after_a_commit_repeats_nothing(invoicing: Invoicing) -> None:
    invoicing.crash(before_commit=False)

    assert invoicing.run() == 0, "the restarted service should catch up and stop"
    assert_one_invoice_per_order(
        invoicing.invoices("read_committed"),
        "after a crash right after a commit and a restart",
    )
