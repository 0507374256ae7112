"""GET /api/contacts/{id}/activity and /api/contacts/activity: filters, per-type paging and the merged page
(spec §4; LeadModel::getEngagements(), 5.1.1:app/bundles/LeadBundle/Model/LeadModel.php:2008)."""

from __future__ import annotations

import bisect
import math
import re
from typing import Any

from tests.mautic.activity import (
    LEAD_SUBSCRIBER,
    TYPES,
    EmailRead,
    EmailSent,
    FormSubmissions,
    Kind,
    PageHits,
    PointsGained,
    StageChanged,
)
from tests.mautic.logs import CampaignEvents, CampaignMembership, DoNotContact, ScheduledEvents, SegmentMembership
from tests.mautic.model import Model, stamp
from tests.mautic.php import clean, iso, parse_datetime, to_int, values_of
from tests.mautic.replies import ServerError


def kinds() -> list[Kind]:
    """The types this fake produces, in subscriber order; the others in TYPES are registered but always empty."""
    return [
        EmailSent(),
        EmailRead(),
        PageHits(),
        FormSubmissions(),
        CampaignEvents(),
        ScheduledEvents(),
        PointsGained(),
        StageChanged(),
        DoNotContact(),
        SegmentMembership(),
        CampaignMembership(),
    ]


def _natural(text: str) -> list[Any]:
    """strnatcmp()'s order: digit runs compare as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _types() -> dict[str, str]:
    """`types`: key -> label, natcasesort()-ed by label."""
    return dict(sorted(TYPES.items(), key=lambda item: _natural(item[1].lower())))


def _filters(params: dict[str, Any], model: Model) -> tuple[dict[str, Any], float | None, float | None]:
    """filters[] after InputHelper::clean, with search/includeEvents/excludeEvents defaulted and the dates parsed
    by `new \\DateTime()` in UTC (LeadApiController::sanitizeEventFilter())."""
    raw = params.get("filters")
    filters: dict[str, Any] = clean(raw) if isinstance(raw, dict) else {}
    filters.setdefault("search", "")
    filters.setdefault("includeEvents", [])
    filters.setdefault("excludeEvents", [])
    for key in ("includeEvents", "excludeEvents"):
        value = filters[key]
        filters[key] = values_of(value) if isinstance(value, list | dict) else [value] if value else []
    bounds: list[float | None] = []
    for key in ("dateFrom", "dateTo"):
        if filters.get(key):
            try:
                moment_ = parse_datetime(str(filters[key]), model.now)
            except ValueError as exc:
                raise ServerError(f"DateTime::__construct(): Failed to parse time string ({filters[key]})") from exc
            filters[key] = iso(moment_)
            bounds.append(float(math.floor(stamp(moment_))))
        else:
            bounds.append(None)
    return filters, bounds[0], bounds[1]


def engagements(model: Model, contact: int | None, params: dict[str, Any], registry: list[Kind]) -> dict[str, Any]:
    """The activity response. `limit` applies per type and `page` offsets each type separately
    (LeadTimelineEvent::getEventLimit()), so one page can hold limit x types events from different time ranges."""
    filters, date_from, date_to = _filters(params, model)
    order = clean(values_of(params.get("order"))) or ["timestamp", "DESC"]
    column = order[0] if order else "timestamp"
    direction = order[1] if len(order) > 1 else "DESC"
    page = max(1, to_int(params.get("page", 1)))
    limit = to_int(params.get("limit", 25)) or 25
    search = str(filters["search"]).lower()
    now = stamp(model.now)
    totals: dict[str, int] = {}
    chosen: list[tuple[float, dict[str, Any]]] = []
    for kind in registry:
        if kind.key in filters["excludeEvents"] or (
            filters["includeEvents"] and kind.key not in filters["includeEvents"]
        ):
            continue  # LeadTimelineEvent::isApplicable(): exclusions first, then the whitelist
        if search and kind.key in LEAD_SUBSCRIBER:
            continue
        rows, stamps = kind.candidates(model, contact)
        if (date_from is not None or date_to is not None) and not kind.nullable:
            # TimelineTrait: BETWEEN (inclusive) or >= / <= on Y-m-d H:i:s: whole seconds, so ts < dateTo + 1.
            low = 0 if date_from is None else bisect.bisect_left(stamps, date_from)
            high = len(stamps) if date_to is None else bisect.bisect_left(stamps, date_to + 1)
            rows, stamps = rows[low:high], stamps[low:high]
        elif date_from is not None or date_to is not None:
            # A NULL date never matches.
            kept = [
                (row, ts)
                for row, ts in zip(rows, stamps, strict=True)
                if not math.isnan(ts)
                and (date_from is None or math.floor(ts) >= date_from)
                and (date_to is None or math.floor(ts) <= date_to)
            ]
            rows, stamps = [row for row, _ in kept], [ts for _, ts in kept]
        if search:
            kept = [(row, ts) for row, ts in zip(rows, stamps, strict=True) if search in kind.text(model, row).lower()]
            rows, stamps = [row for row, _ in kept], [ts for _, ts in kept]
        totals[kind.key] = len(rows)
        for index in _positions(model, kind, rows, column, direction, (page - 1) * limit, limit):
            when = now if math.isnan(stamps[index]) else stamps[index]
            chosen.append((when, kind.event(model, rows[index])))
    # usort by timestamp (or strnatcmp on the label), then array_reverse() when the order is exactly "DESC".
    if column == "eventLabel":
        chosen.sort(key=lambda item: _natural(_label_text(item[1]["eventLabel"])))
    else:
        chosen.sort(key=lambda item: item[0])
    if direction == "DESC":
        chosen.reverse()
    events = [_for_api(event) for _, event in chosen]
    return {
        "events": events,
        "filters": filters,
        "order": [column, direction],
        "types": _types(),
        "total": sum(totals.values()),
        "page": page,
        "limit": limit,
        # getMaxPage(): ceil() returns a float, so 5.0; an int 1 when no type counted anything.
        "maxPages": float(math.ceil(max(totals.values()) / limit)) if totals else 1,
    }


def _positions(
    model: Model, kind: Kind, rows: list[Any], column: str, direction: str, offset: int, limit: int
) -> range | list[int]:
    """The indexes of one type's page: SQL sorts by the timestamp column (by the label for eventLabel) in the
    requested direction, then applies the type's own LIMIT and OFFSET."""
    descending = direction.upper() == "DESC"
    if column == "eventLabel":
        ordered = sorted(range(len(rows)), key=lambda index: _natural(kind.label(model, rows[index])))
        return (ordered[::-1] if descending else ordered)[offset : offset + limit]
    if descending:
        end = len(rows) - offset
        return range(end - 1, max(0, end - limit) - 1, -1) if end > 0 else range(0)
    return range(offset, min(len(rows), offset + limit))


def _label_text(label: Any) -> str:
    return str(label.get("label", "")) if isinstance(label, dict) else str(label)


def _for_api(event: dict[str, Any]) -> dict[str, Any]:
    """addEvent()/getEvents(): only event, eventId, eventLabel, eventType, timestamp, contactId and extra (as
    `details`) survive, null keys are dropped (serializeNull=false), and only top-level detail keys lose
    lead_id (prepareDetailsForAPI())."""
    details = event.get("details")
    if isinstance(details, dict):
        details = {key: value for key, value in details.items() if key != "lead_id"}
    result = {key: event[key] for key in ("event", "eventId", "eventLabel", "eventType", "timestamp", "contactId")}
    result["details"] = details
    return _drop_nulls(result)


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_nulls(item) for item in value if item is not None]
    return value
