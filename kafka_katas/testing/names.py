"""Unique names per test, readable in broker logs and failure messages."""

from __future__ import annotations

import re
import uuid


class UniqueNames:
    """Names like ``orders-ordering-3f2a9c`` for topics, groups and transactional ids.

    Every name carries a fresh random suffix, so no two tests (or two runs
    against one shared cluster) ever see each other's data.
    """

    def __init__(self, test_name: str) -> None:
        words = re.sub(r"[^a-z0-9]+", "-", test_name.lower().removeprefix("test_")).strip("-")
        self.scope = words[:40].rstrip("-")

    def __call__(self, kind: str) -> str:
        return f"{kind}-{self.scope}-{uuid.uuid4().hex[:6]}"
