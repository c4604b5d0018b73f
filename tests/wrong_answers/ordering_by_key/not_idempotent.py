"""Keyed correctly, but idempotence left off: a retry may reorder or duplicate."""

from typing import Any


def producer_config() -> dict[str, Any]:
    # >>> ANSWER: producer_config
    return {"enable.idempotence": False, "acks": "1"}
    # <<< ANSWER: producer_config
