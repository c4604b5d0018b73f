"""M6 · Schema evolution under BACKWARD compatibility.

Producers and consumers of a topic are deployed at different times, so the
schema of its events must change without breaking either side. A Schema
Registry enforces the rule per subject: under BACKWARD compatibility a new
schema may only change in ways that let its readers still read data written
with the previous one. Adding a field is fine if it has a default; changing a
field's type is refused (HTTP 409), before any bad record is written.

Seed: "Local stack: Docker Compose with Kafka, Zookeeper/KRaft, Schema Registry";
"Services evolve independently" (decoupling).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

from kafka_katas import todo
from kafka_katas.testing import ClientFactory, TopicFactory, read_to_end

ORDER_V1: dict[str, Any] = {
    "type": "record",
    "name": "Order",
    "namespace": "shop",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": "double"},
    ],
}


def subject_compatibility() -> str:
    """The compatibility level the orders subject enforces."""
    # >>> ANSWER: subject_compatibility
    todo(
        "Return the compatibility level that lets consumers on the new schema read "
        "old data: 'BACKWARD'."
    )
    # <<< ANSWER: subject_compatibility


def order_v2(v1: dict[str, Any]) -> dict[str, Any]:
    """Version 2 of the Order schema: v1 plus a `currency` string field."""
    # >>> ANSWER: order_v2
    todo(
        "Return a copy of v1 with one more field, "
        "{'name': 'currency', 'type': 'string', 'default': 'EUR'}: the default is what "
        "a v2 reader sees for records written with v1."
    )
    # <<< ANSWER: order_v2


# ---------------------------------------------------------------------------
# Tests: leave everything below as shipped.
# ---------------------------------------------------------------------------

ORDERS = [{"id": f"order-{n}", "amount": 10.0 + n} for n in range(5)]


def incompatible_change(v1: dict[str, Any]) -> dict[str, Any]:
    """`amount` becomes a string: v2 readers could not read v1's doubles."""
    changed = copy.deepcopy(v1)
    changed["fields"] = [
        {"name": "amount", "type": "string"} if f["name"] == "amount" else f
        for f in changed["fields"]
    ]
    return changed


def register_v1(registry: SchemaRegistryClient, subject: str) -> None:
    registry.register_schema(subject, Schema(json.dumps(ORDER_V1), "AVRO"))
    registry.set_compatibility(subject, subject_compatibility())


def registration_error(
    registry: SchemaRegistryClient, subject: str, schema: dict[str, Any]
) -> SchemaRegistryError | None:
    """Register `schema`; return the registry's refusal, or None when it was accepted."""
    try:
        registry.register_schema(subject, Schema(json.dumps(schema), "AVRO"))
    except SchemaRegistryError as exc:
        return exc
    return None


def added_fields(v2: dict[str, Any]) -> dict[str, Any]:
    """Name -> default of every field v2 has and v1 has not."""
    old = {f["name"] for f in ORDER_V1["fields"]}
    return {f["name"]: f.get("default") for f in v2["fields"] if f["name"] not in old}


def test_the_subject_enforces_backward_compatibility(
    schema_registry: SchemaRegistryClient, create_topic: TopicFactory
) -> None:
    level = subject_compatibility()
    subject = f"{create_topic('orders')}-value"
    register_v1(schema_registry, subject)
    assert schema_registry.get_compatibility(subject) == "BACKWARD", (
        f"the subject enforces {level!r}: BACKWARD is the level that guarantees readers on "
        "the newest schema can read everything already in the topic"
    )


def test_v2_registers_next_to_v1(
    schema_registry: SchemaRegistryClient, create_topic: TopicFactory
) -> None:
    v2 = order_v2(ORDER_V1)
    subject = f"{create_topic('orders')}-value"
    register_v1(schema_registry, subject)
    refusal = registration_error(schema_registry, subject, v2)
    assert refusal is None, (
        f"the registry refused v2 with HTTP {refusal and refusal.http_status_code}: "
        f"{refusal and refusal.error_message}. Under BACKWARD a new field needs a default, "
        "so that a v2 reader can fill it in for records written with v1."
    )
    assert len(schema_registry.get_versions(subject)) == 2, "expected versions 1 and 2"


def test_records_written_with_v1_are_read_with_v2(
    schema_registry: SchemaRegistryClient, create_topic: TopicFactory, clients: ClientFactory
) -> None:
    v2 = order_v2(ORDER_V1)
    topic = create_topic("orders")
    register_v1(schema_registry, f"{topic}-value")

    serialize_v1 = AvroSerializer(schema_registry, json.dumps(ORDER_V1))
    producer = clients.producer()
    for order in ORDERS:
        context = SerializationContext(topic, MessageField.VALUE)
        producer.produce(topic, key=order["id"].encode(), value=serialize_v1(order, context))
    assert producer.flush(15) == 0, "the v1 orders were not all acknowledged"

    defaults = added_fields(v2)
    assert defaults, "v2 should add a field to v1"
    deserialize_v2 = AvroDeserializer(schema_registry, json.dumps(v2))
    records = read_to_end(clients.consumer(), topic, what="v1 orders")
    read = [
        deserialize_v2(r.value(), SerializationContext(topic, MessageField.VALUE)) for r in records
    ]

    expected = [{**order, **defaults} for order in ORDERS]
    assert read == expected, (
        "a v2 reader should see every v1 order unchanged, with the new field set to its "
        f"default; got {read[:2]}..."
    )


def test_an_incompatible_change_is_refused_with_http_409(
    schema_registry: SchemaRegistryClient, create_topic: TopicFactory
) -> None:
    subject = f"{create_topic('orders')}-value"
    register_v1(schema_registry, subject)
    refusal = registration_error(schema_registry, subject, incompatible_change(ORDER_V1))
    assert refusal is not None, (
        "the registry accepted a schema that turns `amount` from double into string: "
        f"with compatibility {subject_compatibility()!r} nothing protects consumers. "
        "BACKWARD refuses it with HTTP 409 before any such record is written."
    )
    assert refusal.http_status_code == 409, f"expected HTTP 409 Conflict, got {refusal}"
