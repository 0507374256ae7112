"""Email templates, the placeholders they hold, and what sending an email to a contact reads and writes.

Placeholders are `{firstname}` or Mautic's `{contactfield=firstname}`, optionally with a default for an
empty field: `{contactfield=firstname|there}`, `{owner|your account manager}` (Mautic's syntax, read in
LeadBundle/Helper/TokenHelper.php). They are filled from the contact's fields (custom fields included); an
unknown one is left as written and reported, and one whose field is empty for this contact with no default
is reported too (Mautic fills it with nothing, silently), so the user can see either before sending.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlmodel import col

from plain.errors import UserError
from store.contacts import ContactNotFound
from store.db import writing
from store.dialect import folded_contains
from store.models import Contact, DoNotContact, EmailTemplate, Event, table_of

T = table_of(EmailTemplate).c
C = table_of(Contact).c

NO_EMAIL_ADDRESS = "This contact has no email address."
TRACKING = "sent directly (not tracked)"
# The contact columns a template may use, by their Mautic alias; `region` is also Mautic's `state`.
CONTACT_FIELDS = (
    *("firstname", "lastname", "email", "company", "position", "phone", "mobile", "website"),
    *("address1", "address2", "city", "region", "zipcode", "country", "points", "stage", "owner"),
)
PLACEHOLDER = re.compile(r"\{(?:contactfield=)?([A-Za-z_][A-Za-z0-9_]*)(?:\|([^{}\n]*))?\}")


class TemplateNotFound(UserError, LookupError):
    """No email template matches what was asked for; the message says what was looked up."""


@dataclass(frozen=True, slots=True)
class TemplateSummary:
    id: int
    name: str
    subject: str
    external_id: str | None = None  # the Mautic email it came from, which Mautic can send itself


@dataclass(frozen=True, slots=True)
class TemplateRow:
    id: int
    name: str
    subject: str
    body_text: str
    body_html: str | None


def list_templates(engine: Engine, query: str = "") -> list[TemplateSummary]:
    """Templates whose name or subject contains `query` (case and accents ignored), by name."""
    statement = select(T.id, T.name, T.subject, T.external_id).order_by(func.dossier_fold(T.name), T.id)
    if needle := query.strip():
        statement = statement.where(folded_contains(T.name, needle) | folded_contains(T.subject, needle))
    with engine.connect() as conn:
        return [
            TemplateSummary(id=row.id, name=row.name, subject=row.subject, external_id=row.external_id)
            for row in conn.execute(statement)
        ]


def _template(row: Any) -> TemplateRow:
    return TemplateRow(id=row.id, name=row.name, subject=row.subject, body_text=row.body_text, body_html=row.body_html)


def get_template(engine: Engine, template_id: int) -> TemplateRow:
    """One template with its bodies; raises `TemplateNotFound`."""
    with engine.connect() as conn:
        row = conn.execute(select(table_of(EmailTemplate)).where(T.id == template_id)).first()
    if row is None:
        raise TemplateNotFound(f"No email template has the id {template_id}.")
    return _template(row)


def find_template(engine: Engine, name: str) -> TemplateRow:
    """The template with this name (exact case preferred, else case-insensitive), or this id when the name
    is a number no template is called; raises `TemplateNotFound`."""
    name = name.strip()
    with engine.connect() as conn:
        rows = conn.execute(
            select(table_of(EmailTemplate)).where(func.lower(T.name) == name.lower()).order_by(T.id)
        ).all()
    exact = [row for row in rows if row.name == name]
    if exact or rows:
        return _template((exact or rows)[0])
    if name.isascii() and name.isdigit() and len(name) < 19:
        try:
            return get_template(engine, int(name))
        except TemplateNotFound:
            pass
    raise TemplateNotFound(f"No email template is named {name!r}.")


def contact_fields(engine: Engine, contact_id: int) -> dict[str, str]:
    """The values placeholders are filled with: the contact's columns, then its custom fields (which never
    replace a column), keyed in lower case. Raises `ContactNotFound`."""
    with engine.connect() as conn:
        row = conn.execute(select(table_of(Contact)).where(C.id == contact_id)).first()
    if row is None:
        raise ContactNotFound(f"No contact has the id {contact_id}.")
    fields = {name: _text(getattr(row, name)) for name in CONTACT_FIELDS}
    fields["state"] = fields["region"]
    for key, value in (row.custom_fields or {}).items():
        fields.setdefault(str(key).lower(), _text(value))
    return fields


def _text(value: object) -> str:
    return "" if value is None else str(value)


def fill_placeholders(text: str, fields: dict[str, str], *, html_escape: bool = False) -> tuple[str, list[str]]:
    """`text` with its placeholders filled from `fields`, and the unknown placeholders as written (each
    once, in order). `html_escape` escapes the values, for an HTML body."""
    unknown: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name, default = match.group(1).lower(), match.group(2)
        if name not in fields:
            if match.group(0) not in unknown:
                unknown.append(match.group(0))
            return match.group(0)
        value = fields[name] if fields[name].strip() else (default or "")
        return html.escape(value) if html_escape else value

    return PLACEHOLDER.sub(fill, text), unknown


def empty_placeholders(text: str, fields: dict[str, str]) -> list[str]:
    """The placeholders in `text` whose field is empty in `fields` and that give no default, as written (each
    once, in order): filled, each would leave a gap in a sentence ("Owner: ."). `{owner|}` asks for nothing."""
    empty: list[str] = []
    for match in PLACEHOLDER.finditer(text):
        name, default = match.group(1).lower(), match.group(2)
        if name in fields and not fields[name].strip() and default is None and match.group(0) not in empty:
            empty.append(match.group(0))
    return empty


def with_default(placeholder: str, default: str = "…") -> str:
    """The placeholder as written, with a default for an empty field: `{owner}` becomes `{owner|…}`."""
    return f"{placeholder[:-1].partition('|')[0]}|{default}}}"


def email_block_reason(engine: Engine, contact_id: int) -> str | None:
    """Why no email may be sent to this contact, in one sentence, or None. The do-not-contact reason may be
    overridden by the user; `NO_EMAIL_ADDRESS` may not. Raises `ContactNotFound`."""
    with engine.connect() as conn:
        email = conn.execute(select(C.email).where(C.id == contact_id)).first()
        if email is None:
            raise ContactNotFound(f"No contact has the id {contact_id}.")
        if not (email[0] or "").strip():
            return NO_EMAIL_ADDRESS
        reason = conn.execute(
            select(col(DoNotContact.reason))
            .where(col(DoNotContact.contact_id) == contact_id, col(DoNotContact.channel) == "email")
            .order_by(col(DoNotContact.date_added).desc())
        ).first()
    if reason is None:
        return None
    because = f" ({reason[0]})" if reason[0] else ""
    return f"This contact is marked do not contact for email{because}."


def record_sent_email(
    engine: Engine,
    contact_id: int,
    *,
    subject: str,
    sender: str,
    recipient: str,
    actor: str,
    now: datetime,
    message_id: str,
) -> int:
    """Record an `email.sent` event ("Email sent: <subject>") in the contact's History; returns its id."""
    details = {"subject": subject, "from": sender, "to": recipient, "message_id": message_id, "tracking": TRACKING}
    with writing(engine) as conn:
        return conn.execute(
            insert(Event)
            .values(
                contact_id=contact_id,
                type="email.sent",
                occurred_at=now,
                label=f"Email sent: {subject}",
                details=details,
                actor=actor,
            )
            .returning(table_of(Event).c.id)
        ).scalar_one()
