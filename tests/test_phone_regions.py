"""`store.phone_regions`: the country names a country column is read by are the ones phonenumbers' geocoder gives."""

from __future__ import annotations

import phonenumbers

from store.phone_regions import REGION_BY_COUNTRY_NAME
from store.phones import region_for_country


def _from_geocoder() -> dict[str, str]:
    """Each region's English name (case-folded), as the geocoder names the region of its example number."""
    from phonenumbers import geocoder

    names = {}
    for region in phonenumbers.SUPPORTED_REGIONS:
        example = phonenumbers.example_number(region)
        name = geocoder.country_name_for_number(example, "en") if example is not None else ""
        if name:
            names[name.casefold()] = region
    return names


def test_the_table_is_the_geocoders() -> None:
    expected = _from_geocoder()
    if expected != REGION_BY_COUNTRY_NAME:  # phonenumbers was upgraded: paste this into store/phone_regions.py
        entries = "".join(f"    {name!r}: {region!r},\n" for name, region in sorted(expected.items()))
        print(f"REGION_BY_COUNTRY_NAME = {{\n{entries}}}")
    assert expected == REGION_BY_COUNTRY_NAME


def test_region_for_country() -> None:
    assert region_for_country("United Kingdom", "US") == "GB"
    assert region_for_country(" switzerland ", "US") == "CH"
    assert region_for_country("de", "US") == "DE"
    assert region_for_country("Atlantis", "FR") == "FR"
    assert region_for_country(None, "FR") == "FR"
