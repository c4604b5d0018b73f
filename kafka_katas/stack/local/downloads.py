"""Fetch the broker jars and the registry archive from Maven Central, once per user.

Maven does the fetching (it honours the user's mirrors and proxies in
~/.m2/settings.xml); this module only decides where results live and makes
the cache safe against half-finished downloads and concurrent test runs.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from kafka_katas.stack.base import StackError
from kafka_katas.stack.parts import APICURIO_VERSION, KAFKA_VERSION, cache_dir

_COMPLETE = ".complete"


def kafka_libs(version: str = KAFKA_VERSION) -> Path:
    """The folder holding every jar of a Kafka broker and its CLI tools."""
    return _cached(f"kafka-{version}", lambda staging: _gather_kafka(version, staging)) / "libs"


def apicurio_app(version: str = APICURIO_VERSION) -> Path:
    """The unpacked Apicurio Registry application (holds its *-runner.jar)."""
    return _cached(f"apicurio-{version}", lambda staging: _gather_apicurio(version, staging))


def apicurio_runner_jar(app_dir: Path) -> Path:
    """The jar to start with `java -jar` in an unpacked Apicurio archive."""
    jars = sorted(app_dir.glob("*-runner.jar")) or sorted(app_dir.glob("quarkus-run.jar"))
    if not jars:
        raise StackError(f"no runner jar in {app_dir}; delete that folder to download it again")
    return jars[0]


def _cached(name: str, gather: Callable[[Path], None]) -> Path:
    target = cache_dir() / name
    if (target / _COMPLETE).exists():
        return target
    with locked(cache_dir() / f"{name}.lock"):
        if (target / _COMPLETE).exists():  # another run finished it while we waited
            return target
        staging = target.with_name(f"{name}.partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        gather(staging)
        (staging / _COMPLETE).touch()
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    return target


@contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (one writer across test runs)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _mvn(args: list[str], what: str) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError(
            f"Maven (`mvn`) is needed once to download {what} from Maven Central into "
            f"{cache_dir()}. Install it (e.g. `apt-get install maven`, `brew install maven`), "
            "or use another backend: KATA_BACKEND=containers with Docker, or "
            "KAFKA_BOOTSTRAP_SERVERS for an existing cluster."
        )
    result = subprocess.run(
        [mvn, "-B", "-q", *args], capture_output=True, text=True, check=False, timeout=900
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-25:])
        raise StackError(f"Maven could not download {what}:\n{tail}")


def _gather_kafka(version: str, staging: Path) -> None:
    pom = resources.files("kafka_katas.stack.local") / "kafka-jars.xml"
    with resources.as_file(pom) as pom_path:
        _mvn(
            [
                "-f",
                str(pom_path),
                f"-Dkafka.version={version}",
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={staging / 'libs'}",
            ],
            f"Apache Kafka {version}",
        )


def _gather_apicurio(version: str, staging: Path) -> None:
    download = staging / "download"
    _mvn(
        [
            "dependency:copy",
            f"-Dartifact=io.apicurio:apicurio-registry-app:{version}:tar.gz:all",
            f"-DoutputDirectory={download}",
        ],
        f"Apicurio Registry {version}",
    )
    for archive in download.glob("*.tar.gz"):
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")
    shutil.rmtree(download)
