"""Phone numbers in one normal form (E.164), so the same number typed two ways is found as one."""

from __future__ import annotations

import functools

import phonenumbers
from sqlalchemy import Engine, text

from store.db import writing


@functools.cache
def _regions_by_country_name() -> dict[str, str]:
    from phonenumbers import geocoder

    names = {}
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        name = geocoder.country_name_for_number(example, "en") if example is not None else ""
        if name:
            names[name.casefold()] = region
    return names


def region_for_country(country: str | None, default_region: str) -> str:
    """The phone region of a contact's country (a two-letter code or an English name), else the default."""
    value = (country or "").strip()
    if not value:
        return default_region
    if len(value) == 2 and value.upper() in phonenumbers.SUPPORTED_REGIONS:
        return value.upper()
    return _regions_by_country_name().get(value.casefold(), default_region)


def normalize_phone(raw: str | None, default_region: str) -> str | None:
    """A phone number in E.164 (`+442079460000`); numbers without a country code are read in
    `default_region`. None when there is no number or it cannot be one (extensions are dropped)."""
    if not raw or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


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
