"""Segments, campaigns, emails and notes as JSON (spec §5, §6, §7, §9)."""

from __future__ import annotations

from typing import Any

from tests.mautic.entities import Campaign, Email, Note, Segment
from tests.mautic.model import Model
from tests.mautic.php import iso
from tests.mautic.serialize import publish_details

# Email::$dynamicContent's default (EmailBundle/Entity/Email.php).
_DYNAMIC_CONTENT = [{"tokenName": "Dynamic Content 1", "content": "", "filters": [{"content": "", "filters": []}]}]


def segment_json(segment: Segment) -> dict[str, Any]:
    """Groups leadListDetails, userList, publishDetails, categoryList (LeadBundle/Entity/LeadList.php:151)."""
    return publish_details(segment) | {
        "id": segment.id,
        "name": segment.name,
        "publicName": segment.name,
        "alias": segment.alias,
        "description": segment.description,
        "category": None,
        "filters": [],
        "isGlobal": segment.is_global,
        "isPreferenceCenter": False,
    }


def nested_segment_json(segment: Segment) -> dict[str, Any]:
    """A segment at depth 2 (`leadListList`): the publish details are excluded except the two user names."""
    return {
        "createdByUser": segment.created_by_user,
        "modifiedByUser": segment.modified_by_user,
        "id": segment.id,
        "name": segment.name,
        "alias": segment.alias,
    }


def campaign_json(model: Model, campaign: Campaign) -> dict[str, Any]:
    """Groups campaignDetails, campaignEventDetails, categoryList, publishDetails, leadListList, formList
    (CampaignBundle/Entity/Campaign.php:169). `lists` is indexed by id, so it is an object, or `[]`."""
    events = [
        {"id": event_id, "name": name, "type": "email.send", "eventType": "action", "order": order}
        for order, (name, event_id) in enumerate(campaign.events.items(), start=1)
    ]
    lists = {
        str(segment_id): nested_segment_json(model.segments[segment_id])
        for segment_id in campaign.segments
        if segment_id in model.segments
    }
    return publish_details(campaign) | {
        "id": campaign.id,
        "name": campaign.name,
        "category": None,
        "description": campaign.description,
        "allowRestart": campaign.allow_restart,
        "publishUp": iso(campaign.publish_up),
        "publishDown": iso(campaign.publish_down),
        "events": events,
        "forms": [],
        "lists": lists or [],
        "canvasSettings": None,
    }


def _nested_email(email: Email) -> dict[str, Any]:
    return {
        "createdByUser": email.created_by_user,
        "modifiedByUser": email.modified_by_user,
        "id": email.id,
        "name": email.name,
        "subject": email.subject,
        "language": "en",
        "category": None,
    }


def email_json(model: Model, email: Email, *, minimal: bool = False) -> dict[str, Any]:
    """Groups emailDetails, categoryList, publishDetails, assetList, formList, leadListList (Email.php:405);
    minimal keeps id, name, subject, language and category."""
    data = publish_details(email) | {
        "id": email.id,
        "name": email.name,
        "subject": email.subject,
        "language": "en",
        "category": None,
    }
    if minimal:
        return data
    parent = model.emails.get(email.parent) if email.parent is not None else None
    children = [_nested_email(child) for child in model.emails.values() if child.parent == email.id]
    return data | {
        "fromAddress": None,
        "fromName": None,
        "replyToAddress": None,
        "bccAddress": None,
        "useOwnerAsMailer": False,
        "utmTags": [],
        "customHtml": email.html,
        "plainText": email.text,
        "template": None,
        "emailType": "template",
        "publishUp": None,
        "publishDown": None,
        "publicPreview": True,
        "readCount": email.read_count,
        "sentCount": email.sent_count,
        "revision": 1,
        "assetAttachments": [],
        "variantStartDate": None,
        "variantSentCount": 0,
        "variantReadCount": 0,
        "variantParent": _nested_email(parent) if parent is not None else None,
        "variantChildren": children,
        "translationParent": None,
        "translationChildren": [],
        "unsubscribeForm": None,
        "dynamicContent": _DYNAMIC_CONTENT,
        "lists": [],
        "headers": [],
    }


def note_json(model: Model, note: Note, *, nested_lead: bool = True) -> dict[str, Any]:
    """A note (LeadBundle/Entity/LeadNote.php): id, text, type, dateTime, lead. With the `leadList` group the
    lead is `{id, points, color, fields: []}` (custom fields are not loaded on the proxy, derived); with
    `leadNoteDetails` alone (GET /contacts/{id}/notes) it has no properties and is `{}`."""
    lead: dict[str, Any] = {}
    if nested_lead:
        contact = model.contacts.get(note.contact)
        lead = {
            "id": note.contact,
            "points": contact.points if contact else 0,
            "color": contact.color if contact else None,
            "fields": [],
        }
    return {"id": note.id, "text": note.text, "type": note.type, "dateTime": iso(note.date_time), "lead": lead}
