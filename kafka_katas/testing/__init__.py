"""Test helpers behind the fixtures in conftest.py: topics, clients, waiting, workers."""

from kafka_katas.testing.clients import ClientFactory, read_to_end
from kafka_katas.testing.names import UniqueNames
from kafka_katas.testing.topics import TopicFactory
from kafka_katas.testing.worker import Worker, WorkerFailed

__all__ = [
    "ClientFactory",
    "TopicFactory",
    "UniqueNames",
    "Worker",
    "WorkerFailed",
    "read_to_end",
]
