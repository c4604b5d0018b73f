"""Commits each record before handling it: a crash during handle() loses the record.

That is at-most-once delivery dressed up as manual commits.
"""

from confluent_kafka import KafkaException


def consume_loop(consumer, handle, should_stop):
    # >>> ANSWER: consume_loop
    while not should_stop():
        record = consumer.poll(0.5)
        if record is None:
            continue
        if record.error() is not None:
            raise KafkaException(record.error())
        consumer.commit(message=record, asynchronous=False)
        handle(record)
    # <<< ANSWER: consume_loop
