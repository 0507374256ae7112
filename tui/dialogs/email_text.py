"""What the compose dialog says about an email it could not send, and which of Mautic's emails Mautic can send
to this contact: kept apart from the dialog, which is about keys and fields."""

from __future__ import annotations

from services.mailer import MailError
from services.outbox import MailBlocked, MailNotConfigured
from store.db import describe_error
from store.rows import ContactDetail
from store.settings import MauticSettings
from store.templates import TemplateSummary, with_default


def empty_warning(placeholders: list[str]) -> str:
    """Which placeholders would be sent as nothing to this contact, and how to give them a default."""
    verb = "is" if len(placeholders) == 1 else "are"
    example = with_default(placeholders[0], "text if empty")
    return f"{' and '.join(placeholders)} {verb} empty for this contact: write a default, {example}."


def failure_message(exc: Exception) -> str:
    """One sentence on why the email was not sent, and what ctrl+s does next."""
    match exc:
        case MailBlocked():
            return str(exc) + (" Tick “Send anyway” to override." if exc.can_override else "")
        case MailNotConfigured():
            return f"{exc} Fix it there and press ctrl+s: the settings are read again."
        case MailError():
            return f"{exc} Press ctrl+s to try again."
    return describe_error(exc)


def mautic_email_id(template: TemplateSummary | None, detail: ContactDetail, settings: MauticSettings) -> str | None:
    """The Mautic id of a template Mautic can send to this contact: the template is one of Mautic's emails
    and the contact came from the configured Mautic."""
    from store.interchange.mautic_sync import source_name

    from_mautic = bool(settings.url) and detail.origin == source_name(settings.url)
    if template is None or not template.external_id or not from_mautic or not detail.origin_id.isdigit():
        return None
    return template.external_id
