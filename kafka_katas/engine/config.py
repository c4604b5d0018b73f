"""Engine settings this kind of machine needs before podman can run a container.

On Debian 12 hosts with hybrid cgroups, crun fails to apply rlimits; runc
with the cgroupfs manager and no default ulimits works. The file is written
only when absent (or when this project wrote it), never over a user's own.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

CONTAINERS_CONF = Path("/etc/containers/containers.conf")
MARKER = "# written by `kata dev engine up` (kafka-katas)"

#: section -> key -> value: what podman needs here, and nothing else.
REQUIRED: dict[str, dict[str, object]] = {
    "containers": {"default_ulimits": []},
    "engine": {
        "runtime": "runc",
        "cgroup_manager": "cgroupfs",
        "events_logger": "file",
        # `docker exec` through the API leaves a monitor (conmon) waiting 300 s by
        # default after the command ended; the CLI reads the exit code at once.
        "exit_command_delay": 5,
    },
}


def render() -> str:
    """The containers.conf text this project writes."""
    lines = [MARKER]
    for section, settings in REQUIRED.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in settings.items())
        lines.append("")
    return "\n".join(lines)


def missing_settings(path: Path = CONTAINERS_CONF) -> list[str]:
    """`section.key` names that `path` lacks or sets differently (all of them if no file)."""
    try:
        current = tomllib.loads(path.read_text())
    except FileNotFoundError:
        current = {}
    return [
        f"{section}.{key}"
        for section, settings in REQUIRED.items()
        for key, value in settings.items()
        if current.get(section, {}).get(key) != value
    ]


def ensure(path: Path = CONTAINERS_CONF) -> str:
    """Write the settings when needed; return what was done, for the user."""
    missing = missing_settings(path)
    if not missing:
        return f"{path}: already has the settings this machine needs"
    if path.exists() and not path.read_text().startswith(MARKER):
        wanted = render().split("\n", 1)[1]
        raise RuntimeError(
            f"{path} exists and was not written by kafka-katas; it lacks {', '.join(missing)}. "
            f"Add these settings to it yourself:\n{wanted}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render())
    return f"{path}: written ({', '.join(missing)})"


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)
