"""Sending one email to one contact: the rules the compose dialog and `dossier email` share.

`send_to_contact` checks that the contact may be emailed, that the addresses are valid and the draft is
complete, fills the placeholders, sends through SMTP and, only once the server accepted the email,
records it in the contact's History. Any failure raises before anything is written.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Protocol

from sqlalchemy import Engine

from services.mailer import MailError, SendResult, SmtpConfig, build_message, send_message, validate_address
from store.templates import (
    NO_EMAIL_ADDRESS,
    contact_fields,
    email_block_reason,
    empty_placeholders,
    fill_placeholders,
    record_sent_email,
)


class MailBlocked(MailError):
    """This contact must not be emailed; `can_override` says whether the user may send anyway (do not
    contact) or not (no address)."""

    def __init__(self, message: str, *, can_override: bool) -> None:
        super().__init__(message)
        self.can_override = can_override


class MailNotConfigured(MailError):
    """No SMTP server is configured."""


class UnknownPlaceholders(MailError):
    """The draft has placeholders no contact field fills; `placeholders` lists them as written."""

    def __init__(self, placeholders: list[str], *, hint: str = "") -> None:
        hint = f"; {hint}" if hint else ""
        super().__init__(f"No contact field fills these placeholders: {', '.join(placeholders)}{hint}.")
        self.placeholders = placeholders


class EmptyPlaceholders(MailError):
    """The draft has placeholders whose field is empty for this contact and that give no default: sent, each
    would leave a gap ("Owner: ."). `placeholders` lists them as written."""

    def __init__(self, placeholders: list[str], *, hint: str = "") -> None:
        verb = "is" if len(placeholders) == 1 else "are"
        hint = f"; {hint}" if hint else ""
        super().__init__(f"{' and '.join(placeholders)} {verb} empty for this contact{hint}.")
        self.placeholders = placeholders


class NotRecorded(Exception):
    """The email was sent, but recording it in History failed: sending again would send it twice."""

    def __init__(self, message: str, result: SendResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True, slots=True)
class Draft:
    """What the user wrote; placeholders are still unfilled."""

    subject: str
    body_text: str
    body_html: str | None = None
    from_name: str = ""
    from_address: str = ""
    reply_to: str = ""


@dataclass(frozen=True, slots=True)
class Filled:
    """A draft with its placeholders filled for one contact, those no field could fill, and those filled with
    nothing (an empty field, no default)."""

    subject: str
    body_text: str
    body_html: str | None
    unknown: list[str]
    empty: list[str]


def set_settings(missing: list[str]) -> str:
    """How to set the SMTP settings `missing`: their names, and where the settings are read from."""
    from store.settings import settings_file

    names = " and ".join(f"smtp.{name}" for name in missing)
    variables = ", ".join(f"DOSSIER_SMTP__{name.upper()}" for name in missing)
    return f"set {names} in {settings_file()}, or {variables} in the environment."


class SenderConfig(SmtpConfig, Protocol):
    """The sender defaults of the settings (`store.settings.SmtpSettings` fits)."""

    from_name: str
    from_address: str
    use_owner_as_sender: bool


def default_sender(smtp: SenderConfig, *, owner: str) -> tuple[str, str]:
    """The From name and address a new draft starts with. With `use_owner_as_sender`, a contact owner
    written `Name <address>` gives both, a plain name gives the name (the address stays configured)."""
    if smtp.use_owner_as_sender and owner.strip():
        name, address = parseaddr(owner)
        if "@" in address:
            return name or smtp.from_name, address
        return owner.strip(), smtp.from_address
    return smtp.from_name, smtp.from_address


def fill_draft(draft: Draft, fields: dict[str, str]) -> Filled:
    """The draft's subject and bodies with the contact's fields filled in (HTML values escaped)."""
    subject, unknown = fill_placeholders(draft.subject, fields)
    body_text, more = fill_placeholders(draft.body_text, fields)
    unknown += [name for name in more if name not in unknown]
    body_html = None
    if draft.body_html is not None:
        body_html, more = fill_placeholders(draft.body_html, fields, html_escape=True)
        unknown += [name for name in more if name not in unknown]
    empty: list[str] = []
    for text in (draft.subject, draft.body_text, draft.body_html or ""):
        empty += [name for name in empty_placeholders(text, fields) if name not in empty]
    return Filled(subject=subject, body_text=body_text, body_html=body_html, unknown=unknown, empty=empty)


def send_to_contact(
    engine: Engine,
    contact_id: int,
    *,
    draft: Draft,
    smtp: SmtpConfig,
    password: str,
    actor: str,
    now: datetime,
    override_dnc: bool = False,
    allow_unknown: bool = False,
    allow_empty: bool = False,
    context: ssl.SSLContext | None = None,
) -> SendResult:
    """Send `draft` to the contact and record `email.sent` in its History.

    Checks, in this order: `MailBlocked` (no address; do not contact unless `override_dnc`),
    `MailNotConfigured`, `MailError` (a missing or invalid address, an empty subject or body),
    `UnknownPlaceholders` unless `allow_unknown`, `EmptyPlaceholders` unless `allow_empty`; then `MailError`
    for a failed send. `ContactNotFound` for an unknown id. None of these writes anything. `NotRecorded` means
    the email went out but History could not be written. Blocks on the network: call it from a worker thread.
    """
    if reason := email_block_reason(engine, contact_id):
        can_override = reason != NO_EMAIL_ADDRESS
        if not (can_override and override_dnc):
            raise MailBlocked(reason, can_override=can_override)
    missing = [name for name, value in (("host", smtp.host), ("from_address", draft.from_address)) if not value.strip()]
    if missing and missing[0] == "host":
        raise MailNotConfigured(f"SMTP is not configured: {set_settings(missing)}")
    if missing:
        raise MailError(f"There is no From address: enter one, or {set_settings(missing)}")
    fields = contact_fields(engine, contact_id)
    sender = validate_address(draft.from_address, what="The From address")
    recipient = validate_address(fields["email"], what="The contact's email address")
    reply_to = validate_address(draft.reply_to, what="The Reply-To address") if draft.reply_to.strip() else ""
    if not draft.subject.strip():
        raise MailError("The subject is empty; write one before sending.")
    if not draft.body_text.strip() and not (draft.body_html or "").strip():
        raise MailError("The message is empty; write some text before sending.")
    filled = fill_draft(draft, fields)
    if filled.unknown and not allow_unknown:
        raise UnknownPlaceholders(filled.unknown)
    if filled.empty and not allow_empty:
        raise EmptyPlaceholders(filled.empty)
    message = build_message(
        from_name=draft.from_name,
        from_address=sender,
        to_name=f"{fields['firstname']} {fields['lastname']}".strip(),
        to_address=recipient,
        reply_to=reply_to,
        subject=filled.subject,
        body_text=filled.body_text,
        body_html=filled.body_html,
        now=now,
        domain=sender.rpartition("@")[2],
    )
    result = send_message(message, smtp, password, context=context)
    try:
        record_sent_email(
            engine,
            contact_id,
            subject=result.subject,
            sender=result.sender,
            recipient=recipient,
            actor=actor,
            now=now,
            message_id=result.message_id,
        )
    except Exception as exc:
        from store.db import describe_error

        raise NotRecorded(
            f"The email was sent, but it could not be recorded in History: {describe_error(exc)}", result
        ) from exc
    return result
