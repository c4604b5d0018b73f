"""What the `kata` command remembers about a learner, under <root>/.kata/.

- progress.json: the hints shown, ``{"version": 1, "hints": {"ordering_by_key": 2}}``.
  It is meant to be committed with the answers, so grading in CI can report
  the hints a learner asked for (read through `hints_used`).
- last_run.json: each kata's last result with the hash of the file that
  produced it, ``{"version": 1, "runs": {id: {"status", "sha256", "at",
  "message"}}}``. Local only (git-ignored): it saves re-running solved katas
  to find the current one, nothing more.

Both are plain JSON a learner can read and delete. Neither is trusted:
`kata verify` and grading re-run everything.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kafka_katas.localstate import STATE_DIR, state_dir

PROGRESS_FILE = "progress.json"
LAST_RUN_FILE = "last_run.json"
VERSION = 1


def progress_path(root: Path) -> Path:
    return root / STATE_DIR / PROGRESS_FILE


def load(root: Path, name: str = PROGRESS_FILE) -> dict[str, Any]:
    """A stored file; an unreadable or foreign one counts as empty, not as an error."""
    key = "hints" if name == PROGRESS_FILE else "runs"
    try:
        data = json.loads((root / STATE_DIR / name).read_text())
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        data = {}
    data["version"] = VERSION
    if not isinstance(data.get(key), dict):
        data[key] = {}
    return data


def save(root: Path, data: dict[str, Any], name: str = PROGRESS_FILE) -> None:
    """Write atomically: a watch loop and a second terminal may both write."""
    path = state_dir(root) / name
    fd, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=path.parent)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2, sort_keys=True)
        out.write("\n")
    os.replace(tmp, path)


def hints_used(root: Path) -> dict[str, int]:
    """Kata id -> the highest hint level shown (1-based); katas without hints are absent."""
    return {
        str(kata): int(level)
        for kata, level in load(root)["hints"].items()
        if isinstance(level, int) and level > 0
    }


def record_hint(root: Path, kata_id: str, level: int) -> None:
    data = load(root)
    data["hints"][kata_id] = max(level, int(data["hints"].get(kata_id, 0)))
    save(root, data)


def file_digest(path: Path) -> str | None:
    """The kata file's content hash: a recorded result holds only while the file is unchanged."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True)
class RecordedRun:
    status: str
    at: str
    message: str | None
    current: bool  # the file is unchanged since this result was recorded


def record_runs(
    root: Path, results: dict[str, tuple[str, str | None]], files: dict[str, Path]
) -> None:
    """Store each kata's status (and first message) with the hash of the file that produced it."""
    data = load(root, LAST_RUN_FILE)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for kata_id, (status, message) in results.items():
        data["runs"][kata_id] = {
            "status": status,
            "message": message,
            "sha256": file_digest(files[kata_id]),
            "at": now,
        }
    save(root, data, LAST_RUN_FILE)


def forget_runs(root: Path, kata_ids: list[str]) -> None:
    data = load(root, LAST_RUN_FILE)
    for kata_id in kata_ids:
        data["runs"].pop(kata_id, None)
    save(root, data, LAST_RUN_FILE)


def recorded_runs(root: Path, files: dict[str, Path]) -> dict[str, RecordedRun]:
    """Last recorded results, each marked current only if its kata file is unchanged."""
    out: dict[str, RecordedRun] = {}
    for kata_id, entry in load(root, LAST_RUN_FILE)["runs"].items():
        if not isinstance(entry, dict) or kata_id not in files:
            continue
        out[kata_id] = RecordedRun(
            status=str(entry.get("status")),
            at=str(entry.get("at", "")),
            message=entry.get("message"),
            current=entry.get("sha256") is not None
            and entry.get("sha256") == file_digest(files[kata_id]),
        )
    return out
