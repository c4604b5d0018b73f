"""Local images, built with no registry pull: a Debian+Java base, Kafka, Apicurio Registry.

The base comes from debootstrap (Debian's own packages); Kafka's image holds
the same Maven Central jars as the local backend in the Apache layout
(/opt/kafka/bin, /opt/kafka/libs, /opt/kafka/config); the registry image holds
the Apicurio archive the official image is built from. Each image carries the
hash of its inputs in a label and is rebuilt only when that hash changes.
Names start with localhost/kafka-katas/ so they never pose as official images.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kafka_katas.stack.cli_tools import MAIN_CLASSES
from kafka_katas.stack.local import downloads
from kafka_katas.stack.parts import APICURIO_VERSION, KAFKA_VERSION, MIN_JAVA, cache_dir

PREFIX = "localhost/kafka-katas"
INPUTS_LABEL = "io.github.kafka-katas.inputs"
DEBIAN_SUITE = "bookworm"
JAVA_PACKAGE = f"openjdk-{MIN_JAVA}-jre-headless"
BASE_IMAGE = f"{PREFIX}/debian-java:{DEBIAN_SUITE}-{MIN_JAVA}"
KAFKA_IMAGE = f"{PREFIX}/kafka:{KAFKA_VERSION}"
REGISTRY_IMAGE = f"{PREFIX}/apicurio-registry:{APICURIO_VERSION}"
#: Files and folders no container here reads: dropping them halves the import time.
TRIM = ("usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale", "var/cache/apt")


class BuildError(RuntimeError):
    """An image could not be built; the message holds the failing step's output."""


@dataclass(frozen=True)
class Built:
    """What `ensure_image` did for one image, for the user and the timings."""

    image: str
    rebuilt: bool
    seconds: float

    def __str__(self) -> str:
        verb = "built" if self.rebuilt else "up to date"
        return f"{self.image}: {verb} ({self.seconds:.1f} s)"


def ensure_all() -> list[Built]:
    """Base, then Kafka and the registry on top of it."""
    base = ensure_image(BASE_IMAGE, _base_inputs(), _build_base)
    base_id = image_id(BASE_IMAGE)
    kafka_ctx = _kafka_context_files()
    kafka = ensure_image(
        KAFKA_IMAGE,
        {"base": base_id, **_fingerprint(kafka_ctx)},
        lambda name, digest: _build_from_context(name, digest, kafka_ctx, _kafka_containerfile()),
    )
    registry_ctx = _registry_context_files()
    registry = ensure_image(
        REGISTRY_IMAGE,
        {"base": base_id, **_fingerprint(registry_ctx)},
        lambda name, digest: _build_from_context(
            name, digest, registry_ctx, _registry_containerfile(registry_ctx)
        ),
    )
    return [base, kafka, registry]


def ensure_image(name: str, inputs: dict[str, str], build: Callable[[str, str], None]) -> Built:
    """Build `name` unless its label already holds the hash of `inputs`."""
    started = time.monotonic()
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]
    labels = image_labels(name)
    if labels.get(INPUTS_LABEL) == digest:
        return Built(name, False, time.monotonic() - started)
    previous = image_id(name) if labels else None
    build(name, digest)
    if previous and previous != image_id(name):
        # The old build lost its name: remove it unless a container still uses it.
        podman(["rmi", previous], check=False)
    return Built(name, True, time.monotonic() - started)


def image_labels(name: str) -> dict[str, str]:
    """The image's labels; empty when it does not exist."""
    result = podman(["image", "inspect", name], check=False)
    if result.returncode != 0:
        return {}
    info = json.loads(result.stdout)
    return dict(info[0].get("Labels") or {}) if info else {}


def image_id(name: str) -> str:
    return podman(["image", "inspect", "--format", "{{.Id}}", name]).stdout.strip()


def _base_inputs() -> dict[str, str]:
    return {
        "suite": DEBIAN_SUITE,
        "variant": "minbase",
        "include": JAVA_PACKAGE,
        "mirror": os.environ.get("KATA_DEBIAN_MIRROR", ""),
        "trim": ",".join(TRIM),
    }


def _build_base(name: str, digest: str) -> None:
    """debootstrap a minimal Debian with Java, trim it, import it as one layer."""
    debs = cache_dir() / "debootstrap" / DEBIAN_SUITE
    debs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kata-rootfs-", dir="/var/tmp") as tmp:
        rootfs = Path(tmp) / "rootfs"
        mirror = os.environ.get("KATA_DEBIAN_MIRROR")
        _run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={JAVA_PACKAGE}",
                f"--cache-dir={debs}",
                DEBIAN_SUITE,
                str(rootfs),
                *([mirror] if mirror else []),
            ],
            "debootstrap",
        )
        for part in TRIM:
            shutil.rmtree(rootfs / part, ignore_errors=True)
        for lists in (rootfs / "var/lib/apt/lists").glob("*_*"):
            lists.unlink()
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        try:
            podman(
                [
                    "import",
                    "--change",
                    f"LABEL {INPUTS_LABEL}={digest}",
                    "--change",
                    f"ENV JAVA_HOME=/usr/lib/jvm/java-{MIN_JAVA}-openjdk-amd64",
                    "--change",
                    'CMD ["/bin/sh"]',
                    "-",
                    name,
                ],
                stdin=tar.stdout,
            )
        finally:
            if tar.stdout is not None:
                tar.stdout.close()
            tar.wait()


def _image_file(name: str) -> Path:
    resource = resources.files("kafka_katas.engine") / "image" / name
    return Path(str(resource))


def _kafka_context_files() -> dict[str, Path]:
    """Build-context path -> source file: jars, generated tool scripts, configs."""
    files = {f"libs/{jar.name}": jar for jar in sorted(downloads.kafka_libs().glob("*.jar"))}
    for script in ("kafka-run-class.sh", "kafka-server-start.sh"):
        files[f"bin/{script}"] = _image_file(script)
    files["docker/run"] = _image_file("kafka-docker-run.sh")
    for config in ("log4j2.properties", "tools-log4j2.properties"):
        files[f"config/{config}"] = _image_file(config)
    return files


def tool_script(main_class: str) -> str:
    """The text of /opt/kafka/bin/<tool>.sh: one main class run by kafka-run-class.sh."""
    return f'#!/bin/sh\nexec "$(dirname "$0")/kafka-run-class.sh" {main_class} "$@"\n'


def _kafka_containerfile() -> str:
    return "\n".join(
        [
            f"FROM {BASE_IMAGE}",
            "COPY libs /opt/kafka/libs",
            "COPY config /opt/kafka/config",
            "COPY bin /opt/kafka/bin",
            "COPY docker/run /etc/kafka/docker/run",
            "ENV PATH=/opt/kafka/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "WORKDIR /opt/kafka",
            "EXPOSE 9092",
            'CMD ["/etc/kafka/docker/run"]',
            "",
        ]
    )


def _registry_context_files() -> dict[str, Path]:
    app = downloads.apicurio_app()
    return {
        f"app/{path.relative_to(app)}": path
        for path in sorted(app.rglob("*"))
        if path.is_file() and path.name != ".complete"
    }


def _registry_containerfile(files: dict[str, Path]) -> str:
    runner = next(name for name in files if name.count("/") == 1 and name.endswith("-runner.jar"))
    jar = f"/opt/apicurio/{runner.removeprefix('app/')}"
    return "\n".join(
        [
            f"FROM {BASE_IMAGE}",
            "COPY app /opt/apicurio",
            'ENV JAVA_OPTS="-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"',
            "WORKDIR /opt/apicurio",
            "EXPOSE 8080",
            f'CMD ["/bin/sh", "-c", "exec java $JAVA_OPTS -jar {jar}"]',
            "",
        ]
    )


def _fingerprint(files: dict[str, Path]) -> dict[str, str]:
    """Inputs of a context build: each file's size and mtime (contents of the small ones)."""
    prints: dict[str, str] = {}
    for name, path in files.items():
        stat = path.stat()
        if stat.st_size < 64 * 1024:
            prints[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            prints[name] = f"{stat.st_size}:{int(stat.st_mtime)}"
    return prints


def _build_from_context(name: str, digest: str, files: dict[str, Path], containerfile: str) -> None:
    """Hard-link the inputs into a context folder and `podman build` it, never pulling."""
    with tempfile.TemporaryDirectory(prefix="kata-image-", dir="/var/tmp") as tmp:
        context = Path(tmp)
        for rel, source in files.items():
            target = context / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        if name == KAFKA_IMAGE:
            for tool, main_class in MAIN_CLASSES.items():
                (context / "bin" / f"{tool}.sh").write_text(tool_script(main_class))
            for script in (context / "bin").iterdir():
                script.chmod(0o755)
            (context / "docker" / "run").chmod(0o755)
        (context / "Containerfile").write_text(containerfile)
        podman(
            [
                "build",
                "--pull=never",
                "--layers=false",
                "--label",
                f"{INPUTS_LABEL}={digest}",
                "-t",
                name,
                "-f",
                str(context / "Containerfile"),
                str(context),
            ]
        )


def podman(
    args: list[str], *, check: bool = True, stdin: object = None
) -> subprocess.CompletedProcess[str]:
    """Run the podman CLI; with `check`, a failure raises BuildError with its output."""
    return _run(["podman", *args], f"podman {args[0]}", check=check, stdin=stdin)


def _run(
    argv: list[str], what: str, *, check: bool = True, stdin: object = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        argv,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-20:])
        raise BuildError(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result
