"""Social profiles at rest: adding, listing, removing, and storing what a fetch found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from store.social import (
    DuplicateProfile,
    Post,
    Profile,
    add_profile,
    is_fresh,
    list_profiles,
    remove_profile,
    save_feed,
)
from tests.conftest import MakeContact
from tests.store_helpers import cached_feed

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
PROFILE = Profile("Alice", "bio", 12, 340, "https://example.social/@alice", "https://example.social/a.png")
POSTS = (
    Post("[@click=app.quit] \x1b[31m", NOW - timedelta(hours=1), 1, 2, 3, "https://example.social/@alice/1"),
    Post("pushed 3 commits to o/r", NOW - timedelta(hours=2), url="https://github.com/o/r"),
)


@dataclass(frozen=True)
class Result:
    status: str
    profile: Profile | None = None
    posts: tuple[Post, ...] = ()
    etag: str | None = None
    retry_after: datetime | None = None
    message: str = ""


def test_add_list_remove(engine: Engine, make_contact: MakeContact) -> None:
    contact = make_contact(engine, firstname="Ann")
    other = make_contact(engine, firstname="Bo")
    github = add_profile(engine, contact, "github", "octo")
    mastodon = add_profile(engine, contact, "mastodon", "alice@example.social")
    add_profile(engine, other, "github", "octo")
    listed = list_profiles(engine, contact)
    assert [(p.id, p.network, p.handle) for p in listed] == [
        (github, "github", "octo"),
        (mastodon, "mastodon", "alice@example.social"),
    ]
    assert listed[0].cached.profile is None and listed[0].cached.posts == () and listed[0].cached.fetched_at is None
    assert remove_profile(engine, github) is True
    assert remove_profile(engine, github) is False
    assert [p.network for p in list_profiles(engine, contact)] == ["mastodon"]


def test_duplicate_handle_is_refused(engine: Engine, make_contact: MakeContact) -> None:
    contact = make_contact(engine)
    add_profile(engine, contact, "github", "octo")
    with pytest.raises(DuplicateProfile, match="already has octo on GitHub"):
        add_profile(engine, contact, "github", "octo")


def test_save_ok_then_not_modified_then_error(engine: Engine, make_contact: MakeContact) -> None:
    profile_id = add_profile(engine, make_contact(engine), "mastodon", "alice@example.social")
    save_feed(engine, profile_id, Result("ok", PROFILE, POSTS, 'W/"1"'), NOW)
    cached = cached_feed(engine, profile_id)
    assert cached is not None
    assert (cached.profile, cached.posts, cached.etag, cached.fetched_at, cached.status) == (
        PROFILE,
        POSTS,
        'W/"1"',
        NOW,
        "ok",
    )

    later = NOW + timedelta(hours=2)
    fresher = Profile("Alice", "bio", 13, 341)
    save_feed(engine, profile_id, Result("not_modified", fresher, (), None), later)
    cached = cached_feed(engine, profile_id)
    assert cached is not None
    assert (cached.profile, cached.posts, cached.etag, cached.fetched_at) == (fresher, POSTS, 'W/"1"', later)

    save_feed(engine, profile_id, Result("rate_limited"), later + timedelta(hours=1))
    cached = cached_feed(engine, profile_id)
    assert cached is not None
    assert (cached.profile, cached.posts, cached.fetched_at, cached.status) == (fresher, POSTS, later, "rate_limited")


def test_not_found_drops_the_posts_and_takes_the_profile_it_brings(engine: Engine, make_contact: MakeContact) -> None:
    profile_id = add_profile(engine, make_contact(engine), "bluesky", "alice.bsky.social")
    save_feed(engine, profile_id, Result("ok", PROFILE, POSTS), NOW)
    save_feed(engine, profile_id, Result("not_found", message="gone"), NOW)
    cached = cached_feed(engine, profile_id)
    assert cached is not None and (cached.profile, cached.posts, cached.status) == (PROFILE, (), "not_found")
    hidden = Profile(followers=12, url=PROFILE.url)  # what Bluesky still shows of an account it hides
    save_feed(engine, profile_id, Result("not_found", hidden, message="hidden"), NOW)
    cached = cached_feed(engine, profile_id)
    assert cached is not None and (cached.profile, cached.message) == (hidden, "hidden")


def test_cached_feed_of_unknown_profile(engine: Engine) -> None:
    assert cached_feed(engine, 999) is None


def test_is_fresh() -> None:
    assert is_fresh(NOW - timedelta(minutes=59), NOW)
    assert not is_fresh(NOW - timedelta(hours=1), NOW)
    assert not is_fresh(None, NOW)
    assert not is_fresh(NOW + timedelta(minutes=5), NOW)  # a clock that went backwards
    assert is_fresh(NOW - timedelta(hours=5), NOW, ttl=timedelta(hours=6))
