"""Contact endpoints: list, one, delete, activity, notes, segments, campaigns and DNC (spec §2-§8)."""

from __future__ import annotations

from typing import Any

from tests.mautic import changes
from tests.mautic.edit import edit_contact
from tests.mautic.model import Model
from tests.mautic.note_routes import NOTE_COLUMNS
from tests.mautic.php import clean, iso, to_int, truthy, values_of
from tests.mautic.query import limits, order_specs, page, sort, where
from tests.mautic.replies import Reply, error, keyed, not_found, view
from tests.mautic.routes import Call, route
from tests.mautic.search import lead_columns, search
from tests.mautic.serialize import contact_json, odd_contact_json, selected_json, without_nulls
from tests.mautic.shapes import note_json
from tests.mautic.timeline import engagements, kinds

route("PUT|PATCH", "/api/contacts/{id}/edit")(edit_contact)


@route("GET", "/api/contacts")
def list_contacts(model: Model, call: Call) -> Reply:
    """getEntitiesAction + getEntitiesWithCustomFields(): `total` is the DBAL count as a string, `contacts` an
    object keyed by id in ORDER BY order, `{}` when empty (EntityResultHelper::getArray(), 4.0+)."""
    params = call.query
    columns = lead_columns(model)
    raw_where = params.get("where")
    tests = where(columns, raw_where) if raw_where else []
    text = params.get("search")
    found = search(model, str(text), call.principal.actor.id) if isinstance(text, str) and text else None
    # A non-empty where replaces the force filters (CommonRepository::buildWhereClause() l.1468/~1470).
    published_only = truthy(call.get("published")) and not raw_where
    rows = [
        contact
        for contact in model.contacts.values()
        if (found is None or found(contact))
        and all(test(contact) for test in tests)
        and (contact.published or not published_only)
    ]
    specs = order_specs(columns, params, [("last_active", "DESC")])  # LeadRepository::getDefaultOrder()
    start, limit = limits(params)
    chosen = page(sort(rows, specs, (start, limit), lambda c: c.id), start, limit)
    raw_select = params.get("select")
    select = [str(name) for name in clean(values_of(raw_select) if isinstance(raw_select, list | dict) else [])]
    minimal = truthy(call.get("minimal"))
    contacts: dict[str, Any] = {}
    for contact in chosen:
        if select:
            contacts[str(contact.id)] = selected_json(model, contact, select)
        else:
            contacts[str(contact.id)] = contact_json(model, contact, listing=True, minimal=minimal)
    return view({"total": str(len(rows)), "contacts": contacts})


@route("GET", "/api/contacts/{id}")
def get_contact(model: Model, call: Call) -> Reply:
    """A merged-away id answers with the winner (LeadModel::getEntity() falls back to merge records)."""
    contact = model.contact(call.args[0])
    if contact is None:
        return not_found()
    return view({"contact": contact_json(model, contact)})


@route("DELETE", "/api/contacts/{id}/delete")
def delete_contact(model: Model, call: Call) -> Reply:
    """deleteEntityAction(): the entity serialized after the remove, so its id is null."""
    contact = model.contact(call.args[0])
    if contact is None:
        return not_found()
    data = contact_json(model, contact)
    data["id"] = None
    data["fields"]["all"]["id"] = None
    changes.delete(model, contact)
    return view({"contact": data})


def _registry(model: Model) -> list[Any]:
    """One set of event types per instance: they cache the all-contacts ordering of their tables."""
    if "kinds" not in model.caches:
        model.caches["kinds"] = kinds()
    registry: list[Any] = model.caches["kinds"]
    return registry


@route("GET", "/api/contacts/activity")
def all_activity(model: Model, call: Call) -> Reply:
    """getAllActivityAction: every contact's events; there is no contact filter (identical in 4.4.13 l.357)."""
    return view(engagements(model, None, call.query, _registry(model)))


@route("GET", "/api/contacts/{id}/activity")
def contact_activity(model: Model, call: Call) -> Reply:
    contact = model.contact(call.args[0])
    if contact is None:
        return not_found()
    return view(engagements(model, contact.id, call.query, _registry(model)))


@route("GET", "/api/contacts/{id}/notes")
def contact_notes(model: Model, call: Call) -> Reply:
    """getNotesAction: `{total:int, notes:[...]}`, default order n.dateAdded DESC, groups leadNoteDetails only and
    no nulls, so the lead is `{}`."""
    contact = model.contact(call.args[0])
    if contact is None:
        return not_found()
    params = dict(call.query)
    rows = model.notes_of(contact.id)
    text = params.get("search")
    if isinstance(text, str) and text:
        rows = [note for note in rows if text.lower() in note.text.lower()]
    params.setdefault("orderBy", "n.dateAdded")
    params.setdefault("orderByDir", "DESC")
    specs = order_specs(NOTE_COLUMNS, params, [])
    chosen = page(sort(rows, specs, (0, 0), lambda n: n.id), *limits(params))
    notes = [without_nulls(note_json(model, note, nested_lead=False)) for note in chosen]
    return view({"total": len(rows), "notes": notes})


@route("GET", "/api/contacts/{id}/segments")
def contact_segments(model: Model, call: Call) -> Reply:
    """LeadListRepository::getLeadLists($id, true, true) (5.1.1 l.115-188): manually removed rows are left out,
    unpublished segments are kept."""
    contact = model.contact(call.args[0])
    if contact is None:
        return not_found()
    lists = {}
    for segment_id, row in sorted(model.member_segments(contact.id).items()):
        segment = model.segments[segment_id]
        if not row.manually_removed:
            lists[str(segment_id)] = {
                "id": segment.id,
                "name": segment.name,
                "alias": segment.alias,
                "dateAdded": iso(row.date_added),
                "manuallyAdded": row.manually_added,
                "manuallyRemoved": row.manually_removed,
            }
    return view({"total": len(lists), "lists": keyed(lists)})


@route("GET", "/api/contacts/{id}/campaigns")
def contact_campaigns(model: Model, call: Call) -> Reply:
    """CampaignRepository::getPublishedCampaigns() (5.1.1 l.65): published campaigns inside their window only,
    removed memberships left out; a campaign without segments keeps `lists: []` instead of listMembership."""
    contact = model.contact(call.args[0])
    if contact is None:
        return not_found()
    found = {}
    for campaign_id, row in sorted(model.member_campaigns(contact.id).items()):
        campaign = model.campaigns[campaign_id]
        live = campaign.published and (campaign.publish_up is None or campaign.publish_up <= model.now)
        live = live and (campaign.publish_down is None or campaign.publish_down >= model.now)
        if not live or row.manually_removed:
            continue
        item: dict[str, Any] = {
            "id": campaign.id,
            "name": campaign.name,
            "dateAdded": iso(row.date_added),
            "manuallyAdded": row.manually_added,
            "manuallyRemoved": row.manually_removed,
        }
        if campaign.segments:
            item["listMembership"] = list(campaign.segments)
        else:
            item["lists"] = []
        found[str(campaign_id)] = item
    return view({"total": len(found), "campaigns": keyed(found)})


@route("GET", "/api/contacts/list/segments")
def user_segments(model: Model, call: Call) -> Reply:
    """ListModel::getUserLists() with no envelope: published segments by name."""
    chosen = sorted((s for s in model.segments.values() if s.published), key=lambda s: s.name.casefold())
    return view(keyed({str(s.id): {"id": s.id, "name": s.name, "alias": s.alias} for s in chosen}))


@route("POST", "/api/contacts/{id}/dnc/{channel}/add")
def add_dnc(model: Model, call: Call) -> Reply:
    """LeadApiController::addDncAction: reason from the body, default 3; 0 or non-numeric is a 400 whose details
    are a list in 5.x and a plain string in 4.4.13. The save records dnc_channel_status, so dateModified moves."""
    contact = model.contact(call.args[0])
    if contact is None:
        return not_found()
    reason = to_int(call.body.get("reason", 3))
    if reason == 0:
        detail = "Reason code needs to be an integer and higher than 0."
        return error(400, "Invalid reason code given", [detail] if model.version == "5" else detail)
    comments = clean(call.body.get("comments", "")) or ""
    channel_id = to_int(call.body.get("channelId")) or None
    changed = changes.add_dnc(model, contact, call.args[1], reason, comments, channel_id)
    changes.save(model, contact, call.principal.actor, {"dnc_channel_status"} if changed else set())
    return view({"contact": odd_contact_json(model, contact)})


@route("POST", "/api/contacts/{id}/dnc/{channel}/remove")
def remove_dnc(model: Model, call: Call) -> Reply:
    contact = model.contact(call.args[0])
    if contact is None:
        return not_found()
    found = changes.remove_dnc(contact, call.args[1])
    changes.save(model, contact, call.principal.actor, {"dnc_channel_status"} if found else set())
    return view({"recordFound": found, "contact": odd_contact_json(model, contact)})
