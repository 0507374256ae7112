"""JSON in and out: from the outside world as text Dossier can store and show, and values made ready for it.

JSON may escape half of a surrogate pair on its own (`"\\ud800"`): Python keeps it as a lone surrogate,
which cannot be encoded as UTF-8, so SQLite, a terminal or a file would fail on it. Each becomes U+FFFD.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE = {code: 0xFFFD for code in range(0xD800, 0xE000)}


def loads(body: str | bytes) -> Any:
    """`json.loads`, with every lone surrogate in a string (key or value) replaced by U+FFFD."""
    data = json.loads(body)
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    return _clean(data) if _SURROGATE_ESCAPE.search(raw) else data


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_LONE)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def jsonable(value: Any) -> Any:
    """A value ready for `json.dumps`: datetimes as ISO 8601 text, named tuples (records such as the store's
    rows) as objects by field name, other tuples as lists, inside dicts and lists."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {key: jsonable(item) for key, item in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value
