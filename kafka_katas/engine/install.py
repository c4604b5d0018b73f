"""Install the engine's Debian packages when they are missing (root, apt)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: command -> Debian package that provides it.
PACKAGES: dict[str, str] = {"podman": "podman", "runc": "runc", "debootstrap": "debootstrap"}
#: Name resolution between containers of one network (podman's netavark backend).
AARDVARK = Path("/usr/lib/podman/aardvark-dns")


class InstallError(RuntimeError):
    """The engine's packages could not be installed; the message says how to do it by hand."""


def missing_packages() -> list[str]:
    """Packages whose command is not on PATH (sbin included: runc and debootstrap live there)."""
    path = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    missing = [pkg for cmd, pkg in PACKAGES.items() if shutil.which(cmd, path=path) is None]
    return [*missing, "aardvark-dns"] if not AARDVARK.exists() else missing


def ensure() -> str:
    """apt-get install what is missing; `apt-get update` first when the lists are empty."""
    missing = missing_packages()
    if not missing:
        return "podman, runc and debootstrap are installed"
    if not Path("/etc/debian_version").exists() or shutil.which("apt-get") is None:
        raise InstallError(
            f"missing {', '.join(missing)}: `kata dev engine` installs them on Debian only; "
            "install them with your system's package manager, or use Docker"
        )
    if os.geteuid() != 0:
        raise InstallError(f"missing {', '.join(missing)}: run as root, or `apt-get install` them")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not any(Path("/var/lib/apt/lists").glob("*_Packages")):
        _apt(["apt-get", "update", "-q"], env)
    try:
        _apt(["apt-get", "install", "-y", "-q", *missing], env)
    except InstallError:
        # Stale lists (a package moved since the last update): refresh once and retry.
        _apt(["apt-get", "update", "-q"], env)
        _apt(["apt-get", "install", "-y", "-q", *missing], env)
    return f"installed {', '.join(missing)}"


def _apt(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise InstallError(f"`{' '.join(argv)}` failed:\n{tail}")
