"""The external backend: a cluster (and registry) somebody else runs.

Named by the environment, so the same katas run against a team's cluster,
a cloud service or a stack started with `docker compose up`:

- ``KAFKA_BOOTSTRAP_SERVERS``: host:port[,host:port...] (required)
- ``KAFKA_CLIENT_CONFIG``: a properties file of librdkafka settings added to
  every client, e.g. ``security.protocol=SASL_SSL`` and ``sasl.*`` (optional)
- ``SCHEMA_REGISTRY_URL``: the registry base URL (needed by registry katas)
- ``SCHEMA_REGISTRY_USER_INFO``: ``user:password`` for basic auth (optional)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from confluent_kafka.admin import AdminClient

from kafka_katas.stack.base import KafkaEndpoint, Stack, StackError
from kafka_katas.stack.cli_tools import jvm_cli_command
from kafka_katas.wait import WaitTimeout, wait_until

CONNECT_TIMEOUT = 10.0


def read_properties(path: Path) -> dict[str, str]:
    """key=value lines; blank lines and # comments ignored."""
    props: dict[str, str] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", "!")):
            key, _, value = line.partition("=")
            props[key.strip()] = value.strip()
    return props


class ExternalStack(Stack):
    """Attach to an existing cluster; start and stop nothing."""

    name = "external"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
        if not bootstrap:
            raise StackError("the external backend needs KAFKA_BOOTSTRAP_SERVERS=host:port")
        config_file = env.get("KAFKA_CLIENT_CONFIG")
        self.endpoint = KafkaEndpoint(
            bootstrap, read_properties(Path(config_file)) if config_file else {}
        )
        self.registry_url = env.get("SCHEMA_REGISTRY_URL", "").strip() or None
        self.registry_user_info = env.get("SCHEMA_REGISTRY_USER_INFO")
        self._kafka_version = "unknown"

    def _start(self) -> KafkaEndpoint:
        admin = AdminClient({**self.endpoint.client_config(), "log_level": 0})
        try:
            metadata = wait_until(
                lambda: _metadata(admin),
                timeout=CONNECT_TIMEOUT,
                describe=f"no Kafka broker answered at {self.endpoint.bootstrap_servers}",
            )
        except WaitTimeout as exc:
            raise StackError(
                f"{exc}. Check KAFKA_BOOTSTRAP_SERVERS (and KAFKA_CLIENT_CONFIG for secured "
                "clusters), or unset it to let the katas start their own broker."
            ) from None
        brokers = len(metadata.brokers)
        self._kafka_version = f"{brokers} broker(s) at {self.endpoint.bootstrap_servers}"
        return self.endpoint

    def schema_registry_config(self) -> dict[str, str]:
        if self.registry_url is None:
            raise StackError(
                "this kata needs a Schema Registry: set SCHEMA_REGISTRY_URL "
                "(e.g. http://localhost:8081) next to KAFKA_BOOTSTRAP_SERVERS"
            )
        config = {"url": self.registry_url}
        if self.registry_user_info:
            config["basic.auth.user.info"] = self.registry_user_info
        return config

    def versions(self) -> dict[str, str]:
        parts = {"kafka": self._kafka_version}
        if self.registry_url:
            parts["schema registry"] = self.registry_url
        return parts

    def cli_command(self, tool: str, args: Sequence[str]) -> list[str]:
        return jvm_cli_command(tool, args)

    def stop(self) -> None:
        """Nothing to stop: the cluster is not ours."""


def _metadata(admin: AdminClient) -> object | None:
    try:
        metadata = admin.list_topics(timeout=2)
    except Exception:
        return None
    return metadata if metadata.brokers else None
