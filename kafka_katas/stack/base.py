"""The one small interface every provisioning backend implements.

A kata never knows where its broker runs: it receives client settings from a
`Stack`, and the stack decides whether that means a JVM on this machine, a
container, or a cluster somebody else operates.
"""

from __future__ import annotations

import subprocess
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType


class StackError(RuntimeError):
    """The stack could not be provisioned; the message says what to do about it."""


@dataclass(frozen=True)
class KafkaEndpoint:
    """Where clients find the cluster, plus any security settings they need."""

    bootstrap_servers: str
    client_properties: Mapping[str, str] = field(default_factory=dict)

    def client_config(self) -> dict[str, str]:
        """The settings every confluent-kafka client of this cluster starts from."""
        return {"bootstrap.servers": self.bootstrap_servers, **self.client_properties}


class Stack(ABC):
    """A running Kafka cluster and, on demand, a Schema Registry."""

    #: short name shown to users: "local", "containers", "external"
    name: str
    _endpoint: KafkaEndpoint | None = None

    def start(self) -> KafkaEndpoint:
        """Start (or attach to) the broker once; return when it answers metadata requests."""
        if self._endpoint is None:
            self._endpoint = self._start()
        return self._endpoint

    @abstractmethod
    def _start(self) -> KafkaEndpoint:
        """Backend-specific start; called once by `start`."""

    @abstractmethod
    def schema_registry_config(self) -> dict[str, str]:
        """SchemaRegistryClient settings (``url`` and any auth); starts it where that applies."""

    @abstractmethod
    def versions(self) -> dict[str, str]:
        """What is running, for the run's header: part name -> version or image."""

    @abstractmethod
    def cli_command(self, tool: str, args: Sequence[str]) -> list[str]:
        """The argv that runs a Kafka command-line tool (e.g. ``kafka-topics``) here."""

    @abstractmethod
    def stop(self) -> None:
        """Stop everything this stack started. Safe to call twice."""

    def run_cli(
        self, tool: str, args: Sequence[str], input: str | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """Run a Kafka command-line tool against this stack and capture its output."""
        return subprocess.run(
            self.cli_command(tool, args),
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def __enter__(self) -> Stack:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
