"""Answer parts: the only lines of a kata a learner writes.

An answer part sits between two marker comments that name it::

    # >>> ANSWER: key_for
    todo("Return the event's account id, encoded as UTF-8 bytes.")
    # <<< ANSWER: key_for

Everything outside answer parts is the same in a kata, its solution and the
pristine copy a grader holds. That makes three operations exact: compare a
kata with its solution, take a learner's answers, and transplant them into
pristine files (grading, known-wrong answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BEGIN = re.compile(r"^[ \t]*# >>> ANSWER: (?P<name>[A-Za-z_][\w-]*)[ \t]*$")
END = re.compile(r"^[ \t]*# <<< ANSWER: (?P<name>[A-Za-z_][\w-]*)[ \t]*$")


class AnswerFormatError(ValueError):
    """Markers are unbalanced, nested, renamed or duplicated."""


@dataclass(frozen=True)
class AnswerPart:
    name: str
    body: str  # the lines between the markers, with their newlines
    begin_line: int  # 1-based line of the BEGIN marker


@dataclass(frozen=True)
class KataText:
    """A file split into fixed text and answer parts, in order."""

    fixed: tuple[str, ...]  # len(fixed) == len(parts) + 1; markers belong to fixed text
    parts: tuple[AnswerPart, ...]

    @property
    def answers(self) -> dict[str, str]:
        return {part.name: part.body for part in self.parts}

    def render(self, answers: dict[str, str] | None = None) -> str:
        """The file text, with `answers` (by name) in place of the current bodies."""
        answers = answers or {}
        out = [self.fixed[0]]
        for part, fixed in zip(self.parts, self.fixed[1:], strict=True):
            out.append(answers.get(part.name, part.body))
            out.append(fixed)
        return "".join(out)


def parse(text: str, source: str = "<kata>") -> KataText:
    """Split `text` at its answer markers; raise AnswerFormatError when they are broken."""
    fixed: list[str] = []
    parts: list[AnswerPart] = []
    chunk: list[str] = []
    body: list[str] | None = None
    name = ""
    begin_line = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin:
            if body is not None:
                raise AnswerFormatError(
                    f"{source}:{number}: answer {begin['name']!r} starts inside answer {name!r}"
                )
            name, begin_line, body = begin["name"], number, []
            if name in {p.name for p in parts}:
                raise AnswerFormatError(f"{source}:{number}: answer {name!r} appears twice")
            chunk.append(line)
        elif end:
            if body is None or end["name"] != name:
                raise AnswerFormatError(
                    f"{source}:{number}: '# <<< ANSWER: {end['name']}' has no matching "
                    f"'# >>> ANSWER: {end['name']}' above it"
                )
            fixed.append("".join(chunk))
            parts.append(AnswerPart(name, "".join(body), begin_line))
            chunk, body = [line], None
        elif body is not None:
            body.append(line)
        else:
            chunk.append(line)
    if body is not None:
        raise AnswerFormatError(f"{source}:{begin_line}: answer {name!r} is never closed")
    fixed.append("".join(chunk))
    return KataText(tuple(fixed), tuple(parts))


def transplant(pristine: str, answers: dict[str, str], source: str = "<kata>") -> str:
    """`pristine` with its answer bodies replaced by `answers` (missing names stay)."""
    return parse(pristine, source).render(answers)
