"""The control API for things that happen to contacts: visits, emails, forms, points, stages, campaign events."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tests.mautic import changes
from tests.mautic.entities import SYSTEM, Contact
from tests.mautic.history import NULL
from tests.mautic.model import Model, stamp
from tests.mautic.other_routes import record_send


def when(model: Model, at: datetime | None) -> datetime:
    if at is None:
        return model.now
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def seen(contact: Contact, at: datetime) -> None:
    """Tracked activity sets last_active by direct SQL (LeadRepository::updateLastActive(), ContactTracker), which
    does not touch date_modified (spec §13)."""
    if contact.last_active is None or at > contact.last_active:
        contact.last_active = at


class EventsControl:
    """Mixed into FakeMautic; every method takes the model's lock."""

    model: Model

    def _contact(self, contact_id: int) -> Contact:
        found = self.model.contact(contact_id)
        if found is None:
            raise KeyError(f"no contact {contact_id}")
        return found

    def page_hit(self, contact: int, url: str, title: str | None = None, at: datetime | None = None) -> int:
        """A page_hits row; its event id is the bare hit id."""
        with self.model.lock:
            person, moment = self._contact(contact), when(self.model, at)
            strings = self.model.history.strings
            hit = self.model.history.hits.append(
                person.id, stamp(moment), url=strings.add(url), title=strings.add(title)
            )
            seen(person, moment)
            return hit

    def send_email(self, contact: int, email_id: int, at: datetime | None = None) -> int:
        """An email_stats row (email.sent); returns the stat id, which open_email() takes."""
        with self.model.lock:
            person = self._contact(contact)
            return record_send(self.model, person.id, email_id, stamp(when(self.model, at)))

    def open_email(self, stat_id: int, at: datetime | None = None) -> None:
        """Marks the stat read: the same stat id now also yields email.read; last_active moves (5.x
        EmailModel.php:485)."""
        with self.model.lock:
            stats = self.model.history.stats
            row = stats.row(stat_id)
            if row is None:
                raise KeyError(f"no email stat {stat_id}")
            moment = when(self.model, at)
            stats.set(row, "read", stamp(moment))
            self.model.emails[stats.get(row, "email")].read_count += 1
            seen(self._contact(stats.contact[row]), moment)

    def submit_form(self, contact: int, form_name: str, values: dict[str, Any], at: datetime | None = None) -> int:
        """A form submission; the label is the form's name and `values` come back in details.submission.results."""
        with self.model.lock:
            person, moment = self._contact(contact), when(self.model, at)
            self.model.forms.setdefault(form_name, len(self.model.forms) + 1)
            strings = self.model.history.strings
            encoded = strings.add(json.dumps(values, ensure_ascii=False))
            row = self.model.history.submissions.append(
                person.id, stamp(moment), form=strings.add(form_name), values=encoded
            )
            seen(person, moment)
            return row

    def add_points(self, contact: int, delta: int, event_name: str, at: datetime | None = None) -> int:
        """Points change with a stored label "<event> / <delta>"; a points change moves dateModified."""
        with self.model.lock:
            person, moment = self._contact(contact), when(self.model, at)
            person.points += delta
            label = self.model.history.strings.add(f"{event_name} / {delta}")
            row = self.model.history.points.append(person.id, stamp(moment), label=label, delta=delta)
            changes.save(self.model, person, SYSTEM, {"points"}, moment)
            return row

    def change_stage(self, contact: int, stage_id: int, at: datetime | None = None) -> int:
        """A stage change, labelled "<id>: <name>" when written (StageBundle LeadSubscriber, stored)."""
        with self.model.lock:
            person, moment = self._contact(contact), when(self.model, at)
            stage = self.model.stages[stage_id]
            person.stage = stage_id
            label = self.model.history.strings.add(f"{stage.id}: {stage.name}")
            row = self.model.history.stages.append(person.id, stamp(moment), label=label, stage=stage_id)
            changes.save(self.model, person, SYSTEM, {"stage"}, moment)
            return row

    def schedule_campaign_event(self, contact: int, campaign: int, name: str, at: datetime) -> int:
        """A campaign_lead_event_log row scheduled for `at`; date_triggered stays NULL, shown as "now"."""
        with self.model.lock:
            person = self._contact(contact)
            found = self.model.campaigns[campaign]
            if name not in found.events:
                event_id = self.model.next_id("campaign_event")
                found.events[name] = event_id
                self.model.campaign_event_names[event_id] = name
            events = self.model.history.campaign_events
            trigger = stamp(when(self.model, at))
            log = events.append(person.id, NULL, campaign=campaign, event=found.events[name], trigger=trigger, state=1)
            self.model.history.scheduled.add(log - 1)
            return log

    def execute_campaign_event(self, log_id: int, at: datetime | None = None) -> None:
        """The scheduled log runs: same id, now campaign.event<id> at date_triggered."""
        with self.model.lock:
            events = self.model.history.campaign_events
            row = events.row(log_id)
            if row is None:
                raise KeyError(f"no campaign event log {log_id}")
            events.set(row, "ts", stamp(when(self.model, at)))
            events.set(row, "state", 0)
            self.model.history.scheduled.discard(row)
