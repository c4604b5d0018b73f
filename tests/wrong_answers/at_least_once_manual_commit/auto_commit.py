"""Leaves committing to enable.auto.commit: offsets are committed on a timer.

The background commit does not know whether handle() has finished, so it may
commit a record still being processed (lost in a crash) or lag behind (many
records processed again after a crash).
"""

from confluent_kafka import KafkaException


def consumer_config(group_id):
    # >>> ANSWER: consumer_config
    return {
        "group.id": group_id,
        "enable.auto.commit": True,
        "auto.commit.interval.ms": 1000,
        "auto.offset.reset": "earliest",
    }
    # <<< ANSWER: consumer_config


def consume_loop(consumer, handle, should_stop):
    # >>> ANSWER: consume_loop
    while not should_stop():
        record = consumer.poll(0.5)
        if record is None:
            continue
        if record.error() is not None:
            raise KafkaException(record.error())
        handle(record)
    # <<< ANSWER: consume_loop
