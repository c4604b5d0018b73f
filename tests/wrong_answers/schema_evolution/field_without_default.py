"""A new field without a default: v2 readers cannot read v1 records, so BACKWARD refuses it."""

import copy
from typing import Any


def order_v2(v1: dict[str, Any]) -> dict[str, Any]:
    # >>> ANSWER: order_v2
    v2 = copy.deepcopy(v1)
    v2["fields"].append({"name": "currency", "type": "string"})
    return v2
    # <<< ANSWER: order_v2
