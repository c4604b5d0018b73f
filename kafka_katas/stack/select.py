"""Choose the backend: explicitly, or the best one this machine can run.

Order when nothing is chosen: an external cluster named in the environment;
else containers when a Docker API answers; else local JVMs when Java 17+ is
installed; else an error that says what to install.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from kafka_katas.stack.base import Stack, StackError
from kafka_katas.stack.parts import MIN_JAVA

BACKENDS = ("external", "containers", "local")


def choose_backend(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The backend name to use; `explicit` (a pytest option) beats ``KATA_BACKEND``."""
    env = os.environ if env is None else env
    choice = (explicit or env.get("KATA_BACKEND") or "").strip().lower()
    if choice and choice != "auto":
        if choice not in BACKENDS:
            raise StackError(
                f"unknown backend {choice!r}: choose one of {', '.join(BACKENDS)} "
                "(KATA_BACKEND or --kata-backend), or leave it unset to choose automatically"
            )
        return choice
    if env.get("KAFKA_BOOTSTRAP_SERVERS"):
        return "external"
    if docker_api_answers(env):
        return "containers"
    if java_available():
        return "local"
    raise StackError(
        "No way to run Kafka here. Install one of:\n"
        f"  - Java {MIN_JAVA}+ and Maven (the katas start Kafka and a registry as local JVMs),\n"
        "  - Docker or another Docker-API engine (the katas start containers),\n"
        "or point KAFKA_BOOTSTRAP_SERVERS (and SCHEMA_REGISTRY_URL) at a running cluster.\n"
        "`kata doctor` checks each of these."
    )


def open_stack(
    explicit: str | None = None, env: Mapping[str, str] | None = None, root: Path | None = None
) -> Stack:
    """A stack of the chosen backend, not started yet.

    With `root`, a persistent stack of that checkout (`kata up`) is reused when
    it is alive and the choice allows the local backend.
    """
    if root is not None and persistent_allowed(explicit, env):
        from kafka_katas.stack.persistent import attach

        attached = attach(root)
        if attached is not None:
            return attached
    backend = choose_backend(explicit, env)
    if backend == "external":
        from kafka_katas.stack.external import ExternalStack

        return ExternalStack(env)
    if backend == "containers":
        from kafka_katas.stack.containers import ContainerStack

        return ContainerStack(env)
    from kafka_katas.stack.local.stack import LocalStack

    return LocalStack()


def persistent_allowed(explicit: str | None = None, env: Mapping[str, str] | None = None) -> bool:
    """Whether a `kata up` stack may serve: the choice is local, or automatic with no
    external cluster named (a persistent stack was asked for, so it beats Docker)."""
    env = os.environ if env is None else env
    choice = (explicit or env.get("KATA_BACKEND") or "auto").strip().lower()
    if choice == "local":
        return True
    return choice == "auto" and not env.get("KAFKA_BOOTSTRAP_SERVERS")


def docker_api_answers(env: Mapping[str, str] | None = None) -> bool:
    """True when a Docker API (Docker, podman, colima...) answers a ping."""
    env = os.environ if env is None else env
    host = env.get("DOCKER_HOST")
    if not host and not os.path.exists("/var/run/docker.sock"):
        return False
    try:
        import docker

        client = (
            docker.DockerClient(base_url=host, timeout=3) if host else docker.from_env(timeout=3)
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


def java_available() -> bool:
    from kafka_katas.stack.process import find_java

    try:
        find_java(MIN_JAVA)
    except StackError:
        return False
    return True
