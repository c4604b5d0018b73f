"""Command line of `kata dev engine`: each step's result on one line, exports last."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from kafka_katas.engine import api_socket, config, images, install
from kafka_katas.wait import WaitTimeout, wait_until

USAGE = """usage: kata dev engine up|down|status|env

  up      install podman (Debian), configure it, serve the Docker API, build local images
  down    remove the suite's leftover containers and stop the Docker API service
  status  whether the Docker API answers, and which local images exist
  env     print the shell exports that select this engine and its images
"""
#: Labels that mark containers this project starts (test sessions, the compose stack).
#: A monitor outlives its container by the `exit_command_delay` of config.py, plus margin.
MONITOR_TIMEOUT = 30.0
OWN_LABELS = ("io.github.kafka-katas.session", "com.docker.compose.project=kafka-katas")


def exports() -> dict[str, str]:
    """What a shell (or CI) sets to run the containers backend on this engine."""
    return {
        "DOCKER_HOST": api_socket.docker_host(),
        "KATA_KAFKA_IMAGE": images.KAFKA_IMAGE,
        "KATA_REGISTRY_IMAGE": images.REGISTRY_IMAGE,
        "TESTCONTAINERS_RYUK_DISABLED": "true",
    }


def up() -> int:
    started = time.monotonic()
    print(f"engine: {install.ensure()}")
    settings_change = bool(config.missing_settings())
    print(f"engine: {config.ensure()}")
    if settings_change:  # a running service keeps the settings it started with
        print(f"engine: {api_socket.stop()}")
    print(f"engine: {api_socket.start()}")
    for built in images.ensure_all():
        print(f"engine: image {built}")
    print(f"engine: up in {time.monotonic() - started:.1f} s; use it with:")
    for key, value in exports().items():
        print(f"export {key}={value}")
    return 0


def down() -> int:
    if shutil.which("podman"):  # the podman CLI works whether or not the service runs
        for line in remove_own_containers():
            print(f"engine: removed {line}")
        for name in running_containers():
            print(f"engine: warning: container {name} (not started by kafka-katas) still runs")
    print(f"engine: {api_socket.stop()}")
    try:
        wait_until(
            lambda: not monitors(),
            timeout=MONITOR_TIMEOUT,
            describe=lambda _: f"container monitors still running: pids {monitors()}",
        )
    except WaitTimeout as exc:
        print(f"engine: warning: {exc}", file=sys.stderr)
        return 1
    return 0


def monitors() -> list[int]:
    """Pids of podman's per-container monitors (conmon): none once every container is gone."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "conmon":
                pids.append(int(comm.parent.name))
        except OSError:
            continue  # the process ended while we looked
    return pids


def status() -> int:
    """0 when the service answers and every local image exists, else 1."""
    serving = api_socket.answers()
    print(f"engine: Docker API at {api_socket.docker_host()}: {'up' if serving else 'down'}")
    present = True
    for image in (images.BASE_IMAGE, images.KAFKA_IMAGE, images.REGISTRY_IMAGE):
        labels = images.image_labels(image) if shutil.which("podman") else {}
        present = present and bool(labels)
        built = labels.get(images.INPUTS_LABEL)
        print(f"engine: image {image}: {f'built (inputs {built})' if built else 'missing'}")
    return 0 if serving and present else 1


def remove_own_containers() -> list[str]:
    """Remove containers, then networks, carrying this project's labels."""
    removed: list[str] = []
    for label in OWN_LABELS:
        for name in _podman_names(["ps", "-a"], label):
            images.podman(["rm", "-f", "-v", name])
            removed.append(f"container {name}")
        for name in _podman_names(["network", "ls"], label):
            images.podman(["network", "rm", "-f", name])
            removed.append(f"network {name}")
    return removed


def running_containers() -> list[str]:
    return _podman_names(["ps"])


def _podman_names(listing: list[str], label: str | None = None) -> list[str]:
    """Names from `podman ps` or `podman network ls`, optionally only those with `label`."""
    field = "{{.Names}}" if listing[0] == "ps" else "{{.Name}}"
    selector = ["--filter", f"label={label}"] if label else []
    return images.podman([*listing, *selector, "--format", field], check=False).stdout.split()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    try:
        if command == "up":
            return up()
        if command == "down":
            return down()
        if command == "status":
            return status()
        if command == "env":
            for key, value in exports().items():
                print(f"export {key}={value}")
            return 0
    except (RuntimeError, install.InstallError, images.BuildError) as exc:
        print(f"engine: {exc}", file=sys.stderr)
        return 1
    print(USAGE, file=sys.stderr, end="")
    return 2
