"""Versions of the parts the stack runs, and where downloads are cached.

One place to bump: the local backend, the container images built by
`kata dev engine` and the README all read these.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Apache Kafka, from Maven Central (org.apache.kafka:kafka_2.13) or the apache/kafka image.
KAFKA_VERSION = "4.4.0"
#: Apicurio Registry 3.0.x is the newest line whose server runs on Java 17
#: (3.3.x needs Java 21); it serves the Confluent-compatible API at /apis/ccompat/v7.
APICURIO_VERSION = "3.0.9"
#: The Java feature release both JVM parts need at least.
MIN_JAVA = 17


def cache_dir() -> Path:
    """Per-user cache for jars and archives: never inside the repository."""
    explicit = os.environ.get("KATA_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "kafka-katas"
