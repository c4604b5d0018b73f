"""info.toml: the one list of katas, in learning order.

Like rustlings' info.toml, it holds what is not code: each kata's place in the
course, the seed section it teaches, its hints, points, time limit and what
infrastructure it needs. `kata dev check` keeps it and the files in step.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "info.toml"
KATAS_DIR = "katas"
SOLUTIONS_DIR = "solutions"
NEEDS = frozenset({"kafka", "registry", "cluster"})


class ManifestError(ValueError):
    """info.toml is malformed or disagrees with itself."""


@dataclass(frozen=True)
class Module:
    id: str
    title: str


@dataclass(frozen=True)
class Kata:
    id: str
    order: int
    module: str
    title: str
    seed: str
    path: str  # relative to katas/ and solutions/
    hints: tuple[str, ...]
    points: int
    timeout: int
    needs: frozenset[str]

    def kata_file(self, root: Path) -> Path:
        return root / KATAS_DIR / self.path

    def solution_file(self, root: Path) -> Path:
        return root / SOLUTIONS_DIR / self.path


@dataclass(frozen=True)
class Manifest:
    root: Path
    modules: dict[str, Module]
    katas: tuple[Kata, ...]  # in learning order

    def kata(self, kata_id: str) -> Kata:
        for kata in self.katas:
            if kata.id == kata_id:
                return kata
        known = ", ".join(k.id for k in self.katas)
        raise ManifestError(f"no kata {kata_id!r}; known: {known}")

    def by_path(self, relative: str) -> Kata | None:
        """The kata whose file is `relative` (to katas/ or solutions/), if any."""
        return next((k for k in self.katas if k.path == relative), None)

    @property
    def max_score(self) -> int:
        return sum(k.points for k in self.katas)


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` holding info.toml."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MANIFEST).is_file():
            return folder
    raise ManifestError(f"no {MANIFEST} in {here} or above: run this inside a kafka-katas checkout")


def load(root: Path | None = None) -> Manifest:
    root = find_root() if root is None else root
    try:
        data = tomllib.loads((root / MANIFEST).read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{root / MANIFEST}: {exc}") from None
    modules = {
        key: Module(key, str(value["title"])) for key, value in data.get("modules", {}).items()
    }
    katas = tuple(
        sorted((_kata(entry, modules) for entry in data.get("kata", [])), key=lambda k: k.order)
    )
    _check_unique(katas)
    return Manifest(root, modules, katas)


def _kata(entry: dict[str, object], modules: dict[str, Module]) -> Kata:
    where = f"[[kata]] {entry.get('id', '?')!r}"
    missing = {
        "id",
        "order",
        "module",
        "title",
        "seed",
        "path",
        "hints",
        "points",
        "timeout",
        "needs",
    } - entry.keys()
    if missing:
        raise ManifestError(f"{where}: missing {', '.join(sorted(missing))}")
    hints = tuple(str(h) for h in entry["hints"])  # type: ignore[attr-defined]
    needs = frozenset(str(n) for n in entry["needs"])  # type: ignore[attr-defined]
    if len(hints) < 2:
        raise ManifestError(f"{where}: needs at least two progressive hints")
    if not needs <= NEEDS:
        raise ManifestError(f"{where}: unknown needs {sorted(needs - NEEDS)}")
    if entry["module"] not in modules:
        raise ManifestError(f"{where}: module {entry['module']!r} has no [modules] entry")
    return Kata(
        id=str(entry["id"]),
        order=int(entry["order"]),  # type: ignore[call-overload]
        module=str(entry["module"]),
        title=str(entry["title"]),
        seed=str(entry["seed"]),
        path=str(entry["path"]),
        hints=hints,
        points=int(entry["points"]),  # type: ignore[call-overload]
        timeout=int(entry["timeout"]),  # type: ignore[call-overload]
        needs=needs,
    )


def _check_unique(katas: tuple[Kata, ...]) -> None:
    for field in ("id", "order", "path"):
        values = [getattr(k, field) for k in katas]
        duplicates = sorted({str(v) for v in values if values.count(v) > 1})
        if duplicates:
            raise ManifestError(f"duplicate kata {field}: {', '.join(duplicates)}")
