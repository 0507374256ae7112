"""The control API for contacts, their notes, memberships and do-not-contact rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.mautic import changes
from tests.mautic.entities import SYSTEM, Contact
from tests.mautic.events import EventsControl, when
from tests.mautic.fields import ENTITY_COLUMNS, coerce
from tests.mautic.note_routes import stamp_note


class ContactsControl(EventsControl):
    """Mixed into FakeMautic; every method takes the model's lock."""

    # -- contacts -------------------------------------------------------------------------------------------------
    def _values(self, fields: dict[str, Any]) -> dict[str, Any]:
        values = {}
        for alias, value in fields.items():
            spec = self.model.field(alias)
            if spec is None or alias in ENTITY_COLUMNS:
                raise TypeError(f"unknown contact field {alias!r}")
            values[alias] = coerce(spec, value)
        return values

    def add_contact(
        self,
        *,
        owner: int | None = None,
        stage: int | None = None,
        tags: tuple[str, ...] | list[str] = (),
        ips: tuple[Any, ...] | list[Any] = (),
        points: int = 0,
        date_added: datetime | None = None,
        last_active: datetime | None = None,
        **fields: Any,
    ) -> int:
        """A contact, created by the admin when it has a name, email or company, else an anonymous visitor
        (no creator, no dateIdentified). `ips` entries are "1.2.3.4" or ("1.2.3.4", details)."""
        with self.model.lock:
            model = self.model
            values = {alias: value for alias, value in self._values(fields).items() if value is not None}
            added = when(model, date_added)
            contact = Contact(id=model.next_id("contact"), date_added=added, values=values, points=points)
            contact.owner, contact.stage = owner, stage
            contact.last_active = when(model, last_active) if last_active else None
            if model.identified(contact):
                contact.date_identified = added
            else:
                contact.created_by = contact.created_by_user = None
            changes.modify_tags(model, contact, [tag for tag in tags if not tag.startswith("-")])
            for entry in ips:
                address, details = (entry, {}) if isinstance(entry, str) else entry
                model.ip(address, dict(details))
                if address not in contact.ips:
                    contact.ips.append(address)
            model.contacts[contact.id] = contact
            return contact.id

    def edit_contact(self, contact_id: int, **fields: Any) -> None:
        """An edit in Mautic's UI: fields, and `owner`, `stage`, `tags` (the full new list), `points`,
        `last_active`. dateModified moves if anything changed (5.x: not for last_active alone)."""
        with self.model.lock:
            contact = self._contact(contact_id)
            changed: set[str] = set()
            for key in ("owner", "stage", "points", "last_active"):
                if key in fields:
                    value = fields.pop(key)
                    value = when(self.model, value) if key == "last_active" and value is not None else value
                    if getattr(contact, key) != value:
                        setattr(contact, key, value)
                        changed.add(key)
            if "tags" in fields:
                tags = sorted(set(fields.pop("tags")))
                if sorted(contact.tags) != tags:
                    contact.tags = list(tags)
                    for tag in tags:
                        self.model.tag_id(tag)
                    changed.add("tags")
            for alias, value in self._values(fields).items():
                if contact.values.get(alias) != value:
                    if value is None:
                        contact.values.pop(alias, None)
                    else:
                        contact.values[alias] = value
                    changed.add(alias)
            if changes.identify(self.model, contact):
                changed.add("date_identified")
            changes.save(self.model, contact, SYSTEM, changed)

    def delete_contact(self, contact_id: int) -> None:
        with self.model.lock:
            changes.delete(self.model, self._contact(contact_id))

    def merge_contacts(self, winner: int, loser: int) -> None:
        """The loser is deleted; its id keeps answering with the winner."""
        with self.model.lock:
            changes.merge(self.model, self._contact(winner), self._contact(loser), SYSTEM)

    # -- notes ----------------------------------------------------------------------------------------------------
    def add_note(self, contact: int, text: str, type: str = "general", date_time: datetime | None = None) -> int:
        with self.model.lock:
            moment = when(self.model, date_time) if date_time else None
            note = stamp_note(self.model, self._contact(contact).id, text, type, moment)
            assert note.id is not None
            return note.id

    def edit_note(
        self, note_id: int, text: str | None = None, type: str | None = None, date_time: datetime | None = None
    ) -> None:
        with self.model.lock:
            note = self.model.notes[note_id]
            note.text = note.text if text is None else text
            note.type = note.type if type is None else type
            note.date_time = note.date_time if date_time is None else when(self.model, date_time)

    def delete_note(self, note_id: int) -> None:
        with self.model.lock:
            del self.model.notes[note_id]

    # -- memberships and do-not-contact --------------------------------------------------------------------------
    def join_segment(self, contact: int, segment: int, manual: bool = True, at: datetime | None = None) -> bool:
        """manual=False is the segment rebuild (filter-based row)."""
        with self.model.lock:
            person = self._contact(contact)
            return changes.join_segment(self.model, person.id, segment, manual, when(self.model, at))

    def leave_segment(self, contact: int, segment: int, manual: bool = True, at: datetime | None = None) -> bool:
        with self.model.lock:
            person = self._contact(contact)
            return changes.leave_segment(self.model, person.id, segment, manual, when(self.model, at))

    def join_campaign(self, contact: int, campaign: int, manual: bool = True, at: datetime | None = None) -> bool:
        with self.model.lock:
            person = self._contact(contact)
            return changes.join_campaign(self.model, person.id, campaign, manual, when(self.model, at))

    def leave_campaign(self, contact: int, campaign: int, at: datetime | None = None) -> bool:
        with self.model.lock:
            person = self._contact(contact)
            return changes.leave_campaign(self.model, person.id, campaign, when(self.model, at))

    def add_dnc(self, contact: int, channel: str = "email", reason: int = 1, comments: str = "") -> bool:
        """Mautic's rules: an existing "unsubscribed" row is never overridden; a written row moves dateModified."""
        with self.model.lock:
            person = self._contact(contact)
            changed = changes.add_dnc(self.model, person, channel, reason, comments)
            changes.save(self.model, person, SYSTEM, {"dnc_channel_status"} if changed else set())
            return changed

    def remove_dnc(self, contact: int, channel: str) -> bool:
        with self.model.lock:
            person = self._contact(contact)
            found = changes.remove_dnc(person, channel)
            changes.save(self.model, person, SYSTEM, {"dnc_channel_status"} if found else set())
            return found
