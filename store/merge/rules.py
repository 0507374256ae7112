"""Which value each field keeps when two contacts merge: Mautic's rules, made explicit and overridable.

The survivor is the contact whose page the user is on. Per field the non-empty value of the more recently
modified contact wins, else the other's; points are summed; tags are combined; last active is the later
and added the earlier date; the owner and custom fields stay the survivor's unless empty. The user may
flip any single field to one side's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

Side = Literal["survivor", "other"]
Choice = Literal["survivor", "other", "both"]

FIELD_LABELS = {
    "firstname": "First name",
    "lastname": "Last name",
    "email": "Email",
    "phone": "Phone",
    "mobile": "Mobile",
    "company": "Company",
    "position": "Position",
    "address1": "Address",
    "address2": "Address line 2",
    "city": "City",
    "region": "Region",
    "zipcode": "Postcode",
    "country": "Country",
    "website": "Website",
    "points": "Points",
    "stage": "Stage",
    "owner": "Owner",
    "tags": "Tags",
    "avatar_source": "Avatar",
    "external_id": "External id",
    "date_added": "Added",
    "last_active": "Last active",
}
RULES = {"points": "sum", "tags": "combine", "last_active": "later", "date_added": "earlier", "owner": "survivor"}
RULE_TEXT = {
    "newer": "the newer record's value unless empty",
    "sum": "added together",
    "combine": "both combined",
    "later": "the later one",
    "earlier": "the earlier one",
    "survivor": "the survivor's unless empty",
}
CUSTOM = "custom_fields."  # prefix of a custom field's name in a preview
# Columns whose value follows another's: the normal form belongs to the value it was made from.
DERIVED = {"email": "email_normalized", "phone": "phone_e164"}


@dataclass(frozen=True, slots=True)
class FieldPreview:
    """One field of both contacts, and the value the merge keeps unless the user flips it."""

    name: str
    label: str
    survivor: Any
    other: Any
    rule: str
    choice: Choice
    merged: Any

    @property
    def differs(self) -> bool:
        return self.survivor != self.other

    def value(self, pick: Side | None = None) -> Any:
        """The merged value, or one side's when the user picked it."""
        if pick is None:
            return self.merged
        return self.survivor if pick == "survivor" else self.other

    def side(self, pick: Side | None = None) -> Choice:
        """Whose value is kept: the rule's choice, or the side the user picked."""
        return self.choice if pick is None else pick


def is_empty(value: Any) -> bool:
    """Blank text, None, or an empty list or dict: a value the other contact's may replace."""
    if isinstance(value, str):
        return not value.strip()
    return value is None or value == [] or value == {}


def _pick(rule: str, survivor: Any, other: Any, newer: Side) -> tuple[Choice, Any]:
    if rule == "sum":
        return ("both", survivor + other) if other else ("survivor", survivor)
    if survivor == other:
        return "survivor", survivor
    if rule == "combine":
        combined = list(dict.fromkeys([*survivor, *other]))
        if combined in (survivor, other):
            return ("survivor", survivor) if combined == survivor else ("other", other)
        return "both", combined
    if rule in ("later", "earlier"):
        if survivor is None or other is None:
            return ("other", other) if survivor is None else ("survivor", survivor)
        other_wins = other > survivor if rule == "later" else other < survivor
        return ("other", other) if other_wins else ("survivor", survivor)
    first: Side = "survivor" if rule == "survivor" else newer
    values = {"survivor": survivor, "other": other}
    second: Side = "other" if first == "survivor" else "survivor"
    return (first, values[first]) if not is_empty(values[first]) else (second, values[second])


def field_previews(survivor: Mapping[str, Any], other: Mapping[str, Any], newer: Side) -> tuple[FieldPreview, ...]:
    """Every field of two contacts (typed values, custom fields one by one) with the value merging keeps."""
    previews = []
    for name, label in FIELD_LABELS.items():
        rule = RULES.get(name, "newer")
        choice, merged = _pick(rule, survivor[name], other[name], newer)
        previews.append(FieldPreview(name, label, survivor[name], other[name], RULE_TEXT[rule], choice, merged))
    mine, theirs = survivor["custom_fields"] or {}, other["custom_fields"] or {}
    for key in dict.fromkeys([*mine, *theirs]):
        choice, merged = _pick("survivor", mine.get(key), theirs.get(key), newer)
        previews.append(
            FieldPreview(CUSTOM + key, key, mine.get(key), theirs.get(key), RULE_TEXT["survivor"], choice, merged)
        )
    return tuple(previews)


def check_overrides(fields: tuple[FieldPreview, ...], overrides: Mapping[str, str]) -> None:
    """Raise ValueError for a field name or side a merge does not know."""
    names = {field.name for field in fields}
    for name, side in overrides.items():
        if name not in names:
            raise ValueError(f"{name!r} is not a field of this merge.")
        if side not in ("survivor", "other"):
            raise ValueError(f"{side!r} is neither 'survivor' nor 'other'.")


def merged_values(
    fields: tuple[FieldPreview, ...],
    overrides: Mapping[str, Side],
    derived: Mapping[str, Mapping[Side, Any]],
) -> dict[str, Any]:
    """The survivor's column values after the merge, with the user's flips applied.

    `derived` holds each side's normal forms (`email_normalized`, `phone_e164`): they follow the side
    whose value was kept, or are left to be recomputed (None) when both values were combined.
    """
    values: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for field in fields:
        pick = overrides.get(field.name)
        value = field.value(pick)
        if field.name.startswith(CUSTOM):
            if value is not None:
                custom[field.name.removeprefix(CUSTOM)] = value
            continue
        values[field.name] = value
        if field.name in DERIVED:
            side = field.side(pick)
            values[DERIVED[field.name]] = derived[DERIVED[field.name]]["other" if side == "other" else "survivor"]
    values["custom_fields"] = custom
    return values


def shown(value: Any) -> str:
    """A value as one short line of text, for History and the sentences of a merge."""
    if is_empty(value):
        return "(empty)"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
