"""The app's way to a configured Mautic: a client built from the `[mautic]` settings, and sending one of
Mautic's own emails to a contact through Mautic, so that Mautic tracks it (EmailApiController::sendLeadAction;
tests/mautic/SPEC.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.mautic.client import MauticClient
from services.mautic.errors import MauticError
from store.settings import MauticSettings


def client_for(settings: MauticSettings, on_wait: Callable[[datetime], None] | None = None) -> MauticClient:
    """A client of the configured instance; `MauticError` in one sentence when no secret can be found."""
    secret = settings.resolve_secret()
    if not secret:
        raise MauticError("No Mautic secret: set DOSSIER_MAUTIC__SECRET or keep it in the keyring (dossier-mautic).")
    return MauticClient(
        settings.url, settings.user, secret, auth=settings.auth, timeout=settings.timeout, on_wait=on_wait
    )


def send_through_mautic(settings: MauticSettings, email_id: str, contact_id: str) -> None:
    """Have Mautic send its email `email_id` to its contact `contact_id` (both Mautic ids); `MauticError` with
    Mautic's reason when it does not (a do-not-contact record, an unpublished email, a wrong password)."""
    with client_for(settings) as client:
        client.send_email(int(email_id), int(contact_id))
