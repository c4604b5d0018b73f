"""Container stack ready vs local backend ready, measured in one run on one machine.

    DOCKER_HOST=... KATA_KAFKA_IMAGE=... KATA_REGISTRY_IMAGE=... python bench/ready_times.py

Each backend is started `--runs` times (alternating, so both see the same
machine load); prints broker-ready and registry-ready times, median of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import time

from kafka_katas.stack import open_stack


def time_backend(backend: str) -> tuple[float, float]:
    """Seconds to a broker answering metadata, then to a registry answering /subjects."""
    stack = open_stack(backend)
    try:
        started = time.monotonic()
        stack.start()
        broker = time.monotonic() - started
        started = time.monotonic()
        stack.schema_registry_config()
        return broker, time.monotonic() - started
    finally:
        stack.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--backends", nargs="+", default=["containers", "local"])
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {b: [] for b in args.backends}
    for _ in range(args.runs):
        for backend in args.backends:
            times[backend].append(time_backend(backend))
    for backend, runs in times.items():
        broker = statistics.median(r[0] for r in runs)
        registry = statistics.median(r[1] for r in runs)
        detail = ", ".join(f"{b:.1f}/{r:.1f}" for b, r in runs)
        print(
            f"ready times: {backend:<10} broker {broker:5.1f} s, registry {registry:5.1f} s "
            f"(median of {len(runs)}; runs broker/registry: {detail})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
