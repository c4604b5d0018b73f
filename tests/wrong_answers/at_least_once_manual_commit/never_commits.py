"""Turns auto-commit off but never commits: every restart processes everything again."""

from confluent_kafka import KafkaException


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
