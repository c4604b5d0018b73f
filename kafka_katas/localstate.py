"""<root>/.kata/: what the `kata` command keeps for one checkout.

Only progress.json (the hints shown) belongs in a learner's commits, where
grading in CI reads it; everything else (last results, a running stack's
state and logs) is local. The folder's own .gitignore says so, even in copies
without the course's .gitignore.
"""

from __future__ import annotations

from pathlib import Path

STATE_DIR = ".kata"


def state_dir(root: Path) -> Path:
    """<root>/.kata, created on first use."""
    folder = root / STATE_DIR
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".gitignore").write_text("*\n!progress.json\n")
    return folder
