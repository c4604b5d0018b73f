"""Apicurio Registry as a JVM process: a real, Confluent-compatible Schema Registry.

Confluent's registry is not on Maven Central; Apicurio's is, and its
`/apis/ccompat/v7` API answers the calls confluent-kafka's
SchemaRegistryClient makes (register, look-up by id, compatibility, config).
Storage is in memory: every run starts with an empty registry.
"""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
from pathlib import Path

from kafka_katas.stack import process
from kafka_katas.stack.base import StackError
from kafka_katas.stack.local import downloads
from kafka_katas.stack.local.broker import JVM_OPTIONS
from kafka_katas.wait import WaitTimeout, wait_until

CCOMPAT_PATH = "/apis/ccompat/v7"
READY_TIMEOUT = 120.0


class LocalRegistry:
    """One Apicurio JVM on 127.0.0.1 with in-memory storage."""

    def __init__(self, workdir: Path, java: Path, *, tied_to_parent: bool = True) -> None:
        self.workdir = workdir
        self.java = java
        self.tied_to_parent = tied_to_parent
        self.port = process.free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{CCOMPAT_PATH}"

    @property
    def log_file(self) -> Path:
        return self.workdir / "registry.log"

    def start(self) -> None:
        app = downloads.apicurio_app()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = process.spawn(
            [
                str(self.java),
                *JVM_OPTIONS,
                "-Dquarkus.http.host=127.0.0.1",
                f"-Dquarkus.http.port={self.port}",
                f"-Dquarkus.management.port={process.free_port()}",
                "-Dquarkus.management.host=127.0.0.1",
                "-jar",
                str(downloads.apicurio_runner_jar(app)),
            ],
            log_file=self.log_file,
            cwd=self.workdir,
            tied_to_parent=self.tied_to_parent,
        )
        try:
            wait_until(
                self._answers,
                timeout=READY_TIMEOUT,
                describe=f"Apicurio Registry did not answer on {self.url}",
            )
        except WaitTimeout as exc:
            raise StackError(
                f"{exc}\n--- last lines of {self.log_file} ---\n{process.tail(self.log_file)}"
            ) from None

    def stop(self) -> None:
        process.kill(self.process)

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise StackError(
                f"Apicurio Registry exited with code {self.process.returncode} during start-up."
                f"\n--- last lines of {self.log_file} ---\n{process.tail(self.log_file)}"
            )
        try:
            with urllib.request.urlopen(f"{self.url}/subjects", timeout=1) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False
