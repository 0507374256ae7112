"""Mautic's API endpoints as Dossier reads and writes them, shaped as Mautic 4.4 and 5.x really answer.

Reading (`store.interchange.mautic_sync` is the caller):
- Contacts are listed in the full form: `minimal` is never sent, because Mautic tests it with PHP truthiness
  (`$request->get('minimal', 0)`, FetchCommonApiController::getEntitiesAction), so even "false" would drop
  tags, stage, owner, IPs and do-not-contact records. Paging is by id (`where[] id gt N`, `orderBy=id`), never
  by offset: offsets skip a contact whenever another is deleted or merged meanwhile, and Mautic's default order
  (`last_active DESC`) has no tiebreaker. `total` is a string, `contacts` an object keyed by id, `{}` when empty.
- Activity comes from `/contacts/activity` for every contact at once, from a date on; its `limit` applies per
  event type (LeadTimelineEvent::getEventLimit), so pages run until `maxPages`.
- A merged-away contact id answers with the contact it was merged into (LeadModel::getEntity falls back to the
  merge records): `contact(id)` hands back whatever Mautic answered; the caller compares ids.

Writing: notes, segment and campaign membership, do-not-contact, and sending an email template.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from services.mautic.errors import MauticError
from services.mautic.transport import Params, Transport

PAGE = 200


def items(data: Any) -> list[dict] | None:
    """The objects of a Mautic collection: an object keyed by id, a list, or `[]`/`{}`/null when empty."""
    if data is None:
        return []
    values = list(data.values()) if isinstance(data, dict) else data
    if not isinstance(values, list) or not all(isinstance(item, dict) for item in values):
        return None
    return values


def number(value: Any) -> int | None:
    """An int from Mautic's ints, floats and numeric strings ("total": "1", "maxPages": 5.0), else None."""
    if isinstance(value, bool):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def mautic_time(moment: datetime) -> str:
    """A time as Mautic compares it in `where` and activity filters: UTC, `Y-m-d H:i:s` (TimelineTrait)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _where(
    clauses: list[tuple[str, str, Any]], *, nested_or: Sequence[tuple[str, str, Any]] = ()
) -> list[tuple[str, Any]]:
    """`where[i][col|expr|val]` query pairs (CommonRepository::buildWhereClauseFromArray), and one `orX` group.

    Inside `orX` the columns are database names with the table alias (`l.date_modified`): Mautic converts
    camelCase names only at the top level."""
    pairs: list[tuple[str, Any]] = []
    for index, (column, expr, value) in enumerate(clauses):
        pairs += [(f"where[{index}][col]", column), (f"where[{index}][expr]", expr), (f"where[{index}][val]", value)]
    if nested_or:
        index = len(clauses)
        pairs.append((f"where[{index}][expr]", "orX"))
        for inner, (column, expr, value) in enumerate(nested_or):
            prefix = f"where[{index}][val][{inner}]"
            pairs += [(f"{prefix}[col]", column), (f"{prefix}[expr]", expr), (f"{prefix}[val]", value)]
    return pairs


class MauticClient(Transport):
    """Reads and writes one Mautic instance (see the module docstring)."""

    # -- reading ------------------------------------------------------------------------------------------------
    def check(self) -> int:
        """The number of contacts, proving the URL, the credentials and the API work; raises `MauticError`."""
        total = number(self.call("GET", "/contacts", {"limit": 1, "select[]": "id"}).get("total"))
        if total is None:
            raise self.shape("/api/contacts")
        return total

    def contacts(self, *, after_id: int, changed_since: datetime | None = None, limit: int = PAGE) -> list[dict]:
        """Up to `limit` full contacts with ids above `after_id`, in id order; with `changed_since`, only those
        added or changed (`date_modified`, NULL until a contact's first change) since then."""
        changed = []
        if changed_since is not None:
            since = mautic_time(changed_since)
            changed = [("l.date_modified", "gte", since), ("l.date_added", "gte", since)]
        params = [
            *_where([("id", "gt", after_id)], nested_or=changed),
            ("orderBy", "id"),
            ("orderByDir", "ASC"),
            ("limit", limit),
        ]
        return self._contacts(params, after_id)

    def contact_ids(self, *, after_id: int, limit: int = 1000) -> list[int]:
        """The ids of every contact above `after_id` (up to `limit`), in order: only the id is read."""
        params = [*_where([("id", "gt", after_id)]), ("orderBy", "id"), ("orderByDir", "ASC"), ("limit", limit)]
        params.append(("select[]", "id"))
        return [int(contact["id"]) for contact in self._contacts(params, after_id)]

    def _contacts(self, params: Params, after_id: int) -> list[dict]:
        body = self.call("GET", "/contacts", params)
        contacts = items(body.get("contacts"))
        if contacts is None or any(number(contact.get("id")) is None for contact in contacts):
            raise self.shape("/api/contacts")
        return self._after(sorted(contacts, key=lambda contact: int(contact["id"])), after_id, "/api/contacts")

    def _after(self, found: list[dict], after_id: int, api_path: str) -> list[dict]:
        """A page read by id must hold only ids above the last page's: a server that ignores `where[]` would
        otherwise serve the same page forever."""
        if any(int(entry["id"]) <= after_id for entry in found):
            raise self._error(
                f"Mautic at {self.where} ignored the id filter of {api_path} (where[]), so it cannot be read page "
                "by page: Dossier syncs with Mautic 4 or later."
            )
        return found

    def contact(self, contact_id: int) -> dict | None:
        """One contact in the full form (a merged-away id answers with the winner), or None when deleted."""
        try:
            body = self.call("GET", f"/contacts/{int(contact_id)}")
        except MauticError as exc:
            if exc.status == 404:
                return None
            raise
        contact = body.get("contact")
        if not isinstance(contact, dict) or number(contact.get("id")) is None:
            raise self.shape(f"/api/contacts/{contact_id}")
        return contact

    def activity(self, *, since: datetime | None = None, limit: int = 100) -> Iterator[dict]:
        """Every contact's events from `since` on (all of them without it), page by page, as served."""
        params: dict[str, Any] = {"limit": limit, "order[0]": "timestamp", "order[1]": "ASC"}
        if since is not None:
            params["filters[dateFrom]"] = mautic_time(since)
        page = 1
        while True:
            body = self.call("GET", "/contacts/activity", {**params, "page": page})
            events = items(body.get("events"))
            if events is None:
                raise self.shape("/api/contacts/activity")
            yield from events
            pages = number(body.get("maxPages"))
            if not events or pages is None or page >= pages:
                return
            page += 1

    def notes(self, *, after_id: int = 0, limit: int = PAGE) -> Iterator[dict]:
        """Every note with an id above `after_id`, in id order (`/notes` lists them unkeyed, `total` an int)."""
        while True:
            params = [*_where([("id", "gt", after_id)]), ("orderBy", "id"), ("orderByDir", "ASC"), ("limit", limit)]
            notes = items(self.call("GET", "/notes", params).get("notes"))
            if notes is None or any(number(note.get("id")) is None for note in notes):
                raise self.shape("/api/notes")
            notes = self._after(notes, after_id, "/api/notes")
            yield from notes
            if len(notes) < limit:
                return
            after_id = max(int(note["id"]) for note in notes)

    def contact_segments(self, contact_id: int) -> list[dict] | None:
        """The segments a contact is in (manually removed ones are not listed; unpublished ones are), or None
        when the contact is gone (deleted or merged away since it was listed: Mautic answers 404)."""
        return self._collection(f"/contacts/{int(contact_id)}/segments", "lists", contact=True)

    def contact_campaigns(self, contact_id: int) -> list[dict] | None:
        """The published campaigns a contact is in, or None when the contact is gone: an unpublished campaign is
        never listed here (CampaignRepository::getPublishedCampaigns), so its absence says nothing."""
        return self._collection(f"/contacts/{int(contact_id)}/campaigns", "campaigns", contact=True)

    def segments(self) -> Iterator[dict]:
        return self._listing("/segments", "lists")

    def campaigns(self) -> Iterator[dict]:
        return self._listing("/campaigns", "campaigns")

    def emails(self) -> Iterator[dict]:
        return self._listing("/emails", "emails")

    def _collection(self, path: str, key: str, *, contact: bool = False) -> list[dict] | None:
        try:
            body = self.call("GET", path)
        except MauticError as exc:
            if contact and exc.status == 404:
                return None
            raise
        found = items(body.get(key))
        if found is None:
            raise self.shape(f"/api{path}")
        return found

    def _listing(self, path: str, key: str) -> Iterator[dict]:
        """A small collection (segments, campaigns, emails), by offset: they are few and rarely deleted."""
        start = 0
        while True:
            body = self.call("GET", path, {"start": start, "limit": PAGE})
            found = items(body.get(key))
            if found is None:
                raise self.shape(f"/api{path}")
            yield from found
            start += len(found)
            total = number(body.get("total"))
            if not found or (total is not None and start >= total) or len(found) < PAGE:
                return

    # -- writing ------------------------------------------------------------------------------------------------
    def add_note(self, contact_id: int, text: str, note_type: str, date_time: datetime | None) -> int:
        """A new note on the contact; its Mautic id."""
        body: dict[str, Any] = {"lead": int(contact_id), "text": text, "type": note_type}
        if date_time is not None:
            body["dateTime"] = date_time.astimezone(UTC).isoformat()
        note = self.call("POST", "/notes/new", body=body).get("note")
        if not isinstance(note, dict) or number(note.get("id")) is None:
            raise self.shape("/api/notes/new")
        return int(note["id"])

    def edit_note(self, note_id: int, text: str, note_type: str, date_time: datetime | None) -> None:
        body: dict[str, Any] = {"text": text, "type": note_type}
        body["dateTime"] = date_time.astimezone(UTC).isoformat() if date_time is not None else None
        self.call("PATCH", f"/notes/{int(note_id)}/edit", body=body)

    def note(self, note_id: int) -> dict | None:
        """One note as Mautic has it now, or None when it was deleted there."""
        try:
            note = self.call("GET", f"/notes/{int(note_id)}").get("note")
        except MauticError as exc:
            if exc.status == 404:
                return None
            raise
        return note if isinstance(note, dict) else None

    def delete_note(self, note_id: int) -> None:
        try:
            self.call("DELETE", f"/notes/{int(note_id)}/delete")
        except MauticError as exc:
            if exc.status != 404:  # deleted there already: what was asked is true
                raise

    def set_membership(self, kind: str, group_id: int, contact_id: int, member: bool) -> None:
        """Add the contact to a segment or campaign (`kind`), or remove it; `{"success": 1}` either way."""
        collection = {"segment": "segments", "campaign": "campaigns"}[kind]
        verb = "add" if member else "remove"
        self.call("POST", f"/{collection}/{int(group_id)}/contact/{int(contact_id)}/{verb}")

    def add_do_not_contact(self, contact_id: int, channel: str, reason: int, comments: str) -> None:
        """Reason 1 unsubscribed, 2 bounced, 3 manual (DoNotContact constants; 0 is refused by Mautic)."""
        body = {"reason": reason, "comments": comments}
        self.call("POST", f"/contacts/{int(contact_id)}/dnc/{channel}/add", body=body)

    def remove_do_not_contact(self, contact_id: int, channel: str) -> None:
        self.call("POST", f"/contacts/{int(contact_id)}/dnc/{channel}/remove")

    def send_email(self, email_id: int, contact_id: int) -> None:
        """Send a Mautic email to one contact, tracked by Mautic (EmailApiController::sendLeadAction)."""
        answer = self.call("POST", f"/emails/{int(email_id)}/contact/{int(contact_id)}/send", body={})
        if answer.get("success") not in (True, 1):
            failed = answer.get("failed")
            reason = f": {failed}" if isinstance(failed, str) and failed else " (the contact may be do-not-contact)"
            raise MauticError(f"Mautic did not send the email{reason}.")
