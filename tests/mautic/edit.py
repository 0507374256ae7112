"""PATCH and PUT /api/contacts/{id}/edit (spec §14)."""

from __future__ import annotations

from typing import Any

from tests.mautic import changes
from tests.mautic.entities import Contact
from tests.mautic.fields import coerce
from tests.mautic.model import Model
from tests.mautic.php import is_numeric, parse_datetime, str_getcsv, to_int, truthy, values_of
from tests.mautic.replies import Reply, invalid, not_found, view
from tests.mautic.routes import Call
from tests.mautic.serialize import contact_json


def edit_contact(model: Model, call: Call) -> Reply:
    """editEntityAction(): PATCH on a missing id is a 404, PUT creates (201 with Location); a merged id edits the
    winner. Unknown keys are ignored (allow_extra_fields)."""
    put = call.method == "PUT"
    contact = model.contact(call.args[0])
    status = 200
    if contact is None:
        if not put:
            return not_found()
        contact = Contact(id=model.next_id("contact"), date_added=model.now, created_by=call.principal.actor.id)
        contact.created_by_user = call.principal.actor.name
        model.contacts[contact.id] = contact
        status = 201
    changed = _apply(model, contact, call.body, put)
    if isinstance(changed, Reply):
        return changed
    if changes.identify(model, contact):
        changed.add("date_identified")
    if "email" in call.body:
        _merge_duplicate(model, contact, call)
    if status == 201:
        contact.modified_by = None  # a new entity only gets created* (FormModel::setTimestamps())
        location = [("Location", f"{call.base_url}/api/contacts/{contact.id}")]
        return view({"contact": contact_json(model, contact)}, 201, location)
    changes.save(model, contact, call.principal.actor, changed)
    return view({"contact": contact_json(model, contact)})


def _apply(model: Model, contact: Contact, body: dict[str, Any], put: bool) -> set[str] | Reply:
    """Fields, owner, stage, tags, ipAddress, lastActive and doNotContact. For PATCH (and POST) blanks are ignored
    unless overwriteWithBlank is truthy, and every numeric value whose (int) is 0 is dropped, so a number field or
    points cannot be set to 0 (CustomFieldsApiControllerTrait::setCustomFieldValues() array_filter)."""
    overwrite = truthy(body["overwriteWithBlank"]) if "overwriteWithBlank" in body else put
    changed: set[str] = set()
    for spec in model.published_fields():
        if spec.alias == "last_active":
            continue
        if spec.alias not in body and not put:
            continue
        value = body.get(spec.alias)
        blank = value is None or value == ""
        if not put and is_numeric(value) and to_int(value) == 0:
            continue
        if blank and (not overwrite or spec.alias == "points"):
            continue
        try:
            stored = coerce(spec, value)
        except (TypeError, ValueError):
            return invalid(spec.alias)
        if spec.alias == "points":
            if stored != contact.points:
                contact.points = int(stored)
                changed.add("points")
        elif contact.values.get(spec.alias) != stored:
            if stored is None:
                contact.values.pop(spec.alias, None)
            else:
                contact.values[spec.alias] = stored
            changed.add(spec.alias)
    if "owner" in body:
        owner = body["owner"]
        if owner in (None, ""):
            new_owner = None
        elif to_int(owner) in model.users:
            new_owner = to_int(owner)
        else:
            return invalid("owner")
        if new_owner != contact.owner:
            contact.owner = new_owner
            changed.add("owner")
    if body.get("stage") is not None:  # isset(): a null stage is ignored; an unknown id clears it
        stage = to_int(body["stage"])
        new_stage = stage if stage in model.stages else None
        if new_stage != contact.stage:
            contact.stage = new_stage
            changed.add("stage")
    if "tags" in body:
        tags = body["tags"]
        names = values_of(tags) if isinstance(tags, list | dict) else str_getcsv(str(tags)) if tags else []
        if changes.modify_tags(model, contact, names):
            changed.add("tags")
    if body.get("ipAddress"):
        address = str(body["ipAddress"])
        if address not in contact.ips:
            model.ip(address, {})
            contact.ips.append(address)
            changed.add("ip_addresses")
    if body.get("lastActive"):
        try:
            when = parse_datetime(str(body["lastActive"]), model.now)
        except ValueError:
            return invalid("lastActive")
        if when != contact.last_active:
            contact.last_active = when
            changed.add("last_active")
    for entry in values_of(body.get("doNotContact")):
        if not isinstance(entry, dict) or not entry.get("channel"):
            continue
        channel, reason = str(entry["channel"]), to_int(entry.get("reason", 3))
        if reason == 0:  # LeadApiController::preSaveEntity(): reason 0 removes the row
            done = changes.remove_dnc(contact, channel)
        else:
            done = changes.add_dnc(model, contact, channel, reason, str(entry.get("comments", "")))
        if done:
            changed.add("dnc_channel_status")
    return changed


def _merge_duplicate(model: Model, contact: Contact, call: Call) -> None:
    """A unique identifier (email) sent in the request that matches another contact merges that one into this
    one (LeadApiController::preSaveEntity(), $contactMerger->merge($entity, $existingEntity))."""
    email = contact.values.get("email")
    if not email:
        return
    for other in list(model.contacts.values()):
        if other.id != contact.id and str(other.values.get("email", "")).lower() == str(email).lower():
            changes.merge(model, contact, other, call.principal.actor)
            return
