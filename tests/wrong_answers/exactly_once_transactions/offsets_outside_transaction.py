"""Commits the input offset with consumer.commit() instead of inside the transaction.

The offset commit no longer belongs to the transaction: when the transaction
holding the invoice aborts (a crash before commit_transaction), the offset
stays committed and the restarted service skips that order for good.
"""

from confluent_kafka import KafkaException


def transform_loop(consumer, producer, output_topic, transform, should_stop):
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
            consumer.commit(message=record, asynchronous=False)
            producer.commit_transaction()
        except Exception:
            producer.abort_transaction()
            raise
    # <<< ANSWER: transform_loop
