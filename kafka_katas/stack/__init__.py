"""The stack layer: one `Stack` interface, three provisioning backends.

`open_stack()` picks a backend (see `kafka_katas.stack.select`) and returns a
`Stack`; callers use only the interface in `kafka_katas.stack.base`.
"""

from kafka_katas.stack.base import KafkaEndpoint, Stack, StackError
from kafka_katas.stack.select import open_stack

__all__ = ["KafkaEndpoint", "Stack", "StackError", "open_stack"]
