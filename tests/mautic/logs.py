"""Event types read from log tables: segment and campaign membership, campaign events, do-not-contact."""

from __future__ import annotations

import math
from typing import Any

from tests.mautic.activity import TYPES, Kind, StoredLabel, TableKind, site_href
from tests.mautic.history import Table
from tests.mautic.model import Model, moment, stamp
from tests.mautic.php import db_time, iso


class MembershipLog(StoredLabel):
    """lead_event_log rows (TimelineEventLogSegmentSubscriber / TimelineEventLogCampaignSubscriber): the label is
    stored; only the top-level detail keys are camelCased and lead_id is dropped there (prepareDetailsForAPI())."""

    def event(self, model: Model, row: int) -> dict[str, Any]:
        table = self.source(model)
        column = "segment" if self.key == "segment_membership" else "campaign"
        data = self.base(model, row, f"{self.key}{row + 1}", table.ts[row])
        data["eventLabel"] = self.text(model, row)
        data["details"] = {
            "id": str(row + 1),
            "bundle": "lead" if column == "segment" else "campaign",
            "object": column,
            "action": "added" if table.get(row, "added") else "removed",
            "objectId": str(table.get(row, column)),
            "properties": {"object_description": data["eventLabel"].split(", ", 1)[-1]},
            "dateAdded": db_time(moment(table.ts[row])),
        }
        return data


class SegmentMembership(MembershipLog):
    key, table = "segment_membership", "segment_log"


class CampaignMembership(MembershipLog):
    key, table = "campaign_membership", "campaign_log"


# The tooltip a failed or unscheduled log adds to the label: raw HTML inside eventLabel.label (spec §4.3).
_WARNING = (
    '<i class="fa fa-warning text-danger" data-toggle="tooltip" title="The contact was removed from the campaign"></i>'
)


class CampaignEvents(TableKind):
    """campaign_lead_event_log rows that ran (CampaignBundle/EventListener/LeadSubscriber.php,
    LeadEventLogRepository::getLeadLogs()): the label "<event> / <campaign>" is joined now."""

    key, table = "campaign.event", "campaign_events"

    def keep(self, table: Table, row: int) -> bool:
        return table.cols["state"][row] != 1

    def text(self, model: Model, row: int) -> str:
        table = model.history.campaign_events
        campaign = model.campaigns.get(table.get(row, "campaign"))
        event_name = model.campaign_event_names.get(table.get(row, "event"), "")
        return f"{event_name} / {campaign.name if campaign else ''}"

    def event(self, model: Model, row: int) -> dict[str, Any]:
        table = model.history.campaign_events
        campaign_id, state = table.get(row, "campaign"), table.get(row, "state")
        data = self.base(model, row, f"{self.key}{row + 1}", table.ts[row])
        label = self.text(model, row) + (f" {_WARNING}" if state == 2 else "")
        data["eventLabel"] = {"label": label, "href": site_href(model, f"/s/campaigns/view/{campaign_id}")}
        trigger = table.get(row, "trigger")
        log = {
            "id": str(row + 1),
            "campaign_id": str(campaign_id),
            "event_id": str(table.get(row, "event")),
            "event_name": model.campaign_event_names.get(table.get(row, "event"), ""),
            "is_scheduled": "1" if state == 1 else "0",
            "trigger_date": None if math.isnan(trigger) else db_time(moment(trigger)),
            "date_triggered": db_time(moment(table.ts[row])),
        }
        data["details"] = {"log": log}
        return data


class ScheduledEvents(CampaignEvents):
    """The same log rows while scheduled: same id, another prefix; date_triggered NULL is shown as "now"."""

    key = "campaign.event.scheduled"
    nullable = True

    def keep(self, table: Table, row: int) -> bool:
        return table.cols["state"][row] == 1

    def candidates(self, model: Model, contact: int | None) -> tuple[list[Any], list[float]]:
        table = model.history.campaign_events
        rows = sorted(model.history.scheduled)
        if contact is not None:
            rows = [row for row in rows if table.contact[row] == contact]
        now = stamp(model.now)
        return self._sorted(rows, [table.ts[row] for row in rows], now)

    @staticmethod
    def _sorted(rows: list[int], stamps: list[float], now: float) -> tuple[list[Any], list[float]]:
        order = sorted(range(len(rows)), key=lambda i: now if math.isnan(stamps[i]) else stamps[i])
        return [rows[i] for i in order], [stamps[i] for i in order]


class DoNotContact(Kind):
    """LeadSubscriber::addTimelineDoNotContactEntries(): one event per lead_donotcontact row, which is deleted on
    removal and re-dated when its reason changes, so the event moves or disappears."""

    key = "lead.donotcontact"

    def candidates(self, model: Model, contact: int | None) -> tuple[list[Any], list[float]]:
        rows = [(owner, row) for owner, row in model.dnc_rows() if contact is None or owner == contact]
        rows.sort(key=lambda item: (item[1].date_added, item[1].id))
        return rows, [stamp(row.date_added) for _, row in rows]

    def text(self, model: Model, row: Any) -> str:
        return str(row[1].channel).title()

    def event(self, model: Model, row: Any) -> dict[str, Any]:
        owner, dnc = row
        details = {
            "id": str(dnc.id),
            "channel": dnc.channel,
            "channel_id": None if dnc.channel_id is None else str(dnc.channel_id),
            "reason": str(dnc.reason),
            "comments": dnc.comments,
            "date_added": db_time(dnc.date_added),
        }
        return {
            "event": self.key,
            "eventId": f"{self.key}{dnc.id}",
            "eventLabel": self.text(model, row),
            "eventType": TYPES[self.key],
            "timestamp": iso(dnc.date_added),
            "contactId": str(owner),
            "details": {"dnc": details},
        }
