"""The containers backend: Kafka (KRaft) and a Schema Registry over any Docker API.

Uses a generic testcontainers `DockerContainer` with our own command and the
shared broker settings, relying only on the Apache distribution layout
(/opt/kafka/bin, /opt/kafka/libs) so that the official ``apache/kafka`` image
and the locally built ``localhost/kafka-katas/kafka`` image both work.

Listeners: the broker listens inside the container on the same port number
that is published on the host, so ``<host>:<port>`` is right for the test
process and also for tools run by ``docker exec`` inside the container; a
second listener advertises the container's network alias for sibling
containers (the registry). Images come from the environment:

- ``KATA_KAFKA_IMAGE`` (default ``apache/kafka:<KAFKA_VERSION>``)
- ``KATA_REGISTRY_IMAGE`` (default ``apicurio/apicurio-registry:<APICURIO_VERSION>``);
  an image whose name contains ``cp-schema-registry`` is run as Confluent's
  registry, anything else as Apicurio (``KATA_REGISTRY_FLAVOUR`` overrides).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from confluent_kafka.admin import AdminClient
from testcontainers.core.config import testcontainers_config
from testcontainers.core.container import DockerContainer
from testcontainers.core.docker_client import DockerClient
from testcontainers.core.network import Network

from kafka_katas.stack import process
from kafka_katas.stack.base import KafkaEndpoint, Stack, StackError
from kafka_katas.stack.broker_config import kraft_properties, new_cluster_id, render
from kafka_katas.stack.cli_tools import tool_name
from kafka_katas.stack.local.broker import _broker_ids
from kafka_katas.stack.parts import APICURIO_VERSION, KAFKA_VERSION
from kafka_katas.stack.reaper import SESSION_LABEL, Reaper
from kafka_katas.wait import WaitTimeout, wait_until

DEFAULT_KAFKA_IMAGE = f"apache/kafka:{KAFKA_VERSION}"
DEFAULT_REGISTRY_IMAGE = f"apicurio/apicurio-registry:{APICURIO_VERSION}"
#: The listener sibling containers use, by the Kafka container's network alias.
INTERNAL_PORT = 19092
CONTROLLER_PORT = 9093
READY_TIMEOUT = 120.0
JVM_ENV = {
    "KAFKA_HEAP_OPTS": "-Xms64m -Xmx512m",
    "KAFKA_JVM_PERFORMANCE_OPTS": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
}
#: Format storage, then start the broker, from properties passed in the environment.
KAFKA_COMMAND = (
    "set -e; mkdir -p /tmp/kata; "
    'printf "%s" "$KATA_SERVER_PROPERTIES" > /tmp/kata/server.properties; '
    '/opt/kafka/bin/kafka-storage.sh format --cluster-id="$KATA_CLUSTER_ID" '
    "-c /tmp/kata/server.properties; "
    "exec /opt/kafka/bin/kafka-server-start.sh /tmp/kata/server.properties"
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegistryFlavour:
    """How to run one kind of registry image: its port, settings and API path."""

    name: str
    port: int
    path: str

    def environment(self, alias: str, kafka_internal: str) -> dict[str, str]:
        if self.name == "confluent":
            return {
                "SCHEMA_REGISTRY_HOST_NAME": alias,
                "SCHEMA_REGISTRY_LISTENERS": f"http://0.0.0.0:{self.port}",
                "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS": f"PLAINTEXT://{kafka_internal}",
            }
        # Apicurio keeps schemas in memory by default: every run starts empty.
        return {"JAVA_OPTS": "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"}


FLAVOURS = {
    "apicurio": RegistryFlavour("apicurio", 8080, "/apis/ccompat/v7"),
    "confluent": RegistryFlavour("confluent", 8081, ""),
}


def registry_flavour(image: str, explicit: str | None = None) -> RegistryFlavour:
    choice = (explicit or "").strip().lower() or (
        "confluent" if "cp-schema-registry" in image else "apicurio"
    )
    if choice not in FLAVOURS:
        raise StackError(f"KATA_REGISTRY_FLAVOUR must be one of {', '.join(FLAVOURS)}")
    return FLAVOURS[choice]


class ContainerStack(Stack):
    """One Kafka container and, on first use, a registry container, on a private network."""

    name = "containers"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = dict(os.environ if env is None else env)
        self.kafka_image = self.env.get("KATA_KAFKA_IMAGE") or DEFAULT_KAFKA_IMAGE
        self.registry_image = self.env.get("KATA_REGISTRY_IMAGE") or DEFAULT_REGISTRY_IMAGE
        self.flavour = registry_flavour(self.registry_image, self.env.get("KATA_REGISTRY_FLAVOUR"))
        self.session = uuid.uuid4().hex[:12]
        self.labels = {SESSION_LABEL: self.session}
        self.kafka_alias = f"kafka-{self.session}"
        self.registry_alias = f"schema-registry-{self.session}"
        self.kafka: DockerContainer | None = None
        self.registry: DockerContainer | None = None
        self.network: Network | None = None
        self._reaper: Reaper | None = None
        self._docker: DockerClient | None = None
        self.host = "127.0.0.1"
        self._registry_url: str | None = None
        self._registry_lock = threading.Lock()

    @property
    def network_bootstrap(self) -> str:
        """bootstrap.servers for a container on this stack's network."""
        return f"{self.kafka_alias}:{INTERNAL_PORT}"

    def _start(self) -> KafkaEndpoint:
        _use_own_reaper()
        self._reaper = Reaper(self.session, self.env)
        try:
            self._docker = DockerClient(environment=self.env)
            host = self.host = _published_host(self._docker)
            self.network = Network(
                docker_client_kw={"environment": self.env},
                docker_network_kw={"labels": self.labels},
            ).create()
            port = process.free_port()
            props = kraft_properties(
                node_id=1,
                voters={1: f"127.0.0.1:{CONTROLLER_PORT}"},
                listeners={
                    "PLAINTEXT": f"0.0.0.0:{port}",
                    "INTERNAL": f"0.0.0.0:{INTERNAL_PORT}",
                    "CONTROLLER": f"127.0.0.1:{CONTROLLER_PORT}",
                },
                advertised={"PLAINTEXT": f"{host}:{port}", "INTERNAL": self.network_bootstrap},
                log_dir="/tmp/kata/data",
                inter_broker_listener="INTERNAL",
            )
            self.kafka = (
                DockerContainer(self.kafka_image, docker_client_kw={"environment": self.env})
                .with_network(self.network)
                .with_network_aliases(self.kafka_alias)
                .with_bind_ports(port, port)
                .with_envs(
                    KATA_SERVER_PROPERTIES=render(props),
                    KATA_CLUSTER_ID=new_cluster_id(),
                    **JVM_ENV,
                )
                .with_command([KAFKA_COMMAND])
                .with_kwargs(
                    entrypoint=["/bin/sh", "-c"],
                    labels=self.labels,
                    hostname=self.kafka_alias,
                )
            )
            self._start_container(self.kafka, "Kafka")
            self._wait_kafka(host, port)
            return KafkaEndpoint(f"{host}:{port}")
        except BaseException:
            self.stop()
            raise

    def _wait_kafka(self, host: str, port: int) -> None:
        assert self.kafka is not None
        admin = AdminClient({"bootstrap.servers": f"{host}:{port}", "log_level": 0})
        try:
            wait_until(
                lambda: (
                    self._running(self.kafka, "Kafka")
                    and process.port_open(host, port)
                    and len(_broker_ids(admin)) == 1
                ),
                timeout=READY_TIMEOUT,
                describe=f"Kafka ({self.kafka_image}) did not answer metadata at {host}:{port}",
            )
        except WaitTimeout as exc:
            raise StackError(f"{exc}\n{_log_tail(self.kafka, 'Kafka')}") from None

    def schema_registry_config(self) -> dict[str, str]:
        self.start()
        with self._registry_lock:
            if self._registry_url is None:
                self._registry_url = self._start_registry()
            return {"url": self._registry_url}

    def _start_registry(self) -> str:
        assert self.network is not None
        flavour = self.flavour
        self.registry = (
            DockerContainer(self.registry_image, docker_client_kw={"environment": self.env})
            .with_network(self.network)
            .with_network_aliases(self.registry_alias)
            .with_exposed_ports(flavour.port)
            .with_envs(**flavour.environment(self.registry_alias, self.network_bootstrap))
            .with_kwargs(labels=self.labels, hostname=self.registry_alias)
        )
        self._start_container(self.registry, "Schema Registry")
        assert self._docker is not None
        port = self._docker.port(self.registry.get_container_id(), flavour.port)
        url = f"http://{self.host}:{port}{flavour.path}"
        try:
            wait_until(
                lambda: self._running(self.registry, "Schema Registry") and _http_ok(url),
                timeout=READY_TIMEOUT,
                describe=f"Schema Registry ({self.registry_image}) did not answer on {url}",
            )
        except WaitTimeout as exc:
            raise StackError(f"{exc}\n{_log_tail(self.registry, 'Schema Registry')}") from None
        return url

    def _start_container(self, container: DockerContainer, what: str) -> None:
        try:
            container.start()
        except Exception as exc:
            hint = ""
            if "not found" in str(exc).lower() or "pull" in str(exc).lower():
                hint = (
                    "\nThe image could not be found or pulled. Set KATA_KAFKA_IMAGE / "
                    "KATA_REGISTRY_IMAGE to an image you have, or build local ones with "
                    "`kata dev engine up` (Debian)."
                )
            tail = _log_tail(container, what) if container._container is not None else ""
            raise StackError(f"{what} container did not start: {exc}{hint}\n{tail}") from None

    def _running(self, container: DockerContainer | None, what: str) -> bool:
        assert container is not None
        wrapped = container.get_wrapped_container()
        wrapped.reload()
        if wrapped.status in ("exited", "dead"):
            raise StackError(
                f"the {what} container exited during start-up.\n{_log_tail(container, what)}"
            )
        return True

    def versions(self) -> dict[str, str]:
        parts = {"kafka": f"{self.kafka_image} (KRaft, container)"}
        if self._registry_url is not None:
            parts["schema registry"] = f"{self.registry_image} ({self.flavour.name}, container)"
        return parts

    def cli_command(self, tool: str, args: Sequence[str]) -> list[str]:
        if self.kafka is None:
            self.start()
        assert self.kafka is not None
        script = f"/opt/kafka/bin/{tool_name(tool)}.sh"
        container = self.kafka.get_container_id()
        host = self.env.get("DOCKER_HOST")
        if shutil.which("docker"):
            return [
                "docker",
                *(["-H", host] if host else []),
                "exec",
                "-i",
                container,
                script,
                *args,
            ]
        if shutil.which("podman"):
            remote = ["--url", host] if host else []
            return ["podman", *remote, "exec", "-i", container, script, *args]
        raise StackError("running Kafka's tools in the container needs the `docker` CLI on PATH")

    def stop(self) -> None:
        clean = True
        for container in (self.registry, self.kafka):
            if container is not None and container._container is not None:
                try:
                    container.stop()
                except Exception:
                    clean = False
                    log.warning("could not remove a container; the reaper will", exc_info=True)
        self.registry = self.kafka = None
        if self.network is not None and self.network._network is not None:
            try:
                self.network.remove()
            except Exception:
                clean = False
                log.warning("could not remove the network; the reaper will", exc_info=True)
        self.network = None
        if self._reaper is not None:
            self._reaper.release(clean=clean)
            self._reaper = None


def _use_own_reaper() -> None:
    """Ryuk is an image to pull; our reaper (kafka_katas.stack.reaper) needs none."""
    testcontainers_config.ryuk_disabled = True


def _published_host(docker: DockerClient) -> str:
    """Where published ports are reached: the Docker host (127.0.0.1 for a local socket).

    testcontainers guesses a gateway address when it runs inside a container;
    a local socket means the engine publishes ports in this network namespace.
    """
    host = docker.host()
    return "127.0.0.1" if host in ("localhost", "::1") else host


def _log_tail(container: DockerContainer | None, what: str, lines: int = 40) -> str:
    if container is None or container._container is None:
        return ""
    try:
        text = container.get_wrapped_container().logs(tail=lines).decode(errors="replace")
    except Exception as exc:
        text = f"(could not read the logs: {exc})"
    return f"--- last lines of the {what} container's log ---\n{text.rstrip()}"


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/subjects", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False
