"""`kata dev engine up|down|env`: a local Docker-API engine (podman) with locally built images.

For machines without Docker (CI here): `up` installs podman on Debian, writes
the settings it needs, serves the Docker API on a socket of its own and builds
the Kafka and registry images without pulling anything; `down` removes what
the suite started and stops the service. Both are safe to repeat.
"""

from kafka_katas.engine.cli import main

__all__ = ["main"]
