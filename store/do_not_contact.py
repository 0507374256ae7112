"""Do not contact: marking a contact as not to be contacted on a channel (email), or contactable again.

Mautic's reasons are kept: "unsubscribed" (the contact asked), "bounced" (the address failed), "manual" (a
person decided). A change is one transaction that also records it in History and, for a contact that came
from Mautic, queues it for Mautic (`store.sync.outbox`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, insert, select

from store.contacts import ContactNotFound
from store.db import writing
from store.dnc_reasons import REASON_CODES, REASONS
from store.models import Contact, DoNotContact, Event, table_of
from store.sync import outbox

_D = table_of(DoNotContact).c
_C = table_of(Contact).c


def set_do_not_contact(
    engine: Engine,
    contact_id: int,
    channel: str,
    blocked: bool,
    *,
    reason: str = "manual",
    comments: str = "",
    actor: str,
    now: datetime,
) -> bool:
    """Mark the contact not to be contacted on `channel` (`blocked`), or contactable again; False when it
    already was so (nothing is written). Raises `ContactNotFound`, or ValueError for an unknown reason."""
    if reason not in REASONS:
        raise ValueError(f"{reason!r} is not a reason; use {', '.join(REASONS)}.")
    with writing(engine) as conn:
        live = conn.execute(select(_C.id).where(_C.id == contact_id, _C.merged_into_id.is_(None))).first()
        if live is None:
            raise ContactNotFound(f"No contact has the id {contact_id}.")
        present = conn.execute(select(_D.id).where(_D.contact_id == contact_id, _D.channel == channel)).first()
        if blocked == (present is not None):
            return False
        if blocked:
            conn.execute(
                insert(table_of(DoNotContact)).values(
                    contact_id=contact_id, channel=channel, reason=reason, comments=comments, date_added=now
                )
            )
            label, payload = (
                f"Do not contact: {channel} ({reason})",
                {"channel": channel, "reason": REASON_CODES[reason]},
            )
            payload["comments"] = comments
        else:
            conn.execute(delete(table_of(DoNotContact)).where(_D.contact_id == contact_id, _D.channel == channel))
            label, payload = f"Contactable again: {channel}", {"channel": channel}
        conn.execute(
            insert(table_of(Event)).values(
                contact_id=contact_id,
                type="dnc.added" if blocked else "dnc.removed",
                occurred_at=now,
                label=label,
                details={"channel": channel, **({"reason": reason} if blocked else {})},
                actor=actor,
            )
        )
        outbox.queue(conn, contact_id, "dnc.add" if blocked else "dnc.remove", payload, now)
    return True
