"""Public social feeds: one provider module per network, each a `provider.FeedProvider`.

Adding a network means adding a module with a provider class and one line in `PROVIDERS`.
"""

from __future__ import annotations

from collections.abc import Callable

from plain.networks import network_label
from services.social.base import MAX_BODY_BYTES, FeedResult, FeedStatus, SocialError, offline_result
from services.social.bluesky import Bluesky
from services.social.github import GitHub
from services.social.mastodon import Mastodon
from services.social.provider import FeedProvider

PROVIDERS: dict[str, FeedProvider] = {"mastodon": Mastodon(), "bluesky": Bluesky(), "github": GitHub()}


def provider(network: str) -> FeedProvider:
    """The provider of a network; raises `SocialError` for one Dossier does not know."""
    try:
        return PROVIDERS[network]
    except KeyError:
        known = ", ".join(PROVIDERS)
        raise SocialError(f"Dossier does not know the network {network!r}; choose one of {known}.") from None


__all__ = [
    "MAX_BODY_BYTES",
    "PROVIDERS",
    "FeedProvider",
    "FeedResult",
    "FeedStatus",
    "SocialError",
    "handle_readers",
    "network_label",
    "offline_result",
    "provider",
]


def handle_readers() -> dict[str, Callable[[str], str]]:
    """Each network's handle reader (`normalize_handle`, raising `SocialError` for text that is not one), for
    importers that find handles in other systems' fields."""
    return {network: reader.normalize_handle for network, reader in PROVIDERS.items()}
