"""Segments, campaigns and emails: lists, one item, membership changes and the API email send (§6, §7, §9)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tests.mautic import changes
from tests.mautic.history import NULL
from tests.mautic.model import Model, stamp
from tests.mautic.php import db_time, truthy
from tests.mautic.query import DATE, NUMBER, TEXT, Columns, Getter, like, limits, order_specs, page, sort, where
from tests.mautic.replies import Reply, access_denied, contact_not_found, keyed, not_found, view
from tests.mautic.routes import Call, route
from tests.mautic.shapes import campaign_json, email_json, segment_json

_COMMON: dict[str, tuple[str, Getter]] = {
    "id": (NUMBER, lambda e: e.id),
    "name": (TEXT, lambda e: e.name),
    "ispublished": (NUMBER, lambda e: int(e.published)),
    "dateadded": (DATE, lambda e: db_time(e.date_added)),
    "datemodified": (DATE, lambda e: db_time(e.date_modified)),
    "createdby": (NUMBER, lambda e: e.created_by),
    "description": (TEXT, lambda e: getattr(e, "description", None)),
}
_EXTRA: dict[str, dict[str, tuple[str, Getter]]] = {
    "l": {"alias": (TEXT, lambda s: s.alias), "isglobal": (NUMBER, lambda s: int(s.is_global))},
    "c": {"allowrestart": (NUMBER, lambda c: int(c.allow_restart))},
    "e": {"subject": (TEXT, lambda e: e.subject), "variantparent": (NUMBER, lambda e: e.parent)},
}


def _columns(alias: str) -> Columns:
    """ORM entities: property names, with or without underscores (the fake accepts both spellings)."""
    table = _COMMON | _EXTRA[alias]
    return Columns(alias, lambda name: table.get(name.replace("_", "")), {})


def _listing(
    call: Call, rows: Iterable[Any], alias: str, envelope: str, render: Callable[[Any], dict[str, Any]],
    force: Callable[[Any], bool] | None = None,
) -> Reply:  # fmt: skip
    """CommonApiController::getEntitiesAction() over an ORM repository: keyed by id through the Paginator, `total`
    an int, `[]` when empty (a Paginator is never turned into an ArrayObject). A non-empty where drops the force
    filters (published=1, and the emails' variantParent IS NULL)."""
    params = call.query
    columns = _columns(alias)
    raw_where = params.get("where")
    tests = where(columns, raw_where) if raw_where else []
    text = params.get("search")
    matches = like(f"%{text}%") if isinstance(text, str) and text else None
    published_only = truthy(call.get("published")) and not raw_where
    chosen = [
        row
        for row in rows
        if all(test(row) for test in tests)
        and (matches is None or matches(row.name))
        and (not published_only or row.published)
        and (raw_where or force is None or force(row))
    ]
    specs = order_specs(columns, params, [("id", "ASC")])
    shown = page(sort(chosen, specs, (0, 0), lambda row: row.id), *limits(params))
    return view({"total": len(chosen), envelope: keyed({str(row.id): render(row) for row in shown})})


@route("GET", "/api/segments")
def list_segments(model: Model, call: Call) -> Reply:
    """ListApiController (LeadBundle/Controller/Api/ListApiController.php): unpublished segments are included
    unless published=1."""
    return _listing(call, model.segments.values(), "l", "lists", segment_json)


@route("GET", "/api/segments/{id}")
def get_segment(model: Model, call: Call) -> Reply:
    segment = model.segments.get(int(call.args[0]))
    return not_found() if segment is None else view({"list": segment_json(segment)})


def _segment_change(model: Model, call: Call, add: bool) -> Reply:
    """ListApiController add/remove: segment 404, then contact 404 ("Contact not found."), then 403 unless the
    segment is among getUserLists(), which only returns published ones (LeadListRepository::getLists())."""
    segment = model.segments.get(int(call.args[0]))
    if segment is None:
        return not_found()
    contact = model.contact(call.args[1])
    if contact is None:
        return contact_not_found()
    if not segment.published:
        return access_denied()
    if add:
        changes.join_segment(model, contact.id, segment.id, True, model.now)
    else:
        changes.leave_segment(model, contact.id, segment.id, True, model.now)
    return view({"success": 1})  # no write to leads, so dateModified stays


@route("POST", "/api/segments/{id}/contact/{contact}/add")
def add_to_segment(model: Model, call: Call) -> Reply:
    return _segment_change(model, call, True)


@route("POST", "/api/segments/{id}/contact/{contact}/remove")
def remove_from_segment(model: Model, call: Call) -> Reply:
    return _segment_change(model, call, False)


@route("GET", "/api/campaigns")
def list_campaigns(model: Model, call: Call) -> Reply:
    return _listing(call, model.campaigns.values(), "c", "campaigns", lambda c: campaign_json(model, c))


@route("GET", "/api/campaigns/{id}")
def get_campaign(model: Model, call: Call) -> Reply:
    campaign = model.campaigns.get(int(call.args[0]))
    return not_found() if campaign is None else view({"campaign": campaign_json(model, campaign)})


def _campaign_change(model: Model, call: Call, add: bool) -> Reply:
    """CampaignApiController add/remove via MembershipManager: unpublished campaigns are not checked, and a no-op
    (already a member, not a member) is still a success."""
    campaign = model.campaigns.get(int(call.args[0]))
    if campaign is None:
        return not_found()
    contact = model.contact(call.args[1])
    if contact is None:
        return contact_not_found()
    if add:
        changes.join_campaign(model, contact.id, campaign.id, True, model.now)
    else:
        changes.leave_campaign(model, contact.id, campaign.id, model.now)
    return view({"success": 1})


@route("POST", "/api/campaigns/{id}/contact/{contact}/add")
def add_to_campaign(model: Model, call: Call) -> Reply:
    return _campaign_change(model, call, True)


@route("POST", "/api/campaigns/{id}/contact/{contact}/remove")
def remove_from_campaign(model: Model, call: Call) -> Reply:
    return _campaign_change(model, call, False)


@route("GET", "/api/emails")
def list_emails(model: Model, call: Call) -> Reply:
    """EmailApiController: parent emails only (variantParent IS NULL) unless a where is given."""
    minimal = truthy(call.get("minimal"))
    render = lambda email: email_json(model, email, minimal=minimal)  # noqa: E731
    return _listing(call, model.emails.values(), "e", "emails", render, lambda e: e.parent is None)


@route("GET", "/api/emails/{id}")
def get_email(model: Model, call: Call) -> Reply:
    email = model.emails.get(int(call.args[0]))
    return not_found() if email is None else view({"email": email_json(model, email)})


@route("POST", "/api/emails/{id}/contact/{contact}/send")
def send_email(model: Model, call: Call) -> Reply:
    """EmailApiController::sendLeadAction: the email's published state is not checked; 5.x sends transactional
    with ignoreDNC (commit 04d1b74e74), 4.4.13 skips a DNC contact and answers `{"success":false,"failed":[]}`.
    The email_stats row shows as email.sent; leads.date_modified is not touched (EmailModel.php:1295-1503)."""
    email = model.emails.get(int(call.args[0]))
    if email is None:
        return not_found()
    contact = model.contact(call.args[1])
    if contact is None:
        return contact_not_found()
    if model.version == "4" and any(row.channel == "email" for row in contact.dnc):
        return view({"success": False, "failed": []})
    record_send(model, contact.id, email.id, stamp(model.now))
    return view({"success": True})


def record_send(model: Model, contact_id: int, email_id: int, when: float) -> int:
    """An email_stats row; the email's sentCount goes up."""
    model.emails[email_id].sent_count += 1
    return model.history.stats.append(contact_id, when, email=email_id, read=NULL)
