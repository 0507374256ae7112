"""Reading a CSV file's shape: its encoding, its delimiter, and which contact field each column holds."""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

from plain.errors import UserError

# Plain text fields, written as given (stripped).
TEXT_FIELDS = (
    "firstname",
    "lastname",
    "company",
    "position",
    "address1",
    "address2",
    "city",
    "region",
    "zipcode",
    "country",
    "website",
    "stage",
    "owner",
)
NULLABLE_FIELDS = ("email", "phone", "mobile", "external_id")
FIELDS = (*TEXT_FIELDS, *NULLABLE_FIELDS, "points", "tags", "last_active")
SKIP = "skip"
IGNORED_COLUMNS = {"id", "dateadded", "datemodified"}

_ALIASES: dict[str, tuple[str, ...]] = {
    "firstname": ("firstname", "givenname", "first", "prenom"),
    "lastname": ("lastname", "familyname", "surname", "last", "nom"),
    "email": ("email", "emailaddress", "email1value", "emailaddress1", "mail", "primaryemail", "workemail"),
    "company": ("company", "companyname", "organization", "organizationname", "organization1name", "organisation"),
    "position": ("position", "jobtitle", "organizationtitle", "organization1title", "role"),
    "phone": (
        "phone",
        "phonenumber",
        "phone1value",
        "businessphone",
        "workphone",
        "primaryphone",
        "telephone",
        "homephone",
    ),
    "mobile": ("mobile", "mobilephone", "mobilephonenumber", "cellphone", "cell", "phone2value"),
    "address1": ("address1", "address", "streetaddress", "businessstreet", "street", "address1street", "homestreet"),
    "address2": ("address2", "businessstreet2", "streetaddress2", "address1extendedaddress", "homestreet2"),
    "city": ("city", "businesscity", "address1city", "homecity", "town"),
    "region": ("state", "region", "stateregion", "businessstate", "address1region", "province", "homestate"),
    "zipcode": ("zipcode", "zip", "postalcode", "postcode", "businesspostalcode", "address1postalcode"),
    "country": ("country", "countryregion", "businesscountryregion", "address1country", "homecountryregion"),
    "website": ("website", "websiteurl", "webpage", "website1value", "url", "homepage"),
    "points": ("points", "score"),
    "tags": ("tags", "tag", "labels", "groupmembership", "categories"),
    "stage": ("stage", "lifecyclestage"),
    "owner": ("owner", "contactowner", "owneremail"),
    "external_id": ("externalid", "recordid", "contactid", "mauticid"),
    "last_active": ("lastactive", "lastactivity", "lastactivitydate"),
}
_BY_KEY = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
_CHECKED_FIELDS = {*FIELDS, "state", SKIP}


# A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(…), a DDE call): OWASP's "CSV
# Injection" guidance is to start such a cell with an apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _needs_guard(text: str) -> bool:
    if text.startswith("'"):
        return _needs_guard(text[1:])  # an apostrophe already there is guarded too, so it comes back
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def guard_formula(text: str) -> str:
    """A cell a spreadsheet shows as text: `'` before a formula start (a plain number like -5 is left)."""
    return f"'{text}" if _needs_guard(text) else text


def unguard_formula(text: str) -> str:
    """The cell `guard_formula` was given: its apostrophe removed, everything else as it is."""
    return text[1:] if text.startswith("'") and _needs_guard(text[1:]) else text


class CsvImportError(UserError):
    """The file cannot be imported at all (missing, empty, no header, a bad `--map`); one sentence for the user."""


def header_key(name: str) -> str:
    """A header as matched: lower-cased, letters and digits only (`E-mail 1 - Value` is `email1value`)."""
    return re.sub(r"[\W_]+", "", name.casefold())


def map_columns(header: list[str], overrides: dict[str, str] | None = None) -> list[str]:
    """The target of each column: a field name, `custom:NAME`, or `skip`. The first column for a field wins."""
    wanted: dict[str, str] = {}
    for column, target in (overrides or {}).items():
        target = target.strip()
        if target == "state":
            target = "region"
        if target not in _CHECKED_FIELDS and not target.startswith("custom:"):
            choices = ", ".join(sorted({*FIELDS, SKIP}))
            raise CsvImportError(
                f"--map {column}={target}: {target!r} is not a field; use one of {choices} or custom:NAME."
            )
        wanted[header_key(column)] = target
    keys = [header_key(name) for name in header]
    unknown = set(wanted) - set(keys)
    if unknown:
        raise CsvImportError(f"--map names a column the file does not have: {', '.join(sorted(unknown))}.")
    targets, taken = [], set()
    for name, key in zip(header, keys, strict=True):
        if key in wanted:
            target = wanted[key]
        elif key in IGNORED_COLUMNS or not key:
            target = SKIP
        else:
            target = _BY_KEY.get(key, f"custom:{name.strip()}")
        if target in taken and not target.startswith("custom:") and target != SKIP:
            target = f"custom:{name.strip()}"
        taken.add(target)
        targets.append(target)
    return targets


def detect_encoding(path: Path, sample_size: int = 1 << 20) -> str:
    """`utf-8-sig` for UTF-8 (a BOM, if any, is dropped); otherwise charset-normalizer's best guess."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        f.seek(0)
        try:
            while chunk := f.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
        f.seek(0)
        sample = f.read(sample_size)
    from charset_normalizer import from_bytes

    results = list(from_bytes(sample))
    if not results:
        return "cp1252"
    best = results[0]
    # Western code pages are the usual non-UTF-8 CRM export, and short Latin text is ambiguous between them
    # (charset-normalizer may rank mac_latin2 or cp1257 first): take cp1252 when it reads nearly as well.
    for match in results:
        if match.encoding in ("cp1252", "latin_1", "iso8859_15") and match.chaos <= best.chaos + 0.05:
            return "cp1252"
    encoding = best.encoding
    # A guess from a sample may miss bytes further on; these 8-bit encodings decode every byte.
    return "cp1252" if encoding in ("ascii", "utf_8") else encoding


def sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","
