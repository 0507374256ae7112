"""Normal forms used to find the same person under different spellings."""

from __future__ import annotations

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def normalize_email(email: str | None) -> str | None:
    """Trimmed, lower-cased, without a `+tag`; Gmail dots ignored. None when there is no address."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"
