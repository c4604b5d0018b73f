"""Round-trip through the compose stack from the host: a plain record, then an Avro record.

Not collected by pytest (no test_ prefix): CI's container stage runs it after
`compose up`. Usage: python tests/compose_roundtrip.py BOOTSTRAP REGISTRY_URL
"""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request
import uuid

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from kafka_katas.wait import wait_until

SCHEMA = """{"type": "record", "name": "OrderPlaced", "namespace": "katas",
 "fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "int"}]}"""


def ready(bootstrap: str, registry: str, timeout: float = 120) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": 0})

    def brokers() -> bool:
        try:
            return bool(admin.list_topics(timeout=2).brokers)
        except Exception:
            return False

    def registry_answers() -> bool:
        try:
            with urllib.request.urlopen(f"{registry}/subjects", timeout=1) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    wait_until(brokers, timeout=timeout, describe=f"no broker answered at {bootstrap}")
    wait_until(registry_answers, timeout=timeout, describe=f"no registry answered at {registry}")


def round_trip(bootstrap: str, topic: str, key: bytes, value: bytes) -> tuple[bytes, bytes]:
    """Produce one record and read it back; return its key and value."""
    config = {"bootstrap.servers": bootstrap}
    admin = AdminClient(config)
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)
    wait_until(
        lambda: topic in admin.list_topics(topic, timeout=2).topics,
        timeout=30,
        describe=f"topic {topic} has no metadata",
    )
    producer = Producer(config)
    producer.produce(topic, key=key, value=value)
    assert producer.flush(15) == 0, "the record was not delivered"
    consumer = Consumer({**config, "group.id": topic, "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, 0, 0)])
    try:
        message = wait_until(
            lambda: consumer.poll(0.2), timeout=30, describe=f"no record read from {topic}"
        )
    finally:
        consumer.close()
    assert message.error() is None, message.error()
    return message.key(), message.value()


def main(argv: list[str]) -> int:
    bootstrap, registry_url = argv
    started = time.monotonic()
    ready(bootstrap, registry_url)
    print(f"compose stack: broker and registry answer ({time.monotonic() - started:.1f} s)")

    topic = f"compose-plain-{uuid.uuid4().hex[:8]}"
    key, value = round_trip(bootstrap, topic, b"order-1", b"hello from the host")
    assert (key, value) == (b"order-1", b"hello from the host"), (key, value)
    print(f"compose stack: plain record round-tripped on {topic}: {value!r}")

    registry = SchemaRegistryClient({"url": registry_url})
    topic = f"compose-avro-{uuid.uuid4().hex[:8]}"
    context = SerializationContext(topic, MessageField.VALUE)
    record = {"id": "order-2", "amount": 42}
    payload = AvroSerializer(registry, SCHEMA)(record, context)
    assert payload is not None
    assert payload[0] == 0, "not in the Confluent wire format"
    schema_id = int.from_bytes(payload[1:5], "big")
    _, read = round_trip(bootstrap, topic, b"order-2", payload)
    decoded = AvroDeserializer(registry)(read, context)
    assert decoded == record, decoded
    versions = registry.get_versions(f"{topic}-value")
    print(
        f"compose stack: Avro record round-tripped on {topic} with schema id {schema_id} "
        f"(subject {topic}-value, versions {versions}): {decoded}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
