"""`store.phones`: the fast path for `+` numbers gives exactly what phonenumbers' general parser gives."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from store.phones import _SLOW, _international, _parsed, normalize_phone

SEPARATORS = ["", "", " ", " ", "-", ".", " - "]


def _spaced(digits: str, rng: random.Random) -> str:
    """The digits split at random places by the separators people type, sometimes an area code in brackets."""
    out: list[str] = []
    i = 0
    while i < len(digits):
        size = rng.randint(1, 4)
        out.append(digits[i : i + size])
        i += size
    if len(out) > 2 and rng.random() < 0.2:
        out[1] = f"({out[1]})"
    if not out:
        return ""
    return "".join(part + rng.choice(SEPARATORS) for part in out[:-1]) + out[-1]


def _examples() -> list[str]:
    """Every region's example numbers, written internationally, in E.164, and with its national prefix kept."""
    numbers = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (
            phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.TOLL_FREE,
            phonenumbers.PhoneNumberType.VOIP,
        ):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            numbers.append(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
            numbers.append(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))
            national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
            numbers.append(f"+{example.country_code} {national}")
    return numbers


def _random(count: int, seed: int) -> list[str]:
    """`+`, a known (or unknown) country code and 0-18 random digits, sometimes after a 0 or 1 prefix."""
    rng = random.Random(seed)
    codes = [*phonenumbers.COUNTRY_CODE_TO_REGION_CODE, 0, 999, 42, 28]
    numbers = []
    for _ in range(count):
        national = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 18)))
        if rng.random() < 0.2:
            national = rng.choice(["0", "1", "00", "9", "15"]) + national
        text = f"+{rng.choice(codes)}{rng.choice(SEPARATORS)}{_spaced(national, rng)}"
        numbers.append(rng.choice(["", " ", "\t"]) + text + rng.choice(["", " "]))
    return numbers


ODD = [
    "+44 20 7946 0000 ext. 12",
    "+44 20 7946 0000 x12",
    "+1 800 FLOWERS",
    "++44 20 7946 0000",
    "+ 44 20 7946 0000",
    "+44-(0)20-7946-0000",
    "tel:+44-20-7946-0000",
    "+44 20 7946 0000 / +44 20 7946 0001",
    "+\u0664\u0664 \u0662\u0660 \u0667\u0669\u0664\u0666 \u0660\u0660\u0660\u0660",  # Arabic-Indic digits
    "+44 20 7946 0000)",
    "+1",
    "+12",
    "+123",
    "+0 20 7946 0000",
    "+01 512 555 1234",
    "020 7946 0000",
    "(202) 555-0100",
]


@pytest.mark.parametrize("region", ["US", "GB", "IT", "BR"])
def test_fast_path_agrees_with_the_parser(region: str) -> None:
    numbers = [*_examples(), *_random(4000, seed=len(region) + ord(region[0])), *ODD]
    fast = 0
    for raw in numbers:
        result = _international(raw)
        if result is not _SLOW:
            fast += 1
            assert result == _parsed(raw, region), raw
        assert normalize_phone(raw, region) == _parsed(raw, region), raw
    # Most international numbers take the fast path (else this test proves nothing about it).
    assert fast > len(numbers) // 2


def test_fast_path_refuses_what_it_does_not_cover() -> None:
    for raw in ODD:
        if raw.startswith("+") and any(c.isalpha() or c in "+/)\u0664" for c in raw[1:]):
            assert _international(raw) is _SLOW, raw
    assert _international("+44 (0)20 7946 0000") is _SLOW  # a national prefix for the parser to drop
    assert _international("+39 06 1234 5678") is _SLOW  # Italy's leading zero
    assert _international("+44 20 7946 0000") == "+442079460000"
    assert _international("+1 (512) 555-1234") == "+15125551234"
