"""Contact fields: the installed defaults, and how a field and its value appear in `fields` (spec §3.1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.mautic.php import php_serialize

GROUPS = ("core", "social", "personal", "professional")  # LeadRepository::getFieldGroups() (5.1.1, l.529)

# (alias, label, type, fixed, properties): FieldModel::$coreFields, installed in this order by
# InstallBundle/InstallFixtures/ORM/LeadFieldData.php (group "core" unless given; same list in 4.4.13).
_CORE: list[tuple[str, str, str, bool, dict[str, Any]]] = [
    ("title", "Title", "lookup", True, {"list": "Mr|Mrs|Miss"}),
    ("firstname", "First Name", "text", True, {}),
    ("lastname", "Last Name", "text", True, {}),
    ("company", "Primary company", "text", True, {}),
    ("position", "Position", "text", True, {}),
    ("email", "Email", "email", True, {}),
    ("mobile", "Mobile", "tel", True, {}),
    ("phone", "Phone", "tel", True, {}),
    ("points", "Points", "number", True, {}),
    ("fax", "Fax", "tel", False, {}),
    ("address1", "Address Line 1", "text", True, {}),
    ("address2", "Address Line 2", "text", True, {}),
    ("city", "City", "text", True, {}),
    ("state", "State", "region", True, {}),
    ("zipcode", "Zip Code", "text", True, {}),
    ("country", "Country", "country", True, {}),
    ("preferred_locale", "Preferred Locale", "locale", True, {}),
    ("timezone", "Preferred Timezone", "timezone", True, {}),
    ("last_active", "Date Last Active", "datetime", True, {}),
    ("attribution_date", "Attribution Date", "datetime", True, {}),
    ("attribution", "Attribution", "number", True, {"roundmode": 4, "scale": 2}),
    ("website", "Website", "url", False, {}),
]
_SOCIAL = ["facebook", "foursquare", "instagram", "linkedin", "skype", "twitter"]
_SOCIAL_LABELS = {"linkedin": "LinkedIn"}

# Columns the contact entity itself owns, kept out of `values` (Lead.php maps them as properties).
ENTITY_COLUMNS = ("points", "last_active")


@dataclass(slots=True)
class Field:
    """One row of lead_fields."""

    id: int
    alias: str
    label: str
    type: str = "text"
    group: str = "core"
    order: int = 0
    is_fixed: bool = False
    properties: dict[str, Any] = field(default_factory=dict)
    default_value: str | None = None
    published: bool = True
    unique: bool = False
    _base: dict[str, Any] | None = None

    @property
    def scale(self) -> Any:
        return self.properties.get("scale")

    def redefine(self, label: str, kind: str, group: str, properties: dict[str, Any] | None) -> None:
        self.label, self.type, self.group = label, kind, group
        self.properties = dict(properties or self.properties)
        self._base = None

    def base(self) -> dict[str, Any]:
        """The raw lead_fields columns as DBAL returns them: id and is_fixed are strings, properties
        PHP-serialized (CustomFieldRepositoryTrait::getCustomFieldList(); samples in mautic/mautic #9207)."""
        if self._base is None:
            self._base = {
                "id": str(self.id),
                "label": self.label,
                "alias": self.alias,
                "type": self.type,
                "group": self.group,
                "object": "lead",
                "is_fixed": "1" if self.is_fixed else "0",
                "properties": php_serialize(self.properties),
                "default_value": self.default_value,
            }
        return self._base


def default_fields() -> list[Field]:
    """The fields of a fresh install, with the ids the installer gives them (firstname is 2)."""
    rows = [(alias, label, kind, "core", fixed, props) for alias, label, kind, fixed, props in _CORE]
    rows += [(alias, _SOCIAL_LABELS.get(alias, alias.title()), "text", "social", False, {}) for alias in _SOCIAL]
    return [
        Field(index, alias, label, kind, group, index, fixed, dict(props), unique=alias == "email")
        for index, (alias, label, kind, group, fixed, props) in enumerate(rows, start=1)
    ]


def typed_value(spec: Field, raw: Any, *, listing: bool) -> Any:
    """A value as the API shows it: numbers and points fixed to int/float by fixNumbers(), booleans int 1/0 on
    the single GET (fixValueType) but the raw string "1"/"0" in lists (raw DBAL), everything else a string.

    5.1.1:CustomFieldRepositoryTrait::formatFieldValues(), CustomFieldHelper::fixValueType(),
    CustomFieldsApiControllerTrait::fixNumbers()."""
    if raw is None:
        return None
    if spec.alias == "points":
        return int(raw)
    if spec.type == "number":
        return float(raw) if spec.scale else int(float(raw))
    if spec.type == "boolean":
        flag = 1 if raw in (True, 1, "1") else 0
        return str(flag) if listing else flag
    return raw if isinstance(raw, str) else str(raw)


def normalized(spec: Field, value: Any, version: str) -> Any:
    """`normalizedValue`: the label of a select/lookup/boolean choice, else the value. A null value is "" in 5.x
    (`$field['value'] ?? ''`) and stays null in 4.4 (ArrayHelper::getValue): 5.1.1 and
    4.4.13:app/bundles/LeadBundle/Helper/CustomFieldValueHelper.php."""
    if value is None:
        return "" if version == "5" else None
    if spec.type in ("select", "lookup"):
        return _choices(spec).get(str(value), value)
    if spec.type == "multiselect":
        labels = _choices(spec)
        return "|".join(labels.get(part, part) for part in str(value).split("|"))
    if spec.type == "boolean":
        key = "yes" if value in (1, "1", True) else "no"
        return spec.properties.get(key, key.title())
    return value


def _choices(spec: Field) -> dict[str, str]:
    choices = spec.properties.get("list", "")
    if isinstance(choices, str):
        return {choice: choice for choice in choices.split("|") if choice}
    if isinstance(choices, dict):
        return {str(value): str(label) for value, label in choices.items()}
    return {str(item.get("value")): str(item.get("label")) for item in choices if isinstance(item, dict)}


def coerce(spec: Field, value: Any) -> Any:
    """A value stored into the column of its type (what MySQL would keep), from Python or a request body."""
    if value is None or value == "":
        return None
    if spec.type == "number" or spec.alias == "points":
        number = float(value)
        return number if spec.scale else int(number)
    if spec.type == "boolean":
        return str(value).lower() in ("1", "true", "yes", "on")
    if spec.type == "multiselect" and isinstance(value, list | tuple):
        return "|".join(str(item) for item in value)
    return str(value)
