"""The social networks Dossier reads, by the name a profile stores, as their names are written in sentences.

Below every layer, so the store's sentences (a merge folding two profiles, a profile added twice) name a
network as the Social tab and the feeds do ("GitHub", not "github").
"""

from __future__ import annotations

NETWORK_LABELS = {"mastodon": "Mastodon", "bluesky": "Bluesky", "github": "GitHub"}


def network_label(network: str) -> str:
    """A network's name as written in sentences; an unknown one as stored."""
    return NETWORK_LABELS.get(network, network)
