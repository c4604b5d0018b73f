"""The pristine tree a grader trusts: a folder, or a commit of the learner's repository.

A git ref is exported with `git archive` into a temporary folder, so nothing
in the learner's working tree (edited, untracked or ignored files) leaks in,
and the learner's repository is left untouched (no worktree to clean up).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kafka_katas.kata.manifest import MANIFEST


class PristineError(ValueError):
    """The pristine tree cannot be had: no such folder or ref, or no info.toml in it."""


@contextmanager
def pristine_tree(spec: str, learner_root: Path) -> Iterator[Path]:
    """The pristine root named by `spec` (a folder, else a git ref of `learner_root`)."""
    folder = Path(spec).expanduser()
    if folder.is_dir():
        root = folder.resolve()
        if root == learner_root.resolve():
            raise PristineError(
                f"--pristine {spec} is the learner's copy itself: give the template checkout "
                "or the git ref the assignment started from"
            )
        _require_manifest(root, spec)
        yield root
        return
    commit, top, prefix = _resolve(spec, learner_root)
    with tempfile.TemporaryDirectory(prefix="kata-pristine-") as tmp:
        # From the top: in a subfolder, git archive would also filter by that folder.
        tree = f"{commit}:{prefix}" if prefix else commit
        archive = _git(top, "archive", "--format=tar", tree)
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
            tar.extractall(tmp, filter="data")
        root = Path(tmp)
        _require_manifest(root, spec)
        yield root


def _resolve(spec: str, learner_root: Path) -> tuple[str, Path, str]:
    """The commit `spec` names, the repository's top folder, and the learner root inside it."""
    try:
        commit = _git(learner_root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
        top = _git(learner_root, "rev-parse", "--show-toplevel")
        prefix = _git(learner_root, "rev-parse", "--show-prefix")
    except PristineError:
        raise PristineError(
            f"--pristine {spec!r} is neither a folder nor a git ref of {learner_root}"
        ) from None
    return commit.decode().strip(), Path(top.decode().strip()), prefix.decode().strip()


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise PristineError(f"git is not available: {exc}") from None
    if done.returncode != 0:
        raise PristineError(f"git {args[0]} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout


def _require_manifest(root: Path, spec: str) -> None:
    if not (root / MANIFEST).is_file():
        raise PristineError(f"the pristine tree {spec!r} has no {MANIFEST} at its top")
