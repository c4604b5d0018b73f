"""Save-to-result time of `kata watch` with a warm stack: a script, not a timed test.

Makes a learner copy of this repository, starts `kata watch KATA` in it (which
starts a stack for its lifetime and keeps it warm), then saves the kata file
again and again, cycling through three versions, and times each save until
watch prints the result line:

- placeholder: the shipped kata (every test stops at todo(), "not solved yet");
- wrong: a known-wrong answer from tests/wrong_answers (real assertion failures);
- solved: the reference solution (every test runs to the end and passes).

    python bench/watch_latency.py                       # ordering_by_key, 3 rounds
    python bench/watch_latency.py --kata ID --rounds 5

Reports the result symbol seen (✘ wrong, ✔ solved, … placeholder), median, min
and max per version, and pytest's own share (the time watch prints next to each
result) so the overhead of watch itself is visible.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kafka_katas.kata import answers
from kafka_katas.kata.manifest import load

ROOT = Path(__file__).resolve().parents[1]
RESULT = re.compile(r"^(✔|…|✘|!|⏱|⚠) .*\((?P<seconds>[\d.]+) s\)")
FIRST_RESULT_TIMEOUT = 180.0
RESULT_TIMEOUT = 120.0


def learner_copy(target: Path) -> Path:
    for name in ("katas", "solutions"):
        shutil.copytree(ROOT / name, target / name)
    for name in ("info.toml", "conftest.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, target / name)
    return target


def versions(kata_id: str) -> dict[str, str]:
    manifest = load(ROOT)
    kata = manifest.kata(kata_id)
    pristine = kata.kata_file(ROOT).read_text()
    solution = kata.solution_file(ROOT).read_text()
    out = {}  # the copy starts as the placeholder: each save must change the file
    wrong = sorted((ROOT / "tests" / "wrong_answers" / kata_id).glob("*.py"))
    if wrong:
        out["wrong"] = answers.transplant(solution, answers.parse(wrong[0].read_text()).answers)
    return {**out, "solved": solution, "placeholder": pristine}


def reader(stream: object, lines: queue.Queue[tuple[float, str]]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put((time.monotonic(), line.rstrip("\n")))
    lines.put((time.monotonic(), ""))


def next_result(lines: queue.Queue[tuple[float, str]], timeout: float) -> tuple[float, float, str]:
    """(arrival time, pytest's seconds, status symbol) of the next result line watch prints."""
    deadline = time.monotonic() + timeout
    while True:
        arrived, line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        match = RESULT.match(line)
        if match:
            return arrived, float(match["seconds"]), match[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kata", default="ordering_by_key")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = versions(args.kata)
    with tempfile.TemporaryDirectory(prefix="kata-watch-bench-") as tmp:
        copy = learner_copy(Path(tmp))
        kata_file = load(copy).kata(args.kata).kata_file(copy)
        watch = subprocess.Popen(
            [sys.executable, "-m", "kafka_katas.learner.cli", "watch", args.kata],
            cwd=copy,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=reader, args=(watch.stdout, lines), daemon=True).start()
        try:
            started = time.monotonic()
            arrived, _, _ = next_result(lines, FIRST_RESULT_TIMEOUT)
            print(f"first result (stack start included): {arrived - started:.2f} s")
            samples: dict[str, list[tuple[float, float, str]]] = {name: [] for name in texts}
            for _ in range(args.rounds):
                for name, text in texts.items():
                    saved = time.monotonic()
                    kata_file.write_text(text)
                    arrived, pytest_seconds, status = next_result(lines, RESULT_TIMEOUT)
                    samples[name].append((arrived - saved, pytest_seconds, status))
        finally:
            watch.send_signal(signal.SIGINT)  # watch stops the stack it started
            watch.wait(timeout=60)
    print(f"save-to-result, warm stack, kata {args.kata}, {args.rounds} rounds:")
    for name, values in samples.items():
        totals = [total for total, _, _ in values]
        inner = statistics.median(p for _, p, _ in values)
        statuses = "".join(sorted({status for _, _, status in values}))
        print(
            f"  {name:<12} {statuses} median {statistics.median(totals):.2f} s "
            f"(min {min(totals):.2f}, max {max(totals):.2f}; pytest run {inner:.2f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
