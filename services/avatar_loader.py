"""Which picture a contact's avatar shows: the cache, the network and local files, in one async call.

`load_avatar` follows the contact's preferred source and never raises for bad answers or files: the outcome
either carries image bytes or says to keep the locally drawn fallback, with a short caption and, when
something went wrong, one sentence for a status line. Database calls run in a thread (`asyncio.to_thread`),
so an async worker can await it without blocking the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import Engine

from services.gravatar import fetch_avatar, gravatar_cache_key, gravatar_url
from store.avatars import (
    CachedImage,
    ImageError,
    custom_avatar_path,
    get_cached,
    is_fresh,
    read_image_file,
    save_cached,
)


@dataclass(frozen=True, slots=True)
class AvatarOutcome:
    """What to show: `image` bytes, else the fallback drawn from `fallback_seed` ("" means initials)."""

    image: bytes | None
    caption: str
    fallback_seed: str = ""
    message: str = ""


async def load_avatar(
    engine: Engine,
    client: httpx.AsyncClient | None,
    *,
    source: str,
    email: str | None,
    custom_fields: Mapping[str, Any],
    size_px: int,
    base_url: str,
    timeout: float,
    offline: bool,
    now: datetime,
    contact_id: int | None = None,
) -> AvatarOutcome:
    """The avatar for a contact whose preferred source is `source` ("gravatar", "social", "custom", "initials").

    A Gravatar is served from the cache while fresh, revalidated after it expires, and never fetched when
    `offline` is set or `client` is None; a stale copy is still shown when the service cannot be reached.
    """
    seed = (email or "").strip()
    if source == "initials":
        return AvatarOutcome(None, "initials")
    if source == "custom":
        return await _custom(custom_fields, seed)
    if source == "social":
        url, network = await asyncio.to_thread(_social_avatar_url, engine, contact_id)
        if not url:
            return AvatarOutcome(None, "no social avatar", seed)
        key = "social:" + hashlib.sha256(url.encode()).hexdigest()
        return await _fetched(engine, client, key, url, seed, network, offline=offline, timeout=timeout, now=now)
    if not seed:
        return AvatarOutcome(None, "no email")
    key = gravatar_cache_key(seed, size_px=size_px)
    url = gravatar_url(seed, size_px=size_px, base_url=base_url)
    return await _fetched(engine, client, key, url, seed, "Gravatar", offline=offline, timeout=timeout, now=now)


def _social_avatar_url(engine: Engine, contact_id: int | None) -> tuple[str, str]:
    """The picture of the contact's first social profile that has one (fetched with its feed), of an account
    the network still shows: one gone, taken down or deactivated since keeps its cached profile on the Social
    tab, but not as the contact's picture."""
    from services.social import network_label
    from store.social import list_profiles

    if contact_id is None:
        return "", ""
    for account in list_profiles(engine, contact_id):
        profile = account.cached.profile
        if account.cached.status == "not_found":
            continue
        if profile is not None and profile.avatar_url.startswith(("https://", "http://")):
            return profile.avatar_url, network_label(account.network)
    return "", ""


async def _fetched(
    engine: Engine,
    client: httpx.AsyncClient | None,
    key: str,
    url: str,
    seed: str,
    name: str,
    *,
    offline: bool,
    timeout: float,
    now: datetime,
) -> AvatarOutcome:
    """A picture from `url`, served from the cache while fresh and revalidated after; `name` captions it."""
    cached = await asyncio.to_thread(get_cached, engine, key)
    if cached is not None and is_fresh(cached, now):
        return _from_cache(cached, seed, name)
    if offline or client is None:
        if cached is not None and cached.status == "ok":
            return _from_cache(cached, seed, f"{name} (offline)")
        return AvatarOutcome(None, "offline", seed)
    result = await fetch_avatar(client, url, cached=cached, timeout=timeout, service=name)
    entry = result.to_cache(cached, now)
    if entry is not None:
        await asyncio.to_thread(save_cached, engine, key, entry)
        return _from_cache(entry, seed, name)
    if cached is not None and cached.status == "ok":
        return AvatarOutcome(cached.content, f"{name} (cached)", seed, result.message)
    return AvatarOutcome(None, f"{name} unavailable", seed, result.message)


def _from_cache(entry: CachedImage, seed: str, caption: str) -> AvatarOutcome:
    if entry.status == "ok" and entry.content:
        return AvatarOutcome(entry.content, caption, seed)
    return AvatarOutcome(None, f"no {caption.split(' (')[0]}", seed)


async def _custom(custom_fields: Mapping[str, Any], seed: str) -> AvatarOutcome:
    path = custom_avatar_path(custom_fields)
    if path is None:
        return AvatarOutcome(None, "no image file", seed, "No avatar file is set (custom field avatar_path).")
    try:
        data, _content_type = await asyncio.to_thread(read_image_file, path)
    except ImageError as exc:
        return AvatarOutcome(None, "image file unusable", seed, str(exc))
    return AvatarOutcome(data, "custom image", seed)
