"""Reading vCards (3.0 and 4.0) for an import: the cards of a `.vcf` file or a folder of them, one at a time
(a file is never held whole in memory), each parsed into the values Dossier keeps (`CardData`). Writing them
into the store is store/interchange/vcard_import.py.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from store.avatars import MAX_IMAGE_BYTES
from store.normalize import normalize_email

# The largest card read: a photo at the 1 MB cap is 1.4 MB of base64, and the rest of a card is small.
MAX_CARD_CHARS = 2_000_000
_PIECE = 1 << 16
NOTE_FIELD = "vcard_note"
EMAILS_FIELD = "emails"
PHONES_FIELD = "phones"
# `group.NAME;PARAM="a:b";PARAM=c:` up to the value (quoted parameter values may hold colons).
_PROPERTY = re.compile(r'^(?:[A-Za-z0-9-]+\.)?(?P<name>[A-Za-z0-9-]+)(?:;(?:[^":;]|"[^"]*")*)*:')


@dataclass(frozen=True, slots=True)
class RawCard:
    """The text of one card and where it starts (1-based line)."""

    path: Path
    line: int
    text: str


def iter_raw_cards(path: Path) -> Iterator[RawCard | str]:
    """Each `BEGIN:VCARD`..`END:VCARD` block of the `.vcf` files at `path` (a file, or a folder searched
    recursively in name order); a string `file:line: reason` for text that is not inside a complete card."""
    files = (
        sorted(p for p in path.rglob("*") if p.suffix.lower() == ".vcf" and p.is_file()) if path.is_dir() else [path]
    )
    for file in files:
        yield from _cards_in_file(file)


def _cards_in_file(file: Path) -> Iterator[RawCard | str]:
    lines: list[str] = []
    in_card, oversized, size, start, cards = False, False, 0, 0, 0
    with file.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        for number, line in _physical_lines(handle):
            text = line or ""
            keyword = text.strip().upper() if not text[:1].isspace() and len(text) < 64 else ""
            if keyword == "BEGIN:VCARD":
                cards += 1
                if in_card:
                    yield f"{file}:{start}: the card has no END:VCARD line"
                lines, in_card, oversized, size, start = [text], True, False, len(text), number
                continue
            if not in_card:
                continue
            size += MAX_CARD_CHARS + 1 if line is None else len(text)
            if size > MAX_CARD_CHARS:
                oversized, lines = True, []  # the rest of the card is read past, never held
            elif not oversized:
                lines.append(text)
            if keyword == "END:VCARD":
                in_card = False
                if oversized:
                    yield (
                        f"{file}:{start}: the card is larger than {MAX_CARD_CHARS // 1_000_000} MB "
                        f"(a photo over {MAX_IMAGE_BYTES // 1_000_000} MB?); it was skipped"
                    )
                else:
                    yield RawCard(file, start, "\n".join(lines) + "\n")
        if in_card:
            yield f"{file}:{start}: the card has no END:VCARD line"
        elif cards == 0:
            yield f"{file}: not a vCard file (it has no BEGIN:VCARD line)"


def _physical_lines(handle: TextIO) -> Iterator[tuple[int, str | None]]:
    """(line number, text without its line end) of each line; None for a line longer than a whole card may
    be, which is read past in pieces rather than held (a 50 MB photo on one line costs 64 KB)."""
    number = 0
    while True:
        piece = handle.readline(_PIECE)
        if not piece:
            return
        number += 1
        parts, size = [piece], len(piece)
        while not piece.endswith(("\n", "\r")):
            piece = handle.readline(_PIECE)
            if not piece:
                break
            size += len(piece)
            parts = parts if size <= MAX_CARD_CHARS else []
            if parts:
                parts.append(piece)
        yield number, ("".join(parts).rstrip("\r\n") if parts else None)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value if v)
    return str(value or "").strip()


def _types(prop: Any) -> set[str]:
    types: set[str] = set()
    for value in prop.params.get("TYPE", []):
        types.update(part.strip().lower() for part in str(value).split(",") if part.strip())
    return types


def _preferred(props: list[Any]) -> list[Any]:
    """Properties with `PREF`/`TYPE=pref` first, otherwise in card order."""

    def rank(prop: Any) -> int:
        pref = prop.params.get("PREF", [])
        if pref:
            try:
                return int(pref[0])
            except ValueError:
                return 1
        return 1 if "pref" in _types(prop) else 101

    return sorted(props, key=rank)


@dataclass(slots=True)
class CardData:
    """The contact fields one card provides, plus its photo bytes."""

    values: dict[str, Any]
    custom: dict[str, Any]
    tags: list[str]
    uid: str | None
    photo: bytes | None
    photo_error: str | None


def parse_card(raw: RawCard) -> CardData:
    """The fields of one card; raises `ValueError` (with the reason) when it cannot be read."""
    import vobject

    try:
        card = vobject.readOne(raw.text, ignoreUnreadable=False)
    except Exception as exc:  # vobject raises ParseError, ValueError, binascii errors...
        reason = _reason(exc)
        raise ValueError(f"{raw.path}:{_error_line(raw, reason)}: {reason}") from exc
    if card.name.upper() != "VCARD":
        raise ValueError(f"{raw.path}:{raw.line}: not a vCard ({card.name})")
    try:
        return _card_data(card, raw)
    except Exception as exc:  # a property vobject parsed into an unexpected shape
        raise ValueError(f"{raw.path}:{raw.line}: {_reason(exc)}") from exc


def _card_data(card: Any, raw: RawCard) -> CardData:
    contents = card.contents
    values: dict[str, Any] = {}
    custom: dict[str, Any] = {}

    first = last = ""
    if "n" in contents:
        name = contents["n"][0].value
        first = _text(getattr(name, "given", ""))
        last = _text(getattr(name, "family", ""))
        if not (first or last) and isinstance(name, str):
            parts = name.split(";")
            last, first = [*parts, "", ""][:2]
    full = _text(contents["fn"][0].value) if "fn" in contents else ""
    org = ""
    if "org" in contents:
        org_value = contents["org"][0].value
        org = _text(org_value[0] if isinstance(org_value, list) and org_value else org_value)
    if not (first or last) and full and full != org:
        first = full
    values["firstname"], values["lastname"], values["company"] = first.strip(), last.strip(), org
    if "title" in contents:
        values["position"] = _text(contents["title"][0].value)

    emails = [_text(p.value) for p in _preferred(contents.get("email", []))]
    emails = [e for e in dict.fromkeys(emails) if e]
    if emails:
        values["email"] = emails[0]
        values["email_normalized"] = normalize_email(emails[0])
        if emails[1:]:
            custom[EMAILS_FIELD] = emails[1:]

    mobiles: list[str] = []
    phones: list[str] = []
    for prop in _preferred(contents.get("tel", [])):
        number = _text(prop.value)
        if number.lower().startswith("tel:"):
            number = number[4:]
        if number:
            (mobiles if "cell" in _types(prop) else phones).append(number)
    if mobiles:
        values["mobile"] = mobiles[0]
    if phones:
        values["phone"] = phones[0]
    extra = [*mobiles[1:], *phones[1:]]
    if extra:
        custom[PHONES_FIELD] = extra

    if "adr" in contents:
        adr = _preferred(contents["adr"])[0].value
        values["address1"] = _text(getattr(adr, "street", ""))
        values["address2"] = _text(getattr(adr, "extended", ""))
        values["city"] = _text(getattr(adr, "city", ""))
        values["region"] = _text(getattr(adr, "region", ""))
        values["zipcode"] = _text(getattr(adr, "code", ""))
        values["country"] = _text(getattr(adr, "country", ""))
    if "url" in contents:
        # vobject cuts an unescaped comma out of a URI: take the value as written.
        values["website"] = next(iter(_raw_values(raw.text, "URL")), "") or _text(contents["url"][0].value)
    if "note" in contents:
        custom[NOTE_FIELD] = "\n".join(_text(p.value) for p in contents["note"])

    tags: list[str] = []
    for prop in contents.get("categories", []):
        value = prop.value if isinstance(prop.value, list) else str(prop.value).split(",")
        tags.extend(t.strip() for t in value if t and t.strip())
    uid = _text(contents["uid"][0].value) if "uid" in contents else None

    photo, photo_error = None, None
    if "photo" in contents:
        try:
            photo = _photo_bytes(contents["photo"][0], next(iter(_raw_values(raw.text, "PHOTO")), ""))
        except ValueError as exc:
            photo_error = str(exc)

    values = {key: value for key, value in values.items() if value}
    return CardData(values, custom, list(dict.fromkeys(tags)), uid or None, photo, photo_error)


def _reason(exc: Exception) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # vobject's own line numbers count folded and CRLF lines unreliably: `_error_line` finds the line instead.
    return re.sub(r"^At line \d+: ", "", message)[:200]


def _error_line(raw: RawCard, reason: str) -> int:
    """The file line a vobject error names ("Failed to parse line: TEXT"), else the card's first line."""
    _, found, bad = reason.partition("Failed to parse line: ")
    if found and bad.strip():
        for offset, line in enumerate(raw.text.split("\n")):
            if line.strip() == bad.strip():
                return raw.line + offset
    return raw.line


def _raw_values(text: str, name: str) -> list[str]:
    """The values of property `name` (any group) as written, lines unfolded, parameters dropped."""
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    found = []
    for line in unfolded.splitlines():
        match = _PROPERTY.match(line)
        if match and match["name"].upper() == name:
            found.append(line[match.end() :].strip())
    return found


def _photo_bytes(prop: Any, written: str) -> bytes | None:
    value = prop.value
    if isinstance(value, bytes):
        data = value
    else:
        text = (written or str(value)).strip()
        if text.lower().startswith("data:"):
            header, _, payload = text.partition(",")
            if ";base64" not in header.lower():
                raise ValueError("the PHOTO data URI is not base64")
            text = payload
        elif "://" in text:
            return None  # a link: nothing is downloaded
        try:
            data = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("the PHOTO is not valid base64") from exc
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"the PHOTO is larger than {MAX_IMAGE_BYTES:,} bytes")
    return data
