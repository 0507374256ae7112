"""The control API for what contacts refer to: users, stages, segments, campaigns, emails and fields."""

from __future__ import annotations

import re
from typing import Any

from tests.mautic.entities import ADMIN, SYSTEM, Campaign, Email, Segment, Stage, User
from tests.mautic.fields import Field
from tests.mautic.model import Model


class CatalogControl:
    """Mixed into FakeMautic; every method takes the model's lock."""

    model: Model

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
        """A custom field; for an alias that exists already (twitter is installed), its definition is updated."""
        with self.model.lock:
            existing = self.model.field(alias)
            if existing is not None:
                existing.redefine(label, type, group, properties)
                self.model.forget_field_order()
                return
            field_id = self.model.next_id("field")
            spec = Field(field_id, alias, label, type, group, field_id, False, dict(properties or {}))
            self.model.add_field(spec)
