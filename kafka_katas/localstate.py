"""<root>/.kata/: what the `kata` command keeps for one checkout (progress, a running stack).

It ignores itself in git, so it never shows up in a learner's `git status`
or commits, even in copies without the course's .gitignore.
"""

from __future__ import annotations

from pathlib import Path

STATE_DIR = ".kata"


def state_dir(root: Path) -> Path:
    """<root>/.kata, created on first use."""
    folder = root / STATE_DIR
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".gitignore").write_text("*\n")
    return folder
