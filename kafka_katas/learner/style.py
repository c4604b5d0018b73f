"""Terminal styling for the `kata` command: colour only where it helps and is wanted.

Colour goes to terminals only, never to pipes or files (golden outputs stay
plain); NO_COLOR turns it off and FORCE_COLOR on, as most tools agree.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}

#: Symbol and colour per kata status; the same words the pytest scoreboard uses.
STATUS = {
    "pass": ("✔", "green"),
    "unsolved": ("…", "yellow"),
    "fail": ("✘", "red"),
    "error": ("!", "red"),
    "timeout": ("⏱", "red"),
    "broken": ("⚠", "red"),
    "not run": ("·", "dim"),
}


def use_colour(stream: TextIO | None = None) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def paint(text: str, *styles: str) -> str:
    if not styles or not use_colour():
        return text
    codes = ";".join(CODES[s] for s in styles)
    return f"\033[{codes}m{text}\033[0m"


def status(name: str, width: int = 0) -> str:
    """`✔ pass` style label for a kata status, coloured, padded to `width` before colouring."""
    mark, colour = STATUS.get(name, ("?", "dim"))
    return paint(f"{mark} {name}".ljust(width), colour)


def symbol(name: str) -> str:
    mark, colour = STATUS.get(name, ("?", "dim"))
    return paint(mark, colour)
