"""Contacts as JSON: the full and minimal forms, `select[]`, and the odd shape the DNC endpoints send."""

from __future__ import annotations

from typing import Any

from tests.mautic.entities import Contact, Published
from tests.mautic.fields import GROUPS, normalized, typed_value
from tests.mautic.model import Model
from tests.mautic.php import iso

# AbstractLookup::getDetails() keys (5.1.1:app/bundles/CoreBundle/IpLookup/AbstractLookup.php).
IP_DETAIL_KEYS = (
    "city", "region", "zipcode", "country", "latitude", "longitude", "isp", "organization", "timezone", "extra",
)  # fmt: skip


def publish_details(entity: Published) -> dict[str, Any]:
    """FormEntity::loadApiMetadata (5.1.1:app/bundles/CoreBundle/Entity/FormEntity.php:134); JMS emits the
    parent class's properties first, so these lead every entity."""
    return {
        "isPublished": entity.published,
        "dateAdded": iso(entity.date_added),
        "dateModified": iso(entity.date_modified),
        "createdBy": entity.created_by,
        "createdByUser": entity.created_by_user,
        "modifiedBy": entity.modified_by,
        "modifiedByUser": entity.modified_by_user,
    }


def fields_json(model: Model, contact: Contact, *, listing: bool) -> dict[str, Any]:
    """`fields`: every group (an empty one is `[]`), then `all`, which starts with the id
    (CustomFieldRepositoryTrait::formatFieldValues(), CustomFieldEntityTrait::getProfileFields())."""
    groups: dict[str, dict[str, Any]] = {group: {} for group in GROUPS}
    everything: dict[str, Any] = {"id": contact.id}
    for spec in model.published_fields():
        value = typed_value(spec, model.raw_value(contact, spec.alias), listing=listing)
        entry = dict(spec.base())
        entry["value"] = value
        entry["normalizedValue"] = normalized(spec, value, model.version)
        groups[spec.group][spec.alias] = entry
        everything[spec.alias] = value
    result: dict[str, Any] = {group: entries or [] for group, entries in groups.items()}
    result["all"] = everything
    return result


def owner_json(model: Model, user_id: int | None) -> dict[str, Any] | None:
    """The `userList` group (5.1.1:app/bundles/UserBundle/Entity/User.php:277); createdByUser and modifiedByUser
    leak through at depth 2 because PublishDetailsExclusionStrategy does not list them (spec §2.5, derived)."""
    user = model.users.get(user_id) if user_id is not None else None
    if user is None:
        return None
    return {
        "createdByUser": user.created_by_user,
        "modifiedByUser": None,
        "id": user.id,
        "username": user.username,
        "firstName": user.first_name,
        "lastName": user.last_name,
    }


def stage_json(model: Model, stage_id: int | None) -> dict[str, Any] | None:
    """The `stageList` group (StageBundle/Entity/Stage.php:103), with the same leak as the owner."""
    stage = model.stages.get(stage_id) if stage_id is not None else None
    if stage is None:
        return None
    return {
        "createdByUser": stage.created_by_user,
        "modifiedByUser": stage.modified_by_user,
        "id": stage.id,
        "name": stage.name,
        "category": None,
        "weight": stage.weight,
        "description": stage.description,
    }


def ips_json(model: Model, contact: Contact) -> dict[str, Any] | list:
    """Keyed by address (`indexBy('ipAddress')` in Lead.php), `[]` when empty (IpAddress.php:52)."""
    result = {}
    for address in contact.ips:
        row = model.ips[address]
        details = None
        if row.details is not None:
            details = {key: "" for key in IP_DETAIL_KEYS} | row.details
        result[address] = {"ipAddress": address, "id": row.id, "ipDetails": details}
    return result or []


def tags_json(model: Model, contact: Contact) -> dict[str, Any] | list:
    """Keyed by tag, ordered by tag ASC (`indexBy('tag')`, Lead.php; Tag.php:47)."""
    return {tag: {"id": model.tag_id(tag), "tag": tag, "description": None} for tag in sorted(contact.tags)} or []


def dnc_json(contact: Contact) -> list[dict[str, Any]]:
    """`doNotContactList` (DoNotContact.php:94): no dateAdded, which is excluded at depth 2."""
    return [
        {
            "id": row.id,
            "reason": row.reason,
            "comments": row.comments,
            "channel": row.channel,
            "channelId": row.channel_id,
        }
        for row in contact.dnc
    ]


def contact_json(model: Model, contact: Contact, *, listing: bool = False, minimal: bool = False) -> dict[str, Any]:
    """The API contact (spec §2.5): groups leadDetails (or leadList when minimal) plus publishDetails and the
    other lists (LeadApiController constructor; Lead::loadApiMetadata, 5.1.1 Lead.php:428-462)."""
    data = publish_details(contact)
    data["id"] = contact.id
    data["points"] = contact.points
    data["color"] = contact.color
    data["fields"] = fields_json(model, contact, listing=listing)
    if minimal:
        return data
    data["lastActive"] = iso(contact.last_active)
    data["owner"] = owner_json(model, contact.owner)
    data["ipAddresses"] = ips_json(model, contact)
    data["tags"] = tags_json(model, contact)
    data["utmtags"] = []
    data["stage"] = stage_json(model, contact.stage)
    data["dateIdentified"] = iso(contact.date_identified)
    data["preferredProfileImage"] = "gravatar"  # Lead.php:186
    data["doNotContact"] = dnc_json(contact)
    data["frequencyRules"] = []
    return data


def without_nulls(value: Any) -> Any:
    """serializeNull=false: null properties vanish, and JMS drops null items from arrays too."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value if item is not None]
    return value


def selected_json(model: Model, contact: Contact, select: list[str]) -> dict[str, Any]:
    """`select[]`: only the chosen properties (field aliases narrow `fields`), and no nulls, since a custom
    select turns serializeNull off (FetchCommonApiController::setSerializationContext)."""
    full = contact_json(model, contact, listing=True)
    chosen = {key: value for key, value in full.items() if key in select}
    aliases = [alias for alias in select if model.field(alias) is not None]
    if aliases:
        narrowed: dict[str, Any] = {}
        for group in GROUPS:
            entries = full["fields"][group] or {}
            narrowed[group] = {alias: entry for alias, entry in entries.items() if alias in aliases} or []
        narrowed["all"] = {"id": contact.id} | {alias: full["fields"]["all"][alias] for alias in aliases}
        chosen["fields"] = narrowed
    return without_nulls(chosen)


def odd_contact_json(model: Model, contact: Contact) -> dict[str, Any]:
    """The contact the DNC endpoints send: a view built without setSerializationContext(), so no groups, no
    `fields.all`, every leadBasic property at the top level and no nulls (LeadApiController::addDncAction;
    spec §8, derived). Approximated: the owner gains only its email."""
    full = contact_json(model, contact)
    data = {key: full[key] for key in list(full)[:8]}
    for spec in model.fields:
        if spec.group in ("core", "social") and spec.alias not in ("points", "last_active"):
            data[spec.alias] = model.raw_value(contact, spec.alias)
    data.update({key: value for key, value in full.items() if key not in data})
    data["fields"] = {group: full["fields"][group] for group in GROUPS}
    if data["owner"] is not None:
        data["owner"]["email"] = model.users[contact.owner].email if contact.owner in model.users else None
    return without_nulls(data)
