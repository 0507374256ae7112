"""Social profiles at rest: a contact's handles per network, and the last feed fetched for each.

A profile row keeps what the last successful fetch learned (the normalised profile and posts as JSON, the
ETag to revalidate with, when it was fetched) plus the status of the latest attempt, so the Social tab can
show the cached feed at once and say why it is stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from plain.errors import UserError
from plain.networks import network_label
from store.db import inserted_id, writing
from store.tables import Columns, table

FEED_TTL = timedelta(hours=1)
FAILURE_PAUSE = timedelta(minutes=5)  # no new request for a feed whose last one failed, before this

_T = Columns("SocialProfile")


class DuplicateProfile(UserError, ValueError):
    """The contact already has this handle on this network."""


class ProfileNotFound(UserError, LookupError):
    """The contact has no such profile; the message names the profiles it has."""


@dataclass(frozen=True, slots=True)
class Profile:
    """An account as a network shows it; `bio` is plain text (HTML already stripped)."""

    display_name: str = ""
    bio: str = ""
    followers: int | None = None
    posts: int | None = None
    url: str = ""
    avatar_url: str = ""  # "" also when the network would not show the picture (a moderation label)
    labels: tuple[str, ...] = ()  # moderation labels on the account or its profile, as shown to a logged-out reader

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        """A stored profile; one stored before a field existed takes that field's default."""
        names = cls.__dataclass_fields__
        values = {key: value for key, value in data.items() if key in names}
        values["labels"] = tuple(str(item) for item in values.get("labels") or ())
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Post:
    """One post or event: plain text (never markup), an aware time, counts where the network has them."""

    text: str
    created_at: datetime
    replies: int | None = None
    boosts: int | None = None
    likes: int | None = None
    url: str = ""
    reposted_from: str = ""  # a boost or repost: the original author (`text` is theirs); "" for own posts
    warning: str = ""  # a content warning the author put before the text
    quote: str = ""  # a quoted post, as "author: text"
    attachments: tuple[str, ...] = ()  # media and link cards described: "image: its alt text", "link: title — url"
    labels: tuple[str, ...] = ()  # moderation labels the network shows a logged-out reader

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "created_at": self.created_at.astimezone(UTC).isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Post:
        names = cls.__dataclass_fields__
        values = {key: value for key, value in data.items() if key in names}
        values["created_at"] = datetime.fromisoformat(values["created_at"])
        for name in ("attachments", "labels"):
            values[name] = tuple(str(item) for item in values.get(name) or ())
        return cls(**values)


@dataclass(frozen=True, slots=True)
class CachedFeed:
    """What is stored for one social profile; `status` is that of the latest fetch attempt ("" if none)."""

    profile: Profile | None
    posts: tuple[Post, ...] = ()
    etag: str | None = None
    fetched_at: datetime | None = None
    status: str = ""
    not_before: datetime | None = None  # the network is not asked again before this
    message: str = ""  # the network's own sentence for the last state ("… was taken down by Bluesky moderation")

    def may_ask(self, now: datetime) -> bool:
        """Whether the network may be asked now: never before a rate limit's reset or a failure's pause."""
        return self.not_before is None or now >= self.not_before


@dataclass(frozen=True, slots=True)
class SocialAccount:
    """One row of a contact's social profiles, with its cached feed."""

    id: int
    contact_id: int
    network: str
    handle: str
    cached: CachedFeed = field(default_factory=lambda: CachedFeed(None))


class FeedOutcome(Protocol):
    """The parts of a fetch result `save_feed` stores (services.social.FeedResult has them)."""

    @property
    def status(self) -> str: ...
    @property
    def profile(self) -> Profile | None: ...
    @property
    def posts(self) -> tuple[Post, ...]: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def retry_after(self) -> datetime | None: ...
    @property
    def message(self) -> str: ...


def _cached(row: Any) -> CachedFeed:
    profile = Profile.from_json(row.profile) if row.profile else None
    posts = tuple(Post.from_json(item) for item in row.feed or ())
    return CachedFeed(
        profile, posts, row.etag, _aware(row.fetched_at), row.status or "", _aware(row.not_before), row.message or ""
    )


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def list_profiles(engine: Engine, contact_id: int) -> list[SocialAccount]:
    """A contact's social profiles with their cached feeds, ordered by network then handle."""
    query = select(table("SocialProfile")).where(_T.contact_id == contact_id).order_by(_T.network, _T.handle, _T.id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [SocialAccount(row.id, row.contact_id, row.network, row.handle, _cached(row)) for row in rows]


def add_profile(engine: Engine, contact_id: int, network: str, handle: str) -> int:
    """Add a handle (already normalised by its provider) to a contact; returns the new row's id.

    Raises `DuplicateProfile` when the contact already has that handle on that network.
    """
    statement = insert(table("SocialProfile")).values(
        contact_id=contact_id, network=network, handle=handle, profile={}, feed=[], status=""
    )
    try:
        with writing(engine) as conn:
            return inserted_id(conn.execute(statement))
    except IntegrityError as exc:
        raise DuplicateProfile(f"This contact already has {handle} on {network_label(network)}.") from exc


def remove_profile(engine: Engine, profile_id: int) -> bool:
    """Delete a social profile and its cached feed; False when there was no such row."""
    with writing(engine) as conn:
        return conn.execute(delete(table("SocialProfile")).where(_T.id == profile_id)).rowcount > 0


def find_profile(engine: Engine, contact_id: int, network: str, handles: Sequence[str]) -> SocialAccount:
    """The contact's profile on `network` whose handle is one of `handles` (as typed, as the network writes it),
    case ignored: a handle is one whatever its case on the networks Dossier reads. Raises `ProfileNotFound`."""
    wanted = {handle.strip().casefold() for handle in handles}
    accounts = list_profiles(engine, contact_id)
    for account in accounts:
        if account.network == network and account.handle.casefold() in wanted:
            return account
    has = ", ".join(f"{account.network}: {account.handle}" for account in accounts) or "none"
    raise ProfileNotFound(f"Contact {contact_id} has no {network} profile {handles[0]!r}; it has: {has}.")


def save_feed(engine: Engine, profile_id: int, result: FeedOutcome, now: datetime) -> None:
    """Store what a fetch found.

    "ok" replaces profile, posts and ETag; "not_modified" keeps the posts (and takes a fresh profile if the
    result has one); either stamps `fetched_at = now`. Other statuses record the status and its sentence, so
    the old feed stays on screen (except for an account that is not found: its posts go, and its profile is
    replaced when the result has one) and the time-to-live still counts from the last good fetch. Every
    status records when the network may be asked again.
    """
    values: dict[str, Any] = {"status": result.status, "not_before": _not_before(result, now)}
    if result.status != "not_modified":  # a 304 keeps the sentence of the feed it keeps
        values["message"] = result.message
    if result.status == "not_found":
        values["feed"] = []  # gone, taken down or hidden from logged-out readers: its old posts are not shown
        if result.profile is not None:  # what a network still shows of an account it hides (no cached avatar)
            values["profile"] = result.profile.to_json()
    if result.status in ("ok", "not_modified"):
        values["fetched_at"] = now
        if result.profile is not None:
            values["profile"] = result.profile.to_json()
        if result.etag:
            values["etag"] = result.etag
    if result.status == "ok":
        values["feed"] = [post.to_json() for post in result.posts]
        values["etag"] = result.etag
    with writing(engine) as conn:
        conn.execute(update(table("SocialProfile")).where(_T.id == profile_id).values(**values))


def _not_before(result: FeedOutcome, now: datetime) -> datetime | None:
    """When the network may be asked again: the reset it gave (a rate limit, GitHub's poll interval), else a
    short pause after a failure, so that reopening a contact does not ask a server that just failed."""
    if result.retry_after is not None and result.retry_after > now:
        return result.retry_after
    if result.status in ("rate_limited", "unreachable", "not_found"):
        return now + FAILURE_PAUSE
    return None


def is_fresh(fetched_at: datetime | None, now: datetime, ttl: timedelta = FEED_TTL) -> bool:
    """Whether a feed fetched at `fetched_at` may be shown without asking the network again."""
    return fetched_at is not None and fetched_at <= now < fetched_at + ttl
