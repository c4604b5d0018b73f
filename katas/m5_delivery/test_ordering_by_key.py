"""M5 · Ordering by key.

Kafka orders records within a partition, never across partitions. A record's
key picks its partition, so giving every event of one account the same key
keeps that account's history in order, while different accounts spread over
partitions and are processed in parallel. An idempotent producer keeps the
order even when it has to retry a send.

Seed: "Ordering: Kafka preserves ordering within partition, giving predictable
parallelism."
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from confluent_kafka import Producer

from kafka_katas import todo
from kafka_katas.testing import ClientFactory, TopicFactory, read_to_end


def producer_config() -> dict[str, Any]:
    """Producer settings, added to the bootstrap settings."""
    # >>> ANSWER: producer_config
    todo(
        "Return producer settings that turn on idempotence: "
        "{'enable.idempotence': True}. It makes retries safe: no duplicates, "
        "no reordering within a partition."
    )
    # <<< ANSWER: producer_config


def key_for(event: dict[str, Any]) -> bytes:
    """The record key of an account event such as {'account': 'acct-7', 'seq': 3}."""
    # >>> ANSWER: key_for
    todo(
        "Return the key that keeps one account's events in order: "
        "the account id as bytes, event['account'].encode()."
    )
    # <<< ANSWER: key_for


# ---------------------------------------------------------------------------
# Tests: leave everything below as shipped.
# ---------------------------------------------------------------------------

ACCOUNTS = [f"acct-{n}" for n in range(24)]
EVENTS_PER_ACCOUNT = 25
PARTITIONS = 6


def produce_account_events(clients: ClientFactory, topic: str) -> None:
    """Interleave the accounts' events, as many clients writing at once would."""
    producer: Producer = clients.producer(producer_config())
    for seq in range(EVENTS_PER_ACCOUNT):
        for account in ACCOUNTS:
            event = {"account": account, "seq": seq}
            producer.produce(topic, key=key_for(event), value=f"{account}:{seq}".encode())
        producer.poll(0)
    assert producer.flush(15) == 0, "some events were never acknowledged by the broker"


def read_events(clients: ClientFactory, topic: str) -> list[tuple[int, str, int]]:
    """(partition, account, seq) of every event, in the order each partition holds them."""
    records = read_to_end(clients.consumer(), topic, what="account events")
    events = []
    for record in records:
        account, seq = record.value().decode().split(":")
        events.append((record.partition(), account, int(seq)))
    return events


def test_the_producer_is_idempotent(clients: ClientFactory, create_topic: TopicFactory) -> None:
    config = producer_config()
    assert str(config.get("enable.idempotence")).lower() == "true", (
        "without enable.idempotence a retried batch can land after the batch behind it "
        "(reordering) or twice (duplicates); confluent-kafka turns it off by default"
    )
    topic = create_topic("accounts")
    producer = clients.producer(config)
    producer.produce(topic, key=key_for({"account": "acct-1", "seq": 0}), value=b"acct-1:0")
    assert producer.flush(15) == 0, "the idempotent producer could not deliver one record"


def test_all_events_of_an_account_land_in_one_partition(
    clients: ClientFactory, create_topic: TopicFactory
) -> None:
    topic = create_topic("accounts", partitions=PARTITIONS)
    produce_account_events(clients, topic)

    partitions_of: dict[str, set[int]] = defaultdict(set)
    for partition, account, _ in read_events(clients, topic):
        partitions_of[account].add(partition)

    split = {a: sorted(p) for a, p in partitions_of.items() if len(p) > 1}
    assert not split, (
        f"{len(split)} accounts are split over several partitions, e.g. "
        f"{next(iter(split.items()))}: Kafka orders records only within one partition, "
        "so an account whose events are spread out can be read out of order. "
        "The key decides the partition: key every event by its account."
    )
    used = {p for parts in partitions_of.values() for p in parts}
    assert len(used) > 1, (
        f"all {len(ACCOUNTS)} accounts landed in partition {used}: one key for everything "
        "orders everything, but leaves the other partitions idle (no parallelism). "
        "Key by account, not by a constant."
    )


def test_each_account_is_read_in_the_order_it_was_written(
    clients: ClientFactory, create_topic: TopicFactory
) -> None:
    topic = create_topic("accounts", partitions=PARTITIONS)
    produce_account_events(clients, topic)

    seqs: dict[str, list[int]] = defaultdict(list)
    for _, account, seq in read_events(clients, topic):
        seqs[account].append(seq)

    expected = list(range(EVENTS_PER_ACCOUNT))
    out_of_order = {a: s for a, s in seqs.items() if s != expected}
    assert not out_of_order, (
        f"{len(out_of_order)} accounts were read out of order or incomplete, e.g. "
        f"{next(iter(out_of_order))}: {next(iter(out_of_order.values()))[:12]}... "
        "Per-key order needs every event of a key in one partition."
    )
    assert sorted(seqs) == sorted(ACCOUNTS), "some accounts are missing entirely"
