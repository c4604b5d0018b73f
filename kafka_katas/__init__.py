"""kafka-katas: Kafka katas against a real broker and a real Schema Registry.

Kata files import `todo` from here; everything else lives in three layers:
`kafka_katas.stack` (provisioning), `kafka_katas.kata` (format, manifest,
checks) and `kafka_katas.learner` (CLI, pytest plugin, grading).
"""

from kafka_katas.kata.unsolved import NotSolvedYet, todo

__all__ = ["NotSolvedYet", "todo"]
__version__ = "0.1.0"
