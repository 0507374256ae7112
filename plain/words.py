"""Counting and naming words for the user: "1 contact", "2 contacts", "1,204 events", "IP address"."""

from __future__ import annotations

# Words that are initials: a label built from a field name writes them in capitals ("ip_address" -> "IP address").
INITIALS = {"ip": "IP", "ips": "IPs", "url": "URL", "uri": "URI", "id": "ID", "utm": "UTM", "os": "OS", "api": "API"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """`count` and the word, singular for exactly one (`many` when the plural is not word + "s")."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def sentence_case(text: str) -> str:
    """The first letter in capitals and the rest as it is: "IP addresses" stays, "events" becomes "Events"
    (`str.capitalize` would write "Ip addresses")."""
    return text[:1].upper() + text[1:]


def label_of(name: str) -> str:
    """A field or key name as a label: "ip_address" -> "IP address", "form_id" -> "Form ID"."""
    words = [INITIALS.get(word.lower(), word) for word in name.replace("_", " ").split()]
    return sentence_case(" ".join(words))
