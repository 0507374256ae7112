"""Where a secret may travel unencrypted: only to this machine.

A password sent over plain SMTP or plain HTTP can be read by anyone on the way. Dossier sends one without
TLS only to a loopback address (a relay or a tunnel on this machine); anywhere else it refuses, in one
sentence that says which setting to change.
"""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine: `localhost`, 127.0.0.0/8 or ::1 (no DNS lookup is made)."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
