"""What the figures were measured on: CPU, cores, memory, and the versions that matter."""

from __future__ import annotations

import os
import platform
import sqlite3
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def describe_machine() -> dict[str, Any]:
    memory = _memory_gb()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(memory, 1) if memory else None,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": _version("textual"),
        "sqlalchemy": _version("sqlalchemy"),
        "khard": _version("khard"),
        "sqlite_utils": _version("sqlite-utils"),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def machine_line(machine: dict[str, Any]) -> str:
    memory = f", {machine['memory_gb']:g} GB RAM" if machine.get("memory_gb") else ""
    return (
        f"{machine['cpu']}, {machine['cores']} cores{memory}; {machine['os']}; Python {machine['python']}, "
        f"SQLite {machine['sqlite']}, Textual {machine['textual']}"
    )
