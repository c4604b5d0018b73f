"""Staged runs: pytest over a throwaway tree, never over the working tree.

`kata dev check` and `kata grade` both lay out kata files in a temporary folder
next to the harness (conftest.py, pyproject.toml) of a trusted root, then run
one pytest there with the kata plugin writing results.json. Keeping the layout
(katas/<path>) means node ids and the plugin's kata lookup are the same as in
a learner's own runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

HARNESS = ("conftest.py", "pyproject.toml")

# Variables through which a run could be steered from outside its files.
_STEERING = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONPATH", "PYTHONSTARTUP")


def copy_harness(root: Path, target: Path, names: Sequence[str] = HARNESS) -> None:
    """Copy the files that configure a kata run (`names`, relative to `root`) into `target`."""
    for name in names:
        shutil.copy2(root / name, target / name)


def place(target: Path, relative: str, text: str) -> Path:
    """Write `text` at `target/relative`, creating folders."""
    path = target / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def pytest_command(
    paths: Sequence[str], *, kata_root: Path, results: Path, pytest_args: Sequence[str] = ()
) -> list[str]:
    """One pytest over `paths`; options in --opt=value form (the plugin loads from conftest)."""
    return [
        sys.executable,
        "-m",
        "pytest",
        *paths,
        f"--kata-root={kata_root}",
        f"--kata-results={results}",
        "-q",
        "--no-header",
        "-p",
        "no:cacheprovider",
        *pytest_args,
    ]


def isolated_env(package_root: Path | None = None) -> dict[str, str]:
    """This environment minus pytest/Python steering; `package_root` first on PYTHONPATH.

    With `package_root`, `kafka_katas` is imported from that tree, whatever
    is installed or lies in the current folder.
    """
    env = {k: v for k, v in os.environ.items() if k not in _STEERING}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if package_root is not None:
        env["PYTHONPATH"] = str(package_root)
    return env


def run(
    command: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a staged pytest and keep its output (for messages when it produced no results)."""
    return subprocess.run(
        list(command),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        capture_output=True,
        text=True,
        check=False,
    )
