"""Mautic's REST API: `transport.py` (authentication, retries, the hourly rate limit, one-sentence errors),
`client.py` (the endpoints Dossier reads and writes), `errors.py` (the sentences)."""

from services.mautic.client import MauticClient
from services.mautic.errors import MauticError

__all__ = ["MauticClient", "MauticError"]
