"""What every screen needs from the outside: the database, the settings and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from store.settings import Settings


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass
class AppContext:
    engine: Engine
    settings: Settings
    db_path: Path
    clock: Callable[[], datetime] = field(default=local_now)
