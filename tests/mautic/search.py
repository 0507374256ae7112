"""The contact list's `search` string and the leads columns it and `where[]` read (spec §2.1)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.mautic.entities import Contact
from tests.mautic.model import Model
from tests.mautic.php import db_time
from tests.mautic.query import DATE, NUMBER, TEXT, Columns, Getter, like

Predicate = Callable[[Contact], bool]

# Columns of the leads table that are entity properties (Lead.php ORM metadata); field columns are added per
# instance. ORM names convert to these at the top level of a where (CommonRepository::convertOrmProperties()).
_ENTITY: dict[str, tuple[str, Callable[[Contact], Any]]] = {
    "id": (NUMBER, lambda c: c.id),
    "owner_id": (NUMBER, lambda c: c.owner),
    "stage_id": (NUMBER, lambda c: c.stage),
    "is_published": (NUMBER, lambda c: int(c.published)),
    "date_added": (DATE, lambda c: db_time(c.date_added)),
    "date_modified": (DATE, lambda c: db_time(c.date_modified)),
    "date_identified": (DATE, lambda c: db_time(c.date_identified)),
    "last_active": (DATE, lambda c: db_time(c.last_active)),
    "created_by": (NUMBER, lambda c: c.created_by),
    "created_by_user": (TEXT, lambda c: c.created_by_user),
    "modified_by": (NUMBER, lambda c: c.modified_by),
    "modified_by_user": (TEXT, lambda c: c.modified_by_user),
    "points": (NUMBER, lambda c: c.points),
    "color": (TEXT, lambda c: c.color),
    "preferred_profile_image": (TEXT, lambda c: "gravatar"),
}
_ORM = {
    "dateAdded": "date_added",
    "dateModified": "date_modified",
    "dateIdentified": "date_identified",
    "lastActive": "last_active",
    "isPublished": "is_published",
    "createdBy": "created_by",
    "createdByUser": "created_by_user",
    "modifiedBy": "modified_by",
    "modifiedByUser": "modified_by_user",
    "owner": "owner_id",
    "stage": "stage_id",
    "preferredProfileImage": "preferred_profile_image",
}
# CommonRepository::addStandardCatchAllWhereClause() via LeadRepository::addCatchAllWhereClause().
_CATCH_ALL = ("firstname", "lastname", "email", "company", "city", "state", "zipcode", "country",
              "facebook", "foursquare", "instagram", "linkedin", "skype", "twitter")  # fmt: skip
_TOKEN = re.compile(r'(!?)(?:([A-Za-z_][\w]*):)?("[^"]*"|\S+)')


def lead_columns(model: Model) -> Columns:
    """The leads table for where/orderBy: entity columns plus one column per field alias (published or not)."""

    def column(name: str) -> tuple[str, Getter] | None:
        if name in _ENTITY:
            return _ENTITY[name]
        spec = model.field(name)
        if spec is None:
            return None
        kind = NUMBER if spec.type in ("number", "boolean") else DATE if spec.type in ("datetime", "date") else TEXT

        def getter(contact: Contact, alias: str = name) -> Any:
            value = model.raw_value(contact, alias)
            return int(value) if isinstance(value, bool) else value

        return kind, getter

    return Columns("l", column, _ORM)


def search(model: Model, text: str, actor_id: int | None) -> Predicate | None:
    """SearchStringHelper's parse, as far as contacts need it: terms are ANDed unless joined by `or`, `!` negates,
    `command:value` is a prefix LIKE 'value%', plain text a LIKE '%text%' catch-all (LeadRepository::
    addSearchCommandWhereClause(), getSearchCommands()). Anonymous visitors are included unless excluded."""
    result: Predicate | None = None
    joiner = "and"
    for negate, command, term in _TOKEN.findall(text.strip()):
        if not command and not negate and term.lower() in ("or", "and"):
            joiner = term.lower()
            continue
        test = _term(model, command.lower(), term.strip('"'), actor_id)
        if negate:
            test = _negated(test)
        if result is None:
            result = test
        elif joiner == "or":
            result = _either(result, test)
        else:
            result = _both(result, test)
        joiner = "and"
    return result


def _negated(test: Predicate) -> Predicate:
    return lambda contact: not test(contact)


def _either(first: Predicate, second: Predicate) -> Predicate:
    return lambda contact: first(contact) or second(contact)


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda contact: first(contact) and second(contact)


def _term(model: Model, command: str, value: str, actor_id: int | None) -> Predicate:
    prefix = like(value + "%")
    if command == "is":
        flags: dict[str, Predicate] = {
            "anonymous": lambda c: c.date_identified is None,
            "unowned": lambda c: c.owner is None,
            "mine": lambda c: c.owner is not None and c.owner == actor_id,
        }
        return flags.get(value.lower(), lambda c: False)
    if command == "email":
        return lambda c: prefix(c.values.get("email"))
    if command == "name":
        return lambda c: prefix(c.values.get("firstname")) or prefix(c.values.get("lastname"))
    if command == "tag":
        return lambda c: any(prefix(tag) for tag in c.tags)
    if command == "ip":
        return lambda c: any(prefix(address) for address in c.ips)
    if command == "ids":
        wanted = {part.strip() for part in value.split(",")}
        return lambda c: str(c.id) in wanted
    if command == "stage":
        return lambda c: c.stage in model.stages and prefix(model.stages[c.stage].name)
    if command == "owner":
        return lambda c: (
            c.owner in model.users
            and (prefix(model.users[c.owner].first_name) or prefix(model.users[c.owner].last_name))
        )
    if command == "segment":
        chosen = {sid for sid, segment in model.segments.items() if prefix(segment.alias)}
        return lambda c: any(
            sid in chosen and not row.manually_removed for sid, row in model.segment_members.get(c.id, {}).items()
        )
    if command and model.field(command) is not None:
        return lambda c: prefix(model.raw_value(c, command))
    anywhere = like(f"%{value}%" if not command else f"%{command}:{value}%")
    return lambda c: any(anywhere(c.values.get(alias)) for alias in _CATCH_ALL)
