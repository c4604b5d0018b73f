"""`kata doctor`: can this machine run the katas, and if not, what exactly to do.

Each section checks one thing the stack needs and ends in ✔ (fine),
! (works, but worth knowing) or ✘ (blocks the katas), with the fix next to
every ! and ✘. Nothing is started or downloaded: it only looks.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kafka_katas.kata.manifest import Manifest
from kafka_katas.learner import course
from kafka_katas.stack import persistent, process
from kafka_katas.stack.base import StackError
from kafka_katas.stack.parts import APICURIO_VERSION, KAFKA_VERSION, MIN_JAVA, cache_dir
from kafka_katas.stack.select import choose_backend, docker_api_answers

PACKAGES = ("pytest", "pytest-timeout", "confluent-kafka", "fastavro", "testcontainers")
WELL_KNOWN_PORTS = {
    9092: ("Kafka", "KAFKA_BOOTSTRAP_SERVERS=localhost:9092"),
    8081: ("Schema Registry", "SCHEMA_REGISTRY_URL=http://localhost:8081"),
}
MIN_FREE_BYTES = 1_000_000_000  # jars, the registry archive and broker data


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    problems: int = 0
    warnings: int = 0

    def ok(self, text: str) -> None:
        self.lines.append(f"  ✔ {text}")

    def note(self, text: str) -> None:
        self.lines.append(f"  · {text}")

    def warn(self, text: str, fix: str) -> None:
        self.warnings += 1
        self.lines.append(f"  ! {text}")
        self.lines.append(f"      → {fix}")

    def fail(self, text: str, fix: str) -> None:
        self.problems += 1
        self.lines.append(f"  ✘ {text}")
        self.lines.append(f"      → {fix}")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    commands.add_parser("doctor", help="check Java, Maven, Docker, ports and caches")


def main(manifest: Manifest | None, args: argparse.Namespace) -> int:
    print("kata doctor: what the katas need here, and what to do about anything missing.")
    checks: list[Callable[[], Section]] = [
        check_python,
        check_java,
        check_maven,
        check_docker,
        lambda: check_backend(manifest.root if manifest else Path.cwd()),
        check_ports,
        check_caches,
        lambda: check_course(manifest),
    ]
    sections = [check() for check in checks]
    for section in sections:
        print(f"\n{section.title}")
        print("\n".join(section.lines))
    problems = sum(s.problems for s in sections)
    warnings = sum(s.warnings for s in sections)
    print(f"\n{problems} problem(s), {warnings} warning(s).")
    return 1 if problems else 0


def check_python() -> Section:
    section = Section("Python")
    section.ok(f"Python {sys.version.split()[0]} ({sys.executable})")
    missing = []
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    if found:
        section.ok(", ".join(found))
    if missing:
        section.fail(
            f"missing packages: {', '.join(missing)}",
            f"pip install -e . (in the course folder), or pip install {' '.join(missing)}",
        )
    return section


def check_java() -> Section:
    section = Section("Java (the local backend runs Kafka and the registry as JVMs)")
    try:
        java, version = process.find_java(MIN_JAVA)
    except StackError as exc:
        section.warn(f"no Java {MIN_JAVA}+ found", str(exc))
        return section
    section.ok(f"Java {version} at {java}")
    return section


def check_maven() -> Section:
    section = Section("Maven (fetches the Kafka jars from Maven Central, once)")
    cached = _kafka_cached()
    mvn = shutil.which("mvn")
    if mvn is None:
        if cached:
            section.ok("not installed, and not needed: the Kafka jars are already cached")
        else:
            section.warn(
                "Maven (mvn) is not installed and the Kafka jars are not cached yet",
                "install Maven 3.6+ (`apt-get install maven`, `brew install maven`); "
                "it honours proxies and mirrors in ~/.m2/settings.xml",
            )
        return section
    version = _first_line([mvn, "-v"])
    section.ok(f"{version or 'mvn'} at {mvn}")
    return section


def check_docker() -> Section:
    section = Section("Docker API (the containers backend)")
    host = os.environ.get("DOCKER_HOST")
    if docker_api_answers():
        section.ok(f"a Docker API answers at {host or 'unix:///var/run/docker.sock'}")
    else:
        where = f"DOCKER_HOST={host}" if host else "/var/run/docker.sock"
        section.note(
            f"no Docker API answers ({where}): fine with Java; for containers start Docker, "
            "podman (`podman system service`) or colima and set DOCKER_HOST"
        )
    return section


def check_backend(root: Path) -> Section:
    section = Section("Backend (where Kafka runs for the katas)")
    chosen = os.environ.get("KATA_BACKEND")
    if chosen:
        section.note(f"KATA_BACKEND={chosen}")
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        section.note(f"KAFKA_BOOTSTRAP_SERVERS={os.environ['KAFKA_BOOTSTRAP_SERVERS']}")
    try:
        backend = choose_backend()
    except StackError as exc:
        section.fail("no backend can run here", str(exc).replace("\n", " "))
        return section
    section.ok(f"the {backend} backend will be used")
    state = persistent.alive(root)
    if state is not None:
        section.ok(f"a `kata up` stack is running (Kafka at {state.bootstrap}): runs reuse it")
    elif backend == "local":
        section.note("`kata up` keeps a stack running between runs (saves ~2-5 s per run)")
    return section


def check_ports() -> Section:
    section = Section("Ports (the local backend listens on free ports of 127.0.0.1)")
    try:
        port = process.free_port()
        section.ok(f"can listen on 127.0.0.1 (got port {port})")
    except OSError as exc:
        section.fail(
            f"cannot listen on 127.0.0.1: {exc}",
            "the local backend needs a loopback interface; check firewall/sandbox settings",
        )
        return section
    for port, (what, variable) in WELL_KNOWN_PORTS.items():
        if process.port_open("127.0.0.1", port):
            section.note(
                f"port {port} is in use (a {what}?): the katas do not need it; "
                f"to use that server, set {variable}"
            )
    try:
        socket.getaddrinfo("localhost", None)
    except OSError:
        section.warn("`localhost` does not resolve", "add `127.0.0.1 localhost` to /etc/hosts")
    return section


def check_caches() -> Section:
    folder = cache_dir()
    section = Section(f"Caches ({folder}; KATA_CACHE_DIR moves it)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".doctor-probe"
        probe.write_text("ok")
        probe.unlink()
        section.ok("writable")
    except OSError as exc:
        section.fail(f"not writable: {exc}", "set KATA_CACHE_DIR to a writable folder")
        return section
    free = shutil.disk_usage(folder).free
    if free < MIN_FREE_BYTES:
        section.warn(
            f"only {free // 1_000_000} MB free",
            "free about 1 GB: the jars, the registry and broker data need it",
        )
    if _kafka_cached():
        size = sum(p.stat().st_size for p in (folder / f"kafka-{KAFKA_VERSION}").rglob("*.jar"))
        section.ok(f"Kafka {KAFKA_VERSION} jars cached ({size // 1_000_000} MB)")
    else:
        section.note(f"Kafka {KAFKA_VERSION} jars not cached yet: the first run fetches them")
    if (folder / f"apicurio-{APICURIO_VERSION}" / ".complete").exists():
        section.ok(f"Apicurio Registry {APICURIO_VERSION} cached")
    else:
        section.note(
            f"Apicurio Registry {APICURIO_VERSION} not cached: the first registry kata "
            "fetches it (about 160 MB)"
        )
    for partial in sorted(folder.glob("*.partial")):
        section.warn(
            f"an interrupted download: {partial.name}",
            f"harmless (the next run retries); `rm -rf {partial}` frees its space",
        )
    return section


def check_course(manifest: Manifest | None) -> Section:
    section = Section("Course (info.toml and the kata files)")
    if manifest is None:
        section.fail(
            "no info.toml here or above",
            "run `kata` inside the course folder (the one holding info.toml)",
        )
        return section
    section.ok(f"{len(manifest.katas)} katas listed in {manifest.root / 'info.toml'}")
    for kata in manifest.katas:
        static = course.inspect(manifest, kata)
        if static.broken:
            section.warn(
                f"{kata.id}: {static.broken}",
                f"fix {course.relative(manifest, kata)}, or `kata reset {kata.id}`",
            )
    return section


def _kafka_cached() -> bool:
    return (cache_dir() / f"kafka-{KAFKA_VERSION}" / ".complete").exists()


def _first_line(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    text = done.stdout.strip().splitlines()
    return re.sub(r"\x1b\[[0-9;]*m", "", text[0]) if text else ""  # mvn colours its banner
