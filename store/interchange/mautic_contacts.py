"""One Mautic contact into Dossier: found by its Mautic id, created or updated with everything the contact list
says about it; and what to do when Mautic no longer has it (deleted, or merged into another contact)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.engine import Connection

from store.db import inserted_id, writing
from store.dialect import insert as dialect_insert
from store.interchange.mautic_records import FIELD_COLUMNS, NULLABLE_COLUMNS, RemoteContact, read_contact
from store.interchange.mautic_rows import add_ip_addresses, set_do_not_contact
from store.models import Contact, SocialProfile, SyncState, table_of
from store.normalize import normalize_email
from store.phones import normalize_phone, region_for_country

_C = table_of(Contact).c
_S = table_of(SyncState).c
ACTOR = "Mautic sync"


def live_contact(conn: Connection, contact_id: int) -> int | None:
    """The live contact `contact_id` is or was merged into (following merges), or None if it was deleted."""
    seen = set()
    current: int | None = contact_id
    while current is not None and current not in seen:
        seen.add(current)
        row = conn.execute(select(_C.merged_into_id, _C.deleted_at).where(_C.id == current)).first()
        if row is None:
            return None
        if row.merged_into_id is None:
            return None if row.deleted_at is not None else current
        current = row.merged_into_id
    return None


class ContactWriter:
    def __init__(
        self, origin: str, now: datetime, region: str, social: Mapping[str, Callable[[str], str]] | None = None
    ) -> None:
        self.origin, self.now, self.region = origin, now, region
        self.social = dict(social or {})

    def _known(self, conn: Connection, remote_id: str) -> int | None:
        return self._found(conn, remote_id)[0]

    def _found(self, conn: Connection, remote_id: str) -> tuple[int | None, bool]:
        """The live contact that is `remote_id` here, if any, and whether the sync has a record of it."""
        known = conn.execute(select(_S.contact_id).where(_S.source == self.origin, _S.remote_id == remote_id)).scalar()
        if known is not None:
            return live_contact(conn, known), True
        # A contact a CSV import brought with its Mautic id (`--map id=external_id`) is that contact.
        return conn.execute(
            select(_C.id)
            .where(_C.external_id == remote_id, _C.merged_into_id.is_(None), _C.deleted_at.is_(None))
            .order_by(_C.id)
            .limit(1)
        ).scalar(), False

    def write(self, conn: Connection, contact: RemoteContact) -> tuple[int, str]:
        """Create or update the contact in the caller's transaction; (local id, "created"|"updated"|"unchanged")."""
        contact_id, recorded = self._found(conn, contact.remote_id)
        if contact_id is None:
            contact_id, outcome = self._insert(conn, contact), "created"
        else:
            outcome = "updated" if self._update(conn, contact_id, contact) else "unchanged"
        set_do_not_contact(conn, contact_id, contact.dnc, self.now)
        add_ip_addresses(conn, contact_id, contact.ips, self.now)
        self._add_social_profiles(conn, contact_id, contact.custom)
        self._remember(conn, contact_id, contact, recorded)
        return contact_id, outcome

    def _add_social_profiles(self, conn: Connection, contact_id: int, custom: Mapping[str, str]) -> None:
        """A Mautic field named after a network Dossier reads (a custom field `mastodon`, `bluesky` or `github`)
        becomes that social profile; a value its network does not take as a handle is left as a field."""
        for network, normalize in self.social.items():
            value = (custom.get(network) or "").strip()
            try:
                handle = normalize(value) if value else ""
            except ValueError:
                continue
            if handle:
                row = dict(contact_id=contact_id, network=network, handle=handle, profile={}, feed=[], status="")
                conn.execute(dialect_insert(conn, table_of(SocialProfile)).values(**row).on_conflict_do_nothing())

    def _phone_e164(self, values: dict[str, Any]) -> str | None:
        region = region_for_country(values.get("country"), self.region)
        return normalize_phone(values.get("phone"), region) or normalize_phone(values.get("mobile"), region)

    def _insert(self, conn: Connection, contact: RemoteContact) -> int:
        values = dict(contact.values)
        row: dict[str, Any] = {column: values.get(column, "") for column in FIELD_COLUMNS.values()}
        row.update({column: values.get(column) for column in NULLABLE_COLUMNS.values()})
        row.update(
            points=values.get("points", 0),
            stage=values.get("stage", ""),
            owner=values.get("owner", ""),
            tags=contact.tags,
            custom_fields=contact.custom,
            external_id=contact.remote_id,
            email_normalized=normalize_email(values.get("email")),
            phone_e164=self._phone_e164(values),
            avatar_source="gravatar",
            date_added=values.get("date_added", self.now),
            date_modified=self.now,
            last_active=values.get("last_active"),
        )
        return inserted_id(conn.execute(insert(table_of(Contact)).values(**row)))

    def _update(self, conn: Connection, contact_id: int, contact: RemoteContact) -> bool:
        current = conn.execute(select(table_of(Contact)).where(_C.id == contact_id)).mappings().one()
        values = {name: value for name, value in contact.values.items() if name != "date_added"}
        if current["last_active"] is not None and values.get("last_active") is not None:
            values["last_active"] = max(current["last_active"], values["last_active"])
        tags = list(current["tags"] or [])
        tags += [tag for tag in contact.tags if tag not in tags]
        custom = {**(current["custom_fields"] or {}), **contact.custom}
        merged = {**current, **values}
        changes = {name: value for name, value in values.items() if current[name] != value}
        if tags != list(current["tags"] or []):
            changes["tags"] = tags
        if custom != (current["custom_fields"] or {}):
            changes["custom_fields"] = custom
        if current["external_id"] is None:
            changes["external_id"] = contact.remote_id
        if not changes:
            return False
        changes["email_normalized"] = normalize_email(merged["email"])
        changes["phone_e164"] = self._phone_e164(merged)
        changes["date_modified"] = self.now
        conn.execute(update(table_of(Contact)).where(_C.id == contact_id).values(**changes))
        return True

    def _remember(self, conn: Connection, contact_id: int, contact: RemoteContact, recorded: bool) -> None:
        """The sync's record of the contact: updated when `_found` saw one (in this transaction), else added."""
        table = table_of(SyncState)
        values = {"contact_id": contact_id, "remote_modified": contact.marker, "synced_at": self.now}
        if recorded:
            conn.execute(
                update(table).where(_S.source == self.origin, _S.remote_id == contact.remote_id).values(**values)
            )
        else:
            conn.execute(insert(table).values(source=self.origin, remote_id=contact.remote_id, **values))

    def gone(self, engine: Engine, remote_id: str, answer: dict | None, now: datetime) -> str | None:
        """Mautic no longer lists `remote_id`: answered 404 (`answer` None: deleted) or with another contact
        (merged into it: LeadModel::getEntity follows Mautic's merge records). "deleted", "merged" or None."""
        from store.merge.merging import merge_contacts, preview_merge

        with writing(engine) as conn:
            local = self._known(conn, remote_id)
            if answer is None or local is None:
                conn.execute(delete(table_of(SyncState)).where(_S.source == self.origin, _S.remote_id == remote_id))
                if local is None:
                    return None
                # Deleted in Mautic: hidden here as a merged-away record is, its data kept.
                conn.execute(update(table_of(Contact)).where(_C.id == local).values(deleted_at=now, date_modified=now))
                return "deleted"
            winner, _outcome = self.write(conn, read_contact(answer))
            conn.execute(delete(table_of(SyncState)).where(_S.source == self.origin, _S.remote_id == remote_id))
        if winner == local:
            return None
        # Merged in Mautic: the same two records become one here, through Dossier's merge (so it can be undone).
        merge_contacts(engine, preview_merge(engine, winner, local, now=now), actor=ACTOR, now=now)
        return "merged"
