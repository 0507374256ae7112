"""PHP and MySQL behaviour the fake copies: truthiness, request parsing, input cleaning, dates and JSON text."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

_NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_NUMBER_PREFIX = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_BRACKETS = re.compile(r"\[([^\]]*)\]")


def truthy(value: Any) -> bool:
    """PHP's `if ($x)`: "", "0", 0 and empty arrays are false; "false", "no" and "off" are true.

    5.1.1:FetchCommonApiController.php getEntitiesAction() tests `minimal` and `published` this way."""
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return value not in ("", "0")
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, list | dict):
        return bool(value)
    return True


def is_numeric(value: Any) -> bool:
    """PHP's is_numeric(): numbers and numeric strings (surrounding whitespace allowed since PHP 8)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and _NUMERIC.match(value) is not None


def to_number(value: Any) -> float:
    """What MySQL and PHP's numeric casts make of a value: the leading number of a string, else 0."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        match = _NUMBER_PREFIX.match(value)
        return float(match.group()) if match else 0.0
    if isinstance(value, list | dict):
        return 1.0 if value else 0.0
    return 0.0


def to_int(value: Any) -> int:
    """PHP's `(int) $value`."""
    return int(to_number(value))


def php_str(value: Any) -> str:
    """PHP's string conversion: true is "1", false and null are ""."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def special_chars(text: str) -> str:
    """filter_var(FILTER_SANITIZE_SPECIAL_CHARS): ' " < > & and control characters become numeric entities.

    5.1.1:app/bundles/CoreBundle/Helper/InputHelper.php:163-176 (clean/cleanArray)."""
    return "".join(f"&#{ord(char)};" if char in "'\"<>&" or ord(char) < 32 else char for char in text)


def clean(value: Any) -> Any:
    """InputHelper::cleanArray/clean: every scalar becomes a cleaned string, arrays keep their shape."""
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return special_chars(php_str(value))


def str_getcsv(text: str) -> list[str]:
    """PHP's str_getcsv() with its defaults (comma, double quote)."""
    return next(csv.reader([text]), [""])


def values_of(value: Any) -> list[Any]:
    """The items of a PHP array, whether it arrived as a JSON list, a JSON object or bracketed form keys."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return value
    return []


def parse_params(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """PHP's parse_str(): `a[b][]=1` builds nested arrays, `[]` appends, `.` and space in a base name become `_`.

    Arrays keyed 0..n-1 come back as lists, so form and JSON bodies read the same way."""
    root: dict[str, Any] = {}
    for name, value in pairs:
        base, bracket, rest = name.partition("[")
        if not base:
            continue
        keys = [base.replace(".", "_").replace(" ", "_")]
        if bracket:
            keys += _BRACKETS.findall("[" + rest)
        node = root
        for depth, key in enumerate(keys):
            if key == "":
                key = str(sum(1 for existing in node if existing.isdigit()))
            if depth == len(keys) - 1:
                node[key] = value
            else:
                child = node.get(key)
                if not isinstance(child, dict):
                    child = node[key] = {}
                node = child
    return _listify(root)


def _listify(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {key: _listify(item) for key, item in value.items()}
    if items and list(items) == [str(index) for index in range(len(items))]:
        return list(items.values())
    return items


def php_serialize(value: Any) -> str:
    """PHP's serialize(), for the `properties` column of lead_fields (mautic/mautic #9207 shows the raw string)."""
    if value is None:
        return "N;"
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, float):
        return f"d:{value!r};"
    if isinstance(value, str):
        return f's:{len(value.encode())}:"{value}";'
    items = value.items() if isinstance(value, dict) else enumerate(value)
    body = "".join(php_serialize(int(k) if str(k).isdigit() else k) + php_serialize(v) for k, v in items)
    return f"a:{len(value)}:{{{body}}}"


def iso(moment: datetime | None) -> str | None:
    """JMS's datetime format 'c' in UTC: "2024-05-01T12:34:56+00:00" (5.1.1:app/config/config.php)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def db_time(moment: datetime | None) -> str | None:
    """A DATETIME column as DBAL returns it: "2024-05-01 12:34:56", UTC (UTCDateTimeType)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def parse_datetime(text: str, now: datetime) -> datetime:
    """`new \\DateTime($text)` in UTC for the forms a client sends; ValueError (a PHP exception) otherwise."""
    text = text.strip()
    if text in ("", "now"):
        return now
    if text == "today":
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
    if text.startswith("@") and text[1:].lstrip("-").isdigit():
        return datetime.fromtimestamp(int(text[1:]), UTC)
    relative = re.fullmatch(r"([+-]\d+) ?(second|minute|hour|day|week)s?", text)
    if relative:
        return now + timedelta(**{relative.group(2) + "s": int(relative.group(1))})
    moment = datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def jms_json(value: Any) -> bytes:
    """JSON as JMS writes it: json_encode with JSON_PRESERVE_ZERO_FRACTION only (options 1024,
    JMSSerializerBundle@5.4.0:DependencyInjection/Configuration.php), so `/` is `\\/`, non-ASCII is `\\uXXXX`
    and a float 2 is `2.0`. A `/` only ever occurs inside strings in JSON text, so replacing it is safe."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("/", "\\/").encode()


def json_response(value: Any) -> bytes:
    """JSON as Symfony's JsonResponse writes it (ApiSubscriber, ExceptionController): json_encode with
    JSON_HEX_TAG|JSON_HEX_APOS|JSON_HEX_AMP|JSON_HEX_QUOT, so "Mautic's" is sent as "Mautic\\u0027s"."""
    return _hexed(value).encode()


def _hexed(value: Any) -> str:
    if isinstance(value, str):
        inner = json.dumps(value, ensure_ascii=True)[1:-1].replace("/", "\\/").replace('\\"', "\\u0022")
        for char, code in (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"), ("'", "\\u0027")):
            inner = inner.replace(char, code)
        return f'"{inner}"'
    if isinstance(value, dict):
        return "{" + ",".join(f"{_hexed(str(key))}:{_hexed(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_hexed(item) for item in value) + "]"
    return json.dumps(value)
