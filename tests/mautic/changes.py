"""Changes to contacts and what they touch: saves and date_modified, do-not-contact, segment and campaign
membership, merges and deletes (spec §6, §7, §8, §12, §13)."""

from __future__ import annotations

from datetime import datetime

from tests.mautic.entities import Actor, Contact, Dnc, Membership
from tests.mautic.model import Model, stamp

UNSUBSCRIBED = 1  # DoNotContact::UNSUBSCRIBED, which the API never overrides


def save(model: Model, contact: Contact, actor: Actor, changed: set[str], when: datetime | None = None) -> None:
    """FormModel::setTimestamps() on a save of an existing entity: dateModified moves only when something changed,
    and since 5.0 not when lastActive is the only change (commit bdc41b3f26); modifiedBy is set on every save
    (5.1.1:app/bundles/CoreBundle/Model/FormModel.php:226-266; 4.4.13 :222-258)."""
    if changed and not (model.version == "5" and changed <= {"last_active"}):
        contact.date_modified = when or model.now
    contact.modified_by = actor.id
    contact.modified_by_user = actor.name


def identify(model: Model, contact: Contact) -> bool:
    """dateIdentified is set by the first save that gives the contact a name, email or company."""
    if contact.date_identified is None and model.identified(contact):
        contact.date_identified = model.now
        return True
    return False


def modify_tags(model: Model, contact: Contact, tags: list[str]) -> bool:
    """LeadModel::modifyTags(): additive, and `-name` removes that tag."""
    changed = False
    for raw in tags:
        tag = str(raw).strip()
        if tag.startswith("-"):
            if tag[1:] in contact.tags:
                contact.tags.remove(tag[1:])
                changed = True
        elif tag and tag not in contact.tags:
            contact.tags.append(tag)
            model.tag_id(tag)
            changed = True
    return changed


# -- do not contact ---------------------------------------------------------------------------------------------
def add_dnc(
    model: Model, contact: Contact, channel: str, reason: int, comments: str, channel_id: int | None = None,
    when: datetime | None = None,
) -> bool:  # fmt: skip
    """DoNotContact::addDncForContact() (5.1.1:app/bundles/LeadBundle/Model/DoNotContact.php): a new row when
    contactable; a different reason rewrites reason, comments and date_added, except over "unsubscribed"; the same
    reason is a no-op. True when a row was written (Lead::addDoNotContactEntry records dnc_channel_status)."""
    at = when or model.now
    existing = next((row for row in contact.dnc if row.channel == channel), None)
    if existing is None:
        dnc_id = model.next_id("dnc")
        contact.dnc.append(
            Dnc(id=dnc_id, channel=channel, reason=reason, comments=comments, date_added=at, channel_id=channel_id)
        )
        return True
    if existing.reason == reason or existing.reason == UNSUBSCRIBED:
        return False
    existing.reason, existing.comments, existing.date_added = reason, comments, at
    return True


def remove_dnc(contact: Contact, channel: str) -> bool:
    """removeDncForContact($id, $channel) with no reason: the first row of that channel goes, whatever its reason;
    the row is deleted, so its timeline event disappears."""
    for row in contact.dnc:
        if row.channel == channel:
            contact.dnc.remove(row)
            return True
    return False


# -- segments ---------------------------------------------------------------------------------------------------
def _log(model: Model, contact_id: int, kind: str, group_id: int, name: str, added: bool, at: datetime) -> None:
    """A lead_event_log row (TimelineEventLogSegmentSubscriber / TimelineEventLogCampaignSubscriber); its label is
    stored now, so a later rename does not change it."""
    verb = "added to" if added else "removed from"
    label = model.history.strings.add(f"Contact {verb} {kind}, {name}")
    table = model.history.segment_log if kind == "segment" else model.history.campaign_log
    column = "segment" if kind == "segment" else "campaign"
    table.append(contact_id, stamp(at), **{column: group_id, "added": int(added), "label": label})


def join_segment(model: Model, contact_id: int, segment_id: int, manual: bool, at: datetime) -> bool:
    """ListModel::addLead() (5.1.1:app/bundles/LeadBundle/Model/ListModel.php:532): insert; or revive a manually
    removed row when the add is manual (a rebuild never re-adds it); else a no-op."""
    rows = model.member_segments(contact_id)
    row = rows.get(segment_id)
    if row is None:
        rows[segment_id] = Membership(date_added=at, manually_added=manual)
    elif row.manually_removed and manual:
        row.manually_removed, row.manually_added = False, True
    else:
        return False
    _log(model, contact_id, "segment", segment_id, model.segments[segment_id].name, True, at)
    return True


def leave_segment(model: Model, contact_id: int, segment_id: int, manual: bool, at: datetime) -> bool:
    """ListModel::removeLead() (l.669): a manual removal deletes a manually added row and marks a filter-based one
    manually_removed (which blocks the rebuild); a rebuild removal deletes a filter-based row."""
    rows = model.member_segments(contact_id)
    row = rows.get(segment_id)
    if row is None or row.manually_removed:
        return False
    if row.manually_added and not manual:
        return False
    if row.manually_added or not manual:
        del rows[segment_id]
    else:
        row.manually_removed = True
    _log(model, contact_id, "segment", segment_id, model.segments[segment_id].name, False, at)
    return True


# -- campaigns --------------------------------------------------------------------------------------------------
def join_campaign(model: Model, contact_id: int, campaign_id: int, manual: bool, at: datetime) -> bool:
    """MembershipManager::addContact() / Membership/Action/Adder.php: a new member starts rotation 1 (2 if it has
    logs already); a removed member, or any member of a campaign that allows restarts, is re-enabled with the next
    rotation; anyone else is a silent no-op."""
    campaign = model.campaigns[campaign_id]
    rows = model.member_campaigns(contact_id)
    row = rows.get(campaign_id)
    if row is None:
        events = model.history.campaign_events
        logged = any(events.get(r, "campaign") == campaign_id for r in events.rows_of(contact_id))
        rows[campaign_id] = Membership(date_added=at, manually_added=manual, rotation=2 if logged else 1)
    elif row.manually_removed or campaign.allow_restart:
        row.manually_removed, row.manually_added, row.date_last_exited = False, manual, None
        row.rotation += 1
    else:
        return False
    _log(model, contact_id, "campaign", campaign_id, campaign.name, True, at)
    return True


def leave_campaign(model: Model, contact_id: int, campaign_id: int, at: datetime) -> bool:
    """Membership/Action/Remover.php: manually_removed=1, manually_added=0, and pending events unscheduled (their
    logs get a failed-log reason, so they show as triggered, with the warning)."""
    row = model.member_campaigns(contact_id).get(campaign_id)
    if row is None or row.manually_removed:
        return False
    row.manually_removed, row.manually_added, row.date_last_exited = True, False, at
    events = model.history.campaign_events
    for index in [r for r in model.history.scheduled if events.contact[r] == contact_id]:
        if events.get(index, "campaign") == campaign_id:
            events.set(index, "state", 2)
            model.history.scheduled.discard(index)
    _log(model, contact_id, "campaign", campaign_id, model.campaigns[campaign_id].name, False, at)
    return True


# -- merge and delete -------------------------------------------------------------------------------------------
def merge(model: Model, winner: Contact, loser: Contact, actor: Actor) -> None:
    """ContactMerger::merge() (5.1.1:app/bundles/LeadBundle/Deduplicate/ContactMerger.php): older merge records
    move to the winner, a record for the loser is added, field data merges (the newer contact's values win, blanks
    are filled), points add up, tags and IPs join, the winner is saved and the loser deleted."""
    for merged_id, target in model.merged.items():
        if target == loser.id:
            model.merged[merged_id] = winner.id
    model.merged[loser.id] = winner.id
    loser_newer = (loser.date_modified or loser.date_added) > (winner.date_modified or winner.date_added)
    changed: set[str] = set()
    for alias, value in loser.values.items():
        current = winner.values.get(alias)
        if current != value and (current in (None, "") or loser_newer):
            winner.values[alias] = value
            changed.add(alias)
    if loser.points:
        winner.points += loser.points
        changed.add("points")
    changed |= {"tags"} if modify_tags(model, winner, loser.tags) else set()
    for address in loser.ips:
        if address not in winner.ips:
            winner.ips.append(address)
            changed.add("ip_addresses")
    if winner.owner is None and loser.owner is not None:
        winner.owner = loser.owner
        changed.add("owner")
    winner.date_added = min(winner.date_added, loser.date_added)
    if loser.last_active and (winner.last_active is None or loser.last_active > winner.last_active):
        winner.last_active = loser.last_active
    if loser.date_identified and (winner.date_identified is None or loser.date_identified < winner.date_identified):
        winner.date_identified = loser.date_identified
    channels = {row.channel for row in winner.dnc}
    winner.dnc += [row for row in loser.dnc if row.channel not in channels]
    for note in model.notes_of(loser.id):
        note.contact = winner.id
    for table in (model.segment_members, model.campaign_members):
        moved = table.pop(loser.id, {})
        kept = table.setdefault(winner.id, {})
        for group_id, row in moved.items():
            kept.setdefault(group_id, row)
    model.history.move(loser.id, winner.id)
    del model.contacts[loser.id]
    save(model, winner, actor, changed)


def delete(model: Model, contact: Contact) -> None:
    """A deleted contact cascades: notes, DNC, memberships, IP links, merge records naming it as the winner (so
    its losers become 404s) and, in this fake, its timeline rows (spec §12)."""
    del model.contacts[contact.id]
    for note_id in [key for key, note in model.notes.items() if note.contact == contact.id]:
        del model.notes[note_id]
    model.segment_members.pop(contact.id, None)
    model.campaign_members.pop(contact.id, None)
    for merged_id in [key for key, target in model.merged.items() if target == contact.id]:
        del model.merged[merged_id]
    model.history.drop_contact(contact.id)
