"""Keyed correctly, but retries may reorder or duplicate: idempotence left off."""

# >>> ANSWER: producer_config
    return {"enable.idempotence": False, "acks": "1"}
# <<< ANSWER: producer_config
