"""Commits the transaction, then the input offset with consumer.commit().

A crash between the two leaves a committed invoice whose order is not marked
done: the restarted service invoices it a second time.
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
            producer.commit_transaction()
        except Exception:
            producer.abort_transaction()
            raise
        consumer.commit(message=record, asynchronous=False)
    # <<< ANSWER: transform_loop
