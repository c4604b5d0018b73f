"""Fixtures of the suite's own tests: throwaway copies of this repository."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HARNESS = ("conftest.py", "pyproject.toml")


def copy_repository(target: Path, kata_ids: list[str] | None = None) -> Path:
    """Copy the harness, info.toml and the chosen katas (all by default) into `target`.

    The copy's info.toml keeps only the chosen [[kata]] blocks, so a check run on
    it covers just those katas.
    """
    for name in HARNESS:
        shutil.copy2(ROOT / name, target / name)
    manifest = (ROOT / "info.toml").read_text()
    head, *blocks = re.split(r"(?m)^\[\[kata\]\]\n", manifest)
    kept = [b for b in blocks if kata_ids is None or _block_id(b) in kata_ids]
    (target / "info.toml").write_text(head + "".join(f"[[kata]]\n{b}" for b in kept))
    for block in kept:
        path = re.search(r'(?m)^path = "(.+)"$', block)
        assert path is not None
        for folder in ("katas", "solutions"):
            destination = target / folder / path[1]
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / folder / path[1], destination)
        kata_id = _block_id(block)
        wrong = ROOT / "tests" / "wrong_answers" / kata_id
        if wrong.is_dir():
            shutil.copytree(wrong, target / "tests" / "wrong_answers" / kata_id)
    return target


def _block_id(block: str) -> str:
    match = re.search(r'(?m)^id = "(.+)"$', block)
    assert match is not None
    return match[1]


@pytest.fixture
def repo_copy(tmp_path: Path) -> Callable[..., Path]:
    """``repo_copy(["ordering_by_key"])`` -> a trimmed copy of this repository."""
    (tmp_path / "repo").mkdir()
    return lambda kata_ids=None: copy_repository(tmp_path / "repo", kata_ids)
