"""Transactional output, but the service reads its input with read_uncommitted.

It then processes records of aborted upstream transactions, orders that never
happened, and invoices them: exactly-once must hold end to end.
"""


def consumer_config(group_id):
    # >>> ANSWER: consumer_config
    return {
        "group.id": group_id,
        "isolation.level": "read_uncommitted",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    }
    # <<< ANSWER: consumer_config
