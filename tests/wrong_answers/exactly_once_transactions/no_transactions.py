"""No transactions: produce and flush the invoice, then commit the offset.

Careful at-least-once, not exactly-once: a crash between the flush and the
commit repeats the invoice; nothing ties the output to the offset.
"""

from confluent_kafka import KafkaException


def producer_config(transactional_id):
    # >>> ANSWER: producer_config
    return {"enable.idempotence": True}
    # <<< ANSWER: producer_config


def transform_loop(consumer, producer, output_topic, transform, should_stop):
    # >>> ANSWER: transform_loop
    while not should_stop():
        record = consumer.poll(0.5)
        if record is None:
            continue
        if record.error() is not None:
            raise KafkaException(record.error())
        producer.produce(output_topic, key=record.key(), value=transform(record.value()))
        assert producer.flush(10) == 0
        consumer.commit(message=record, asynchronous=False)
    # <<< ANSWER: transform_loop
