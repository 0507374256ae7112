"""One contact, found by id or email, and everything its page shows: written once, as SQL text.

Run like the search (store/lookup.py) through a `Run`: the store's `resolve_contact` and `get_contact` over
SQLAlchemy, `dossier show` over plain sqlite3. Values come as the driver gives them (SQLite: times and JSON as
stored text; PostgreSQL: typed) and are made the same here. No SQLAlchemy: this module is on the quick path.
"""

from __future__ import annotations

import json
from typing import Any

from plain.errors import UserError
from store.db import stored_time
from store.family import among, family
from store.lookup import Run
from store.normalize import normalize_email
from store.rows import ContactDetail, Location, SocialHandle, display_name

MAX_ID = 2**63 - 1  # SQLite's largest integer


class ContactNotFound(UserError, LookupError):
    """No contact matches what was asked for; the message says what was looked up."""


def resolve(run: Run, ref: str | int) -> tuple[int, int | None]:
    """Find a contact by id or email; follow merges to the survivor.

    Returns `(contact_id, merged_from)` where `merged_from` is the id asked for when it was merged away.
    """
    contact_id = _find(run, str(ref).strip())
    merged_from = None
    seen = set()
    while True:
        target = run("SELECT merged_into_id FROM contact WHERE id = :id", {"id": contact_id})[0][0]
        if target is None or target in seen:
            return contact_id, merged_from
        seen.add(contact_id)
        merged_from = merged_from or contact_id
        contact_id = target


def _find(run: Run, ref: str) -> int:
    if ref.isascii() and ref.isdigit():
        number = int(ref)
        found = run("SELECT id FROM contact WHERE id = :id", {"id": number}) if number <= MAX_ID else []
        if not found:
            raise ContactNotFound(f"No contact has the id {ref}.")
        return found[0][0]
    normalized = normalize_email(ref)
    if normalized is None:
        raise ContactNotFound(f"{ref!r} is neither a contact id nor an email address.")
    rows = run(
        "SELECT id, email FROM contact WHERE email_normalized = :email ORDER BY merged_into_id IS NOT NULL, id",
        {"email": normalized},
    )
    exact = [row[0] for row in rows if (row[1] or "").strip().lower() == ref.lower()]
    if exact:
        return exact[0]
    raise ContactNotFound(f"No contact has the email address {ref!r}.")


# The contact's own columns that the page shows, in ContactDetail's order.
_FIELDS = (
    "firstname",
    "lastname",
    "email",
    "phone",
    "mobile",
    "company",
    "position",
    "address1",
    "address2",
    "city",
    "region",
    "zipcode",
    "country",
    "website",
    "points",
    "stage",
    "owner",
    "tags",
    "avatar_source",
    "date_added",
    "date_modified",
    "last_active",
    "custom_fields",
)
_TIMES = {"date_added", "date_modified", "last_active"}
_JSON = {"tags", "custom_fields"}
_GROUP_NAMES = (
    "SELECT {group}.name FROM {group} JOIN {group}_membership ON {group}_membership.{group}_id = {group}.id "
    "WHERE {group}_membership.contact_id = :id AND {group}_membership.manually_removed IS FALSE ORDER BY {group}.name"
)
_LOCATIONS = (
    "SELECT ip_address.ip, ip_address.city, ip_address.region, ip_address.country, ip_address.latitude, "
    "ip_address.longitude, contact_ip.first_seen, contact_ip.last_seen FROM ip_address "
    "JOIN contact_ip ON contact_ip.ip_address_id = ip_address.id "
    "WHERE contact_ip.contact_id = :id ORDER BY contact_ip.last_seen DESC"
)
# Its own sync record, else that of a record merged into it here (the most recently synced): a merge in
# Dossier does not join the records there, and the survivor's changes still go to one of them.
ORIGIN = (
    "SELECT sync_state.source, sync_state.remote_id, sync_state.synced_at FROM sync_state "
    "JOIN contact ON contact.id = sync_state.contact_id "
    "WHERE sync_state.contact_id = :id OR contact.merged_into_id = :id "
    "ORDER BY sync_state.contact_id != :id, sync_state.synced_at DESC LIMIT 1"
)


def contact_detail(run: Run, contact_id: int) -> ContactDetail:
    """Everything the contact page shows about one contact."""
    found = run(f"SELECT id, {', '.join(_FIELDS)} FROM contact WHERE id = :id", {"id": contact_id})
    if not found:
        raise ContactNotFound(f"No contact has the id {contact_id}.")
    values = dict(zip(_FIELDS, found[0][1:], strict=True))
    for name in _TIMES:
        values[name] = stored_time(values[name])
    for name in _JSON:
        values[name] = _json(values[name])
    name = display_name(contact_id, values["firstname"], values["lastname"], values["email"])
    detail = ContactDetail(id=found[0][0], name=name, **values)
    key = {"id": contact_id}
    detail.do_not_contact = [row[0] for row in run("SELECT channel FROM do_not_contact WHERE contact_id = :id", key)]
    detail.segments = [row[0] for row in run(_GROUP_NAMES.format(group="segment"), key)]
    detail.campaigns = [row[0] for row in run(_GROUP_NAMES.format(group="campaign"), key)]
    contact, members = among("contact_id", family(run, contact_id))
    detail.event_count = run(f"SELECT count(*) FROM event WHERE {contact}", members)[0][0]
    detail.note_count = run("SELECT count(*) FROM note WHERE contact_id = :id", key)[0][0]
    detail.locations = [
        Location(ip, city, region, country, latitude, longitude, stored_time(first), stored_time(last))
        for ip, city, region, country, latitude, longitude, first, last in run(_LOCATIONS, key)
    ]
    social = run("SELECT network, handle FROM social_profile WHERE contact_id = :id ORDER BY network", key)
    detail.social_profiles = [SocialHandle(network=network, handle=handle) for network, handle in social]
    origin = run(ORIGIN, key)
    if origin:
        source, remote_id, synced_at = origin[0]
        detail.origin, detail.origin_id, detail.synced_at = source, remote_id, stored_time(synced_at)
    return detail


def _json(value: Any) -> Any:
    """A JSON column's value: parsed by PostgreSQL's driver already, stored text on SQLite."""
    return json.loads(value) if isinstance(value, str | bytes) else value
