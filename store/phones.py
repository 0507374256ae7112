"""Phone numbers in one normal form (E.164), so the same number typed two ways is found as one."""

from __future__ import annotations

import functools
import re

import phonenumbers
from sqlalchemy import Engine, text

from store.db import writing
from store.phone_regions import REGION_BY_COUNTRY_NAME


def region_for_country(country: str | None, default_region: str) -> str:
    """The phone region of a contact's country (a two-letter code or an English name), else the default."""
    value = (country or "").strip()
    if not value:
        return default_region
    if len(value) == 2 and value.upper() in phonenumbers.SUPPORTED_REGIONS:
        return value.upper()
    return REGION_BY_COUNTRY_NAME.get(value.casefold(), default_region)


@functools.lru_cache(maxsize=1 << 16)
def normalize_phone(raw: str | None, default_region: str) -> str | None:
    """A phone number in E.164 (`+442079460000`); numbers without a country code are read in
    `default_region`. None when there is no number or it cannot be one (extensions are dropped).

    Cached (an import meets the same switchboard numbers again and again), and a number written the usual
    international way skips phonenumbers' general parser (see `_international`), which costs ~40 µs."""
    if not raw or not raw.strip():
        return None
    fast = _international(raw)
    return _parsed(raw, default_region) if fast is _SLOW else fast


def _parsed(raw: str, default_region: str) -> str | None:
    """`normalize_phone` by phonenumbers' general parser: any text, any region."""
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_SLOW = "slow"
# `+`, a digit, then digits and the separators people type; ends in a digit. Nothing phonenumbers would read
# as an extension, a second number, letters or an RFC 3966 `tel:` URI.
_INTERNATIONAL = re.compile(r"\s*\+([0-9][0-9 ().-]*[0-9])\s*")
_NOT_DIGITS = re.compile(r"[^0-9]")


def _international(raw: str) -> str | None:
    """What `phonenumbers.parse` + E.164 give for a `+` number whose country code phonenumbers knows and whose
    national number has no national prefix (`+44 (0)20…`) or leading zero for it to interpret; `_SLOW` for
    any other input. These are the steps `parse` takes for such a number, without its general text handling;
    tests/test_phones_fast.py compares both over thousands of numbers from every region."""
    match = _INTERNATIONAL.fullmatch(raw)
    if match is None or len(raw) > 250:
        return _SLOW
    digits = _NOT_DIGITS.sub("", match.group(1))
    if len(digits) <= 2 or digits[0] == "0":  # too short after the +, or no country code starts with 0
        return _SLOW
    for size in (1, 2, 3):
        rules = _country_rules(int(digits[:size]))
        if rules is not None:
            break
    else:
        return _SLOW
    national = digits[size:]
    prefix, lengths = rules
    if not 2 <= len(national) <= 17 or national[0] == "0" or (prefix and prefix.match(national)):
        return _SLOW
    return f"+{digits}" if len(national) in lengths else None


@functools.cache
def _country_rules(country_code: int) -> tuple[re.Pattern[str] | None, frozenset[int]] | None:
    """For a country code phonenumbers knows: its national prefix pattern (as `parse` matches it) and the
    national number lengths `is_possible_number` accepts. None for an unknown code."""
    if country_code not in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        return None
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    if metadata is None or metadata.general_desc is None:
        return None  # the general parser will say what it makes of such a number
    prefix = re.compile(metadata.national_prefix_for_parsing) if metadata.national_prefix_for_parsing else None
    general = metadata.general_desc
    lengths = general.possible_length or ()
    if not lengths or lengths[0] == -1:  # no possible length at all: nothing is a possible number
        return prefix, frozenset()
    return prefix, frozenset((*lengths, *(general.possible_length_local_only or ())))


def pretty_phone(e164: str) -> str:
    """An E.164 number as people write it internationally (`+44 20 7946 0000`); anything else as it is."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def backfill_phone_e164(engine: Engine, default_region: str = "US", *, batch_size: int = 1000) -> int:
    """Fill `phone_e164` where it is missing, reading each number in its contact's country (else
    `default_region`); one short transaction per batch. Returns how many contacts got a number."""
    query = text(
        "SELECT id, phone, country FROM contact WHERE phone_e164 IS NULL AND id > :after AND phone IS NOT NULL "
        "ORDER BY id LIMIT :limit"
    )
    update = text("UPDATE contact SET phone_e164 = :e164 WHERE id = :id AND phone_e164 IS NULL")
    filled, after = 0, 0
    while True:
        with writing(engine) as conn:
            rows = conn.execute(query, {"after": after, "limit": batch_size}).all()
            if not rows:
                return filled
            after = rows[-1].id
            values = [
                {"id": row.id, "e164": e164}
                for row in rows
                if (e164 := normalize_phone(row.phone, region_for_country(row.country, default_region)))
            ]
            if values:
                conn.execute(update, values)
                filled += len(values)
