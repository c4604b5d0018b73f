"""The tamper report: what a learner changed besides answer parts.

Grading never runs these changes (it uses pristine files plus answer bodies),
so they cannot raise a score; the report is for the instructor, who should
know that tests were gutted or skipped. It lists files that differ from the
pristine tree outside answer parts, and added lines that skip or deselect
tests, wherever they are, answer parts included.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kafka_katas.kata import answers
from kafka_katas.kata.manifest import KATAS_DIR, MANIFEST, Manifest

ROOT_FILES = (MANIFEST, "conftest.py", "pyproject.toml", "pytest.ini", "tox.ini", "setup.cfg")
TREES = ("kafka_katas", KATAS_DIR)
_IGNORED_DIRS = {"__pycache__", ".pytest_cache"}
_IGNORED_SUFFIXES = (".pyc", ".pyo")

# Python that skips, expects failure, stops the session, or defines a test.
_PY_SUSPECT = re.compile(
    r"\bpytest\s*\.\s*(?:mark\s*\.\s*)?(?:skip|skipif|xfail|importorskip|exit)\b"
    r"|\bmark\s*\.\s*(?:skip|skipif|xfail)\b"
    r"|\bunittest\s*\.\s*(?:skip\w*|expectedFailure)\b"
    r"|(?<![\w.])(?:skip|xfail|importorskip)\s*\("
    r"|\bos\s*\.\s*_exit\b"
    r"|^\s*(?:async\s+)?def\s+test|^\s*class\s+Test"
)
# In answer parts also: reaching for the grader, the interpreter or other modules'
# globals, which no kata answer needs (answers run in the test process).
_ANSWER_SUSPECT = re.compile(
    r"\bkafka_katas\s*\.\s*(?:learner|kata)\b|\b_pytest\b|\bsys\s*\.\s*(?:modules|_getframe)\b"
    r"|\bbuiltins\b|\b__builtins__\b|\bglobals\s*\(|^\s*global\s|\batexit\b|\bctypes\b"
)
# Configuration that deselects, skips or unloads tests and plugins.
_CONFIG_SUSPECT = re.compile(r"--deselect|--ignore|(?<![\w-])-k\b|-p\s*no:|\bskip|\bxfail")


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the roots, POSIX
    change: str  # modified | added | missing | modified outside answer parts
    kata: str | None = None


@dataclass(frozen=True)
class Marker:
    path: str
    line: int  # in the learner's file
    code: str
    where: str  # "outside answer parts" or "answer part NAME"


@dataclass
class TamperReport:
    files: list[FileChange] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)

    @property
    def tampered(self) -> bool:
        return bool(self.files or self.markers)

    def to_json(self) -> dict[str, object]:
        return {
            "tampered": self.tampered,
            "files": [{k: v for k, v in asdict(f).items() if v is not None} for f in self.files],
            "markers": [asdict(m) for m in self.markers],
        }

    def summary(self) -> str:
        if not self.tampered:
            return "no tampering found"
        return (
            f"tampering: {len(self.files)} file(s) differ from pristine outside answer parts, "
            f"{len(self.markers)} added line(s) that skip tests or could steer the grader"
        )


def inspect(pristine: Path, learner: Path, manifest: Manifest) -> TamperReport:
    """Compare the learner's copy with the pristine tree (`manifest` is the pristine one)."""
    report = TamperReport()
    kata_files = {f"{KATAS_DIR}/{k.path}": k.id for k in manifest.katas}
    for relative in sorted(_candidates(pristine, learner)):
        old, new = pristine / relative, learner / relative
        if not new.is_file():
            report.files.append(FileChange(relative, "missing", kata_files.get(relative)))
            continue
        new_bytes = new.read_bytes()
        if old.is_file() and old.read_bytes() == new_bytes:
            continue
        new_text, old_text = _text(new_bytes), _text(old.read_bytes()) if old.is_file() else ""
        if old.is_file() and old_text == new_text:  # line endings only (a Windows checkout)
            continue
        if relative in kata_files:
            _inspect_kata(relative, kata_files[relative], old_text, new_text, report)
            continue
        report.files.append(FileChange(relative, "modified" if old.is_file() else "added"))
        pattern = _PY_SUSPECT if relative.endswith(".py") else _CONFIG_SUSPECT
        for line, code in _added_lines(old_text, new_text):
            if pattern.search(code):
                report.markers.append(Marker(relative, line, code.strip(), "outside answer parts"))
    return report


def escaped_lines(text: str) -> list[int]:
    """Lines of answer bodies holding a statement less indented than the part's markers.

    Such code is no longer inside the function the part belongs to: it would
    run at import time, where it could patch the tests or the grader.
    `text` must compile.
    """
    kata = answers.parse(text)
    regions = []
    for part in kata.parts:
        marker = text.splitlines()[part.begin_line - 1]
        indent = len(marker) - len(marker.lstrip())
        first = part.begin_line + 1
        regions.append((first, first + part.body.count("\n") - 1, indent))
    escaped = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.stmt):
            for first, last, indent in regions:
                if first <= node.lineno <= last and node.col_offset < indent:
                    escaped.add(node.lineno)
    return sorted(escaped)


def _inspect_kata(relative: str, kata_id: str, old: str, new: str, report: TamperReport) -> None:
    try:
        pristine, learner = answers.parse(old), answers.parse(new)
    except answers.AnswerFormatError:
        report.files.append(FileChange(relative, "modified", kata_id))
        owner = dict[int, str]()
    else:
        if pristine.fixed != learner.fixed or list(pristine.answers) != list(learner.answers):
            report.files.append(FileChange(relative, "modified outside answer parts", kata_id))
        owner = {
            line: f"answer part {part.name}"
            for part in learner.parts
            for line in range(part.begin_line + 1, part.begin_line + 1 + part.body.count("\n"))
        }
    for line, code in _added_lines(old, new):
        where = owner.get(line, "outside answer parts")
        if _PY_SUSPECT.search(code) or (line in owner and _ANSWER_SUSPECT.search(code)):
            report.markers.append(Marker(relative, line, code.strip(), where))


def _text(data: bytes) -> str:
    return data.decode(errors="replace").replace("\r\n", "\n")


def _candidates(pristine: Path, learner: Path) -> set[str]:
    found = {
        name for name in ROOT_FILES if (pristine / name).is_file() or (learner / name).is_file()
    }
    for base in (pristine, learner):
        for tree in TREES:
            found.update(p.relative_to(base).as_posix() for p in _files(base / tree))
    return found


def _files(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        ignored = _IGNORED_DIRS.intersection(path.relative_to(folder).parts)
        if path.is_file() and not ignored and not path.name.endswith(_IGNORED_SUFFIXES):
            yield path


def _added_lines(old: str, new: str) -> Iterator[tuple[int, str]]:
    """(1-based line number in `new`, text) of every line `new` adds or changes."""
    new_lines = new.splitlines()
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new_lines, autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            for index in range(j1, j2):
                yield index + 1, new_lines[index]
