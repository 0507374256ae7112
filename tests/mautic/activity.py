"""The timeline's event types: where each one's rows come from and how one row becomes an API event
(spec §4.3; LeadTimelineEvent::addEvent()/getEvents(), 5.1.1:app/bundles/LeadBundle/Event/LeadTimelineEvent.php)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from tests.mautic.history import Table
from tests.mautic.model import Model, moment
from tests.mautic.php import db_time, iso

# Every key a 5.1.1 install registers for the API (isForTimeline() false), with its en_US label; the key list is
# the same in 4.4.13. lead.create, lead.identified, lead.ipadded and lead.apiadded are timeline-only
# (LeadBundle/EventListener/LeadSubscriber.php:307-314), so they are absent.
TYPES = {
    "asset.download": "Asset downloaded",
    "campaign.event": "Campaign action triggered",
    "campaign.event.scheduled": "Campaign event scheduled",
    "campaign_membership": "Campaign membership change",
    "dynamic.content.sent": "Dynamic Content Triggered",
    "email.failed": "Email failed",
    "email.read": "Email read",
    "email.replied": "Email replied",
    "email.sent": "Email sent",
    "focus.on_click": "Focus click",
    "focus.on_view": "Focus view",
    "form.submitted": "Form submitted",
    "integration_sync_issues": "Integration sync notice",
    "lead.donotcontact": "Do not contact",
    "lead.imported": "Imported",
    "lead.source.created": "Contact created by source",
    "lead.source.identified": "Contact identified by source",
    "lead.utmtagsadded": "UTM tags recorded",
    "message.queue": "Message Queued",
    "page.hit": "Page hit",
    "page.videohit": "Video view event",
    "point.gained": "Point gained",
    "segment_membership": "Segment membership change",
    "sms.failed": "Failed",
    "sms.sent": "Sent",
    "sms_reply": "Text message received",
    "stage.changed": "Stage changed",
}
# LeadBundle's own subscriber skips everything but UTM tags when filters[search] is set (LeadSubscriber.php:329).
LEAD_SUBSCRIBER = {"lead.donotcontact", "lead.imported", "lead.utmtagsadded"}


class Kind:
    """One event type. `candidates` gives its rows (ascending by timestamp, then id) with their timestamps, NaN
    standing for a NULL column; `event` renders one row; `text` is what filters[search] looks in."""

    key = ""
    nullable = False  # whether a timestamp may be NULL (then candidates are not sorted by their raw value)

    def candidates(self, model: Model, contact: int | None) -> tuple[list[Any], list[float]]:
        return [], []

    def text(self, model: Model, row: Any) -> str:
        return ""

    def label(self, model: Model, row: Any) -> str:
        return self.text(model, row)

    def event(self, model: Model, row: Any) -> dict[str, Any]:
        raise NotImplementedError


class TableKind(Kind):
    """A type read from one history table; the all-contacts ordering is cached until the table changes."""

    table = ""
    column = "ts"  # the timestamp column

    def __init__(self) -> None:
        self._cache: tuple[int, list[int], list[float]] | None = None

    def source(self, model: Model) -> Table:
        table: Table = getattr(model.history, self.table)
        return table

    def keep(self, table: Table, row: int) -> bool:
        return True

    def stamp_of(self, table: Table, row: int) -> float:
        return table.ts[row] if self.column == "ts" else table.cols[self.column][row]

    def candidates(self, model: Model, contact: int | None) -> tuple[list[Any], list[float]]:
        table = self.source(model)
        if contact is not None:
            return self._ordered(table, table.rows_of(contact))
        if self._cache is None or self._cache[0] != table.version:
            everyone = range(len(table))
            live = everyone if 0 not in table.contact else [row for row in everyone if table.contact[row]]
            self._cache = (table.version, *self._ordered(table, live))
        return self._cache[1], self._cache[2]

    def _ordered(self, table: Table, rows: Sequence[int]) -> tuple[list[int], list[float]]:
        column = table.ts if self.column == "ts" else table.cols[self.column]
        unfiltered = type(self).keep is TableKind.keep
        chosen = list(rows) if unfiltered else [row for row in rows if self.keep(table, row)]
        whole = isinstance(rows, range) and len(chosen) == len(column)
        stamps = column.tolist() if whole else [column[row] for row in chosen]
        order = sorted(range(len(chosen)), key=stamps.__getitem__)
        return [chosen[i] for i in order], [stamps[i] for i in order]

    def base(self, model: Model, row: int, event_id: str, when: float) -> dict[str, Any]:
        contact = self.source(model).contact[row]
        timestamp = moment(when) if not math.isnan(when) else model.now  # null becomes "now" (DateTimeHelper:66)
        return {
            "event": self.key,
            "eventId": event_id,
            "eventLabel": None,
            "eventType": TYPES[self.key],
            "timestamp": iso(timestamp),
            "contactId": str(contact),
        }


def site_href(model: Model, path: str) -> str:
    return model.site_url + path  # a relative href is prefixed with site_url (LeadTimelineEvent::addEvent())


class PageHits(TableKind):
    """PageBundle/EventListener/LeadSubscriber.php: the id is the bare hit id; the label is read now."""

    key, table = "page.hit", "hits"

    def text(self, model: Model, row: int) -> str:
        table, strings = model.history.hits, model.history.strings
        return strings[table.get(row, "title")] or strings[table.get(row, "url")]

    def event(self, model: Model, row: int) -> dict[str, Any]:
        table, strings = model.history.hits, model.history.strings
        url, title = strings[table.get(row, "url")], strings[table.get(row, "title")]
        data = self.base(model, row, str(row + 1), table.ts[row])
        data["eventLabel"] = {"label": title or url, "href": url}
        hit = {"hitId": str(row + 1), "dateHit": db_time(moment(table.ts[row])), "url": url, "urlTitle": title or None}
        data["details"] = {"hit": hit | {"lead_id": data["contactId"]}}
        return data


class EmailSent(TableKind):
    """EmailBundle LeadSubscriber + StatRepository::getLeadStats(): every stat is "sent", read or not; the label
    is the email's current name, linking to the tracked web view."""

    key, table, state = "email.sent", "stats", "sent"

    def text(self, model: Model, row: int) -> str:
        email = model.emails.get(model.history.stats.get(row, "email"))
        return f"{email.name} {email.subject}" if email else ""

    def event(self, model: Model, row: int) -> dict[str, Any]:
        table = model.history.stats
        email = model.emails.get(table.get(row, "email"))
        name = email.name if email else ""
        data = self.base(model, row, f"{self.key}{row + 1}", self.stamp_of(table, row))
        tracking = f"{(row + 1) * 2654435761 % 16**13:013x}"
        data["eventLabel"] = {"label": name, "href": site_href(model, f"/email/view/{tracking}"), "isExternal": True}
        read = table.get(row, "read")
        stat = {
            "id": str(row + 1),
            "email_id": str(table.get(row, "email")),
            "email_name": name,
            "subject": email.subject if email else None,
            "is_read": "0" if math.isnan(read) else "1",
            "date_sent": db_time(moment(table.ts[row])),
            "date_read": db_time(moment(read)),
            "tracking_hash": tracking,
            "lead_id": data["contactId"],
        }
        data["details"] = {"stat": stat, "type": self.state}
        return data


class EmailRead(EmailSent):
    key, column, state = "email.read", "read", "read"

    def keep(self, table: Table, row: int) -> bool:
        return not math.isnan(table.cols["read"][row])


class FormSubmissions(TableKind):
    """FormBundle/EventListener/LeadSubscriber.php: the label is the form's name, read now."""

    key, table = "form.submitted", "submissions"

    def text(self, model: Model, row: int) -> str:
        return model.history.strings[model.history.submissions.get(row, "form")]

    def event(self, model: Model, row: int) -> dict[str, Any]:
        table, strings = model.history.submissions, model.history.strings
        form_name = strings[table.get(row, "form")]
        form_id = model.forms.get(form_name, 0)
        data = self.base(model, row, f"{self.key}{row + 1}", table.ts[row])
        data["eventLabel"] = {"label": form_name, "href": site_href(model, f"/s/forms/view/{form_id}")}
        submission = {
            "id": str(row + 1),
            "form_id": str(form_id),
            "date_submitted": db_time(moment(table.ts[row])),
            "results": json.loads(strings[table.get(row, "values")] or "{}"),
        }
        data["details"] = {"submission": submission, "form": {"id": form_id, "name": form_name}}
        return data


class StoredLabel(TableKind):
    """Point and stage logs: the label was stored when the event was written (PointBundle and StageBundle
    LeadSubscriber)."""

    def text(self, model: Model, row: int) -> str:
        return model.history.strings[self.source(model).get(row, "label")]

    def event(self, model: Model, row: int) -> dict[str, Any]:
        table = self.source(model)
        data = self.base(model, row, f"{self.key}{row + 1}", table.ts[row])
        data["eventLabel"] = self.text(model, row)
        log = {"id": str(row + 1), "event_name": data["eventLabel"], "date_added": db_time(moment(table.ts[row]))}
        if self.key == "point.gained":
            log["delta"] = str(table.get(row, "delta"))
        data["details"] = {"log": log}
        return data


class PointsGained(StoredLabel):
    key, table = "point.gained", "points"


class StageChanged(StoredLabel):
    key, table = "stage.changed", "stages"
