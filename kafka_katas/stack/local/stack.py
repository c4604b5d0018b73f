"""The local backend as a `Stack`: Kafka now, the registry on first use."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from kafka_katas.stack.base import KafkaEndpoint, Stack
from kafka_katas.stack.cli_tools import jvm_cli_command
from kafka_katas.stack.local.broker import LocalKafka
from kafka_katas.stack.local.registry import LocalRegistry
from kafka_katas.stack.parts import APICURIO_VERSION, KAFKA_VERSION


class LocalStack(Stack):
    """Kafka (KRaft) and Apicurio Registry as JVM processes from Maven Central jars."""

    name = "local"

    def __init__(
        self, nodes: int = 1, workdir: Path | None = None, *, tied_to_parent: bool = True
    ) -> None:
        self._owns_workdir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="kafka-katas-"))
        self.kafka = LocalKafka(self.workdir / "kafka", nodes, tied_to_parent=tied_to_parent)
        self.registry: LocalRegistry | None = None
        self._tied = tied_to_parent
        self._registry_lock = threading.Lock()

    def _start(self) -> KafkaEndpoint:
        self.kafka.start()
        return KafkaEndpoint(self.kafka.bootstrap_servers)

    def schema_registry_config(self) -> dict[str, str]:
        with self._registry_lock:
            if self.registry is None:
                registry = LocalRegistry(
                    self.workdir / "registry", self.kafka.java, tied_to_parent=self._tied
                )
                self.registry = registry
                registry.start()
            return {"url": self.registry.url}

    def versions(self) -> dict[str, str]:
        parts = {
            "kafka": f"Apache Kafka {KAFKA_VERSION} (KRaft, JVM, Java {self.kafka.java_version})"
        }
        if self.registry is not None:
            parts["schema registry"] = f"Apicurio Registry {APICURIO_VERSION} (JVM)"
        return parts

    def cli_command(self, tool: str, args: Sequence[str]) -> list[str]:
        return jvm_cli_command(tool, args)

    def stop(self) -> None:
        if self.registry is not None:
            self.registry.stop()
        self.kafka.stop()
        if self._owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
