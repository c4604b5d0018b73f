"""Benchmark the local stack and the kata run: a script, not a timed test.

Prints, for a cold cache (downloads included) and a warm one:
time to a ready broker, time to a ready registry, `pytest solutions` wall
time, median time per kata, and peak memory (VmHWM) of the stack's JVMs.

    python bench/bench.py            # warm figures (3 broker starts)
    python bench/bench.py --cold     # also a first run with empty caches

The cold run uses a fresh kata cache and a fresh Maven repository, so it
downloads every jar and the registry archive from Maven Central again.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kafka_katas.stack.local.stack import LocalStack

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory of a live process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def time_stack(registry: bool) -> tuple[LocalStack, float, float]:
    stack = LocalStack()
    started = time.monotonic()
    stack.start()
    broker = time.monotonic() - started
    registry_s = float("nan")
    if registry:
        started = time.monotonic()
        stack.schema_registry_config()
        registry_s = time.monotonic() - started
    return stack, broker, registry_s


def run_solutions(env: dict[str, str], results: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "solutions",
            "-q",
            f"--kata-results={results}",
            f"--junitxml={results.with_suffix('.xml')}",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.monotonic() - started


def per_kata_seconds(junit: Path) -> dict[str, float]:
    import xml.etree.ElementTree as ET

    times: dict[str, float] = {}
    for case in ET.parse(junit).iter("testcase"):
        kata = case.get("classname", "").split(".")[-1]
        times[kata] = times.get(kata, 0.0) + float(case.get("time", 0))
    return times


def warm(repeats: int) -> dict[str, object]:
    starts = []
    for _ in range(repeats):
        stack, broker, _ = time_stack(registry=False)
        stack.stop()
        starts.append(broker)
    stack, broker, registry = time_stack(registry=True)
    starts.append(broker)
    try:
        endpoint = stack.start()
        env = {
            **os.environ,
            "KATA_BACKEND": "external",
            "KAFKA_BOOTSTRAP_SERVERS": endpoint.bootstrap_servers,
            "SCHEMA_REGISTRY_URL": stack.schema_registry_config()["url"],
        }
        with tempfile.TemporaryDirectory() as tmp:
            shared_wall = run_solutions(env, Path(tmp) / "results.json")
            katas = per_kata_seconds(Path(tmp) / "results.xml")
        assert stack.registry is not None
        assert stack.registry.process is not None
        broker_pid = stack.kafka.nodes[0].process.pid  # type: ignore[union-attr]
        memory = {
            "broker": peak_rss_mib(broker_pid),
            "registry": peak_rss_mib(stack.registry.process.pid),
        }
    finally:
        stack.stop()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "KAFKA_BOOTSTRAP_SERVERS"}
        own_wall = run_solutions({**env, "KATA_BACKEND": "local"}, Path(tmp) / "results.json")
    return {
        "broker ready (s), median of starts": round(statistics.median(starts), 2),
        "broker ready (s), all starts": [round(s, 2) for s in starts],
        "registry ready (s)": round(registry, 2),
        "pytest solutions wall (s), own stack": round(own_wall, 1),
        "pytest solutions wall (s), stack already up": round(shared_wall, 1),
        "median per kata (s)": round(statistics.median(katas.values()), 2),
        "per kata (s)": {k: round(v, 2) for k, v in sorted(katas.items())},
        "peak memory (MiB)": {k: round(v) for k, v in memory.items()},
    }


def cold() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kata-bench-cold-") as tmp:
        os.environ["KATA_CACHE_DIR"] = str(Path(tmp) / "cache")
        os.environ["MAVEN_OPTS"] = f"-Dmaven.repo.local={Path(tmp) / 'm2'}"
        try:
            stack, broker, registry = time_stack(registry=True)
            stack.stop()
        finally:
            del os.environ["KATA_CACHE_DIR"], os.environ["MAVEN_OPTS"]
    return {
        "broker ready incl. downloads (s)": round(broker, 1),
        "registry ready incl. download (s)": round(registry, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cold", action="store_true", help="also measure a first run")
    parser.add_argument("--repeats", type=int, default=3, help="warm broker starts")
    args = parser.parse_args()
    figures: dict[str, object] = {"cpus": os.cpu_count()}
    if args.cold:
        figures["cold (first run, downloads)"] = cold()
    figures["warm (cached jars)"] = warm(args.repeats)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
