"""FakeMautic: the test-facing control API (see the package docstring)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from tests.mautic import changes
from tests.mautic.auth import Token
from tests.mautic.entities import ADMIN, SYSTEM, Campaign, Contact, Email, Segment, Stage, User
from tests.mautic.events import EventsControl, when
from tests.mautic.fields import ENTITY_COLUMNS, Field, coerce
from tests.mautic.model import Model
from tests.mautic.note_routes import stamp_note
from tests.mautic.ratelimit import RateLimiter
from tests.mautic.replies import Reply, kernel_error
from tests.mautic.routes import dispatch
from tests.mautic.server import Faults, Received, serve


class FakeMautic(EventsControl):
    """A Mautic 5.1.1 (version "5") or 4.4.13 (version "4") REST API on 127.0.0.1."""

    def __init__(
        self,
        version: str = "5",
        user: str = "api",
        password: str = "secret",
        rate_limit: int = 0,
        oauth_clients: dict[str, str] | None = None,
        api_enabled: bool = True,
        basic_auth: bool = True,
        token_lifetime: int = 3600,
    ) -> None:
        self.model = Model(version)
        self.user, self.password = user, password
        self.rate_limit, self.api_enabled, self.basic_auth = rate_limit, api_enabled, basic_auth
        self.oauth_clients = dict(oauth_clients or {})
        self.token_lifetime = token_lifetime
        self.tokens: dict[str, Token] = {}
        self.limiter = RateLimiter()
        self.requests: list[Received] = []
        self.errors: list[BaseException] = []
        self._faults = Faults()
        self._server: Any = None
        self.model.users[1] = User(id=1, username=user, first_name="Admin", last_name="User", email="admin@example.com")
        self.model._ids["user"] = 1

    # -- running --------------------------------------------------------------------------------------------------
    @property
    def version(self) -> str:
        return self.model.version

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake Mautic is not running: call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeMautic:
        if self._server is None:
            self._server, _ = serve(self)
            self.model.site_url = self.url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeMautic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def now(self) -> datetime:
        return self.model.now

    @now.setter
    def now(self, value: datetime) -> None:
        with self.model.lock:
            self.model.now = when(self.model, value)

    def advance(self, seconds: float) -> None:
        with self.model.lock:
            self.model.now += timedelta(seconds=seconds)

    def _take_faults(self, request: Received) -> tuple[Any, bool, float]:
        with self.model.lock:
            self.requests.append(request)
            faults = self._faults
            delay = faults.slow.pop(0) if faults.slow else 0.0
            if faults.drop:
                faults.drop -= 1
                return None, True, delay
            return (faults.fail.pop(0) if faults.fail else None), False, delay

    def _respond(self, request: Received) -> Reply:
        with self.model.lock:
            try:
                return dispatch(self, request)
            except Exception as exc:  # a bug in the fake: recorded, and answered as Mautic's kernel would
                self.errors.append(exc)
                return kernel_error(500)

    # -- faults ---------------------------------------------------------------------------------------------------
    def fail_next(self, status: int, times: int = 1, headers: dict[str, str] | None = None, body: Any = None) -> None:
        """The next `times` requests get `status` (body: a dict/list as JSON, str/bytes as text/html; by default
        the kernel's error JSON, or the rate-limit text for 429)."""
        with self.model.lock:
            self._faults.fail += [(status, list((headers or {}).items()), body)] * times

    def drop_next(self, times: int = 1) -> None:
        """The next `times` requests are read, then the connection closes without a response."""
        with self.model.lock:
            self._faults.drop += times

    def slow_next(self, seconds: float, times: int = 1) -> None:
        with self.model.lock:
            self._faults.slow += [seconds] * times

    # -- things around contacts ----------------------------------------------------------------------------------
    def add_user(self, first: str, last: str, username: str) -> int:
        with self.model.lock:
            user_id = self.model.next_id("user")
            email = f"{username}@example.com"
            self.model.users[user_id] = User(
                id=user_id, username=username, first_name=first, last_name=last, email=email, created_by_user=ADMIN
            )
            return user_id

    def add_stage(self, name: str) -> int:
        with self.model.lock:
            stage = Stage(id=self.model.next_id("stage"), name=name, date_added=self.model.now)
            self.model.stages[stage.id] = stage
            return stage.id

    def add_segment(self, name: str, alias: str | None = None, published: bool = True) -> int:
        with self.model.lock:
            slug = alias or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            segment = Segment(
                id=self.model.next_id("segment"), name=name, alias=slug, published=published, date_added=self.model.now
            )
            self.model.segments[segment.id] = segment
            return segment.id

    def add_campaign(self, name: str, published: bool = True, segments: tuple[int, ...] | list[int] = ()) -> int:
        with self.model.lock:
            campaign_id = self.model.next_id("campaign")
            self.model.campaigns[campaign_id] = Campaign(
                id=campaign_id, name=name, published=published, segments=list(segments), date_added=self.model.now
            )
            return campaign_id

    def add_email(self, name: str, subject: str, html: str = "", text: str = "", parent: int | None = None) -> int:
        with self.model.lock:
            email_id = self.model.next_id("email")
            self.model.emails[email_id] = Email(
                id=email_id, name=name, subject=subject, html=html, text=text, parent=parent, date_added=self.model.now
            )
            return email_id

    def rename_email(self, email_id: int, name: str) -> None:
        """Renames relabel past email events: their label is joined at read time."""
        with self.model.lock:
            email = self.model.emails[email_id]
            email.name, email.date_modified = name, self.model.now
            email.modified_by, email.modified_by_user = SYSTEM.id, SYSTEM.name

    def add_field(
        self, alias: str, label: str, type: str = "text", group: str = "core", properties: dict[str, Any] | None = None
    ) -> None:
        with self.model.lock:
            if self.model.field(alias) is not None:
                raise ValueError(f"field {alias!r} exists")
            field_id = self.model.next_id("field")
            spec = Field(field_id, alias, label, type, group, field_id, False, dict(properties or {}))
            self.model.add_field(spec)

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

    @classmethod
    def sample(
        cls, n_contacts: int = 20, events_per_contact: int = 5, seed: int = 1, version: str = "5", **options: Any
    ) -> FakeMautic:
        """A populated instance (see tests/mautic/sample.py); `options` go to the constructor."""
        from tests.mautic.sample import populate

        fake = cls(version=version, **options)
        populate(fake, n_contacts, events_per_contact, seed)
        return fake
