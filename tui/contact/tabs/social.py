"""The Social tab: the contact's public Mastodon, Bluesky and GitHub feeds, from cache at once and
refreshed in the background."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical

from store.social import SocialAccount, list_profiles, remove_profile, save_feed
from tui.background import in_thread
from tui.contact.tabs.base import ContactTab
from widgets.social_feed import FeedPost, FeedSection, SocialFeed

# What a fetch status means on screen; "ok" and "not_modified" both show the feed.
STATES = {"not_found": "not_found", "rate_limited": "rate_limited", "error": "unreachable", "offline": "offline"}


# Said when the state comes from the cache (the fetch that set it said more, at the time).
CACHED_MESSAGES = {
    "rate_limited": "{network} limited requests at the last refresh; this is the feed from before.",
    "not_found": "{network} has no account {handle}.",
    "unreachable": "{network} could not be reached at the last refresh; this is the feed from before.",
    "offline": "Offline: this is the feed from the last refresh.",
}


def section(
    account: SocialAccount, *, state: str | None = None, message: str = "", now: datetime | None = None
) -> FeedSection:
    """The widget's plain data for one account, from what the store has cached (`now`: to say when a network
    that asked to wait may be asked again)."""
    cached = account.cached
    profile = cached.profile
    state = state or STATES.get(cached.status, "ok" if cached.fetched_at else "loading")
    if not message and state in ("ok", "not_found", "unreachable") and cached.message:
        # The network's own sentence: taken down, deactivated, suspended, signed-in readers only, …
        message = cached.message
    if not message and state in CACHED_MESSAGES:
        from services.social import network_label

        message = CACHED_MESSAGES[state].format(network=network_label(account.network), handle=account.handle)
        if now is not None and not cached.may_ask(now) and cached.not_before is not None:
            message += f" It is asked again from {cached.not_before.astimezone():%H:%M}."
    return FeedSection(
        network=account.network,
        handle=account.handle,
        display_name=profile.display_name if profile else "",
        followers=profile.followers if profile else None,
        posts_count=profile.posts if profile else None,
        updated_at=cached.fetched_at,
        state=state,
        message=message,
        labels=profile.labels if profile else (),
        posts=tuple(
            FeedPost(
                p.text,
                p.created_at,
                p.replies,
                p.boosts,
                p.likes,
                p.url,
                p.reposted_from,
                p.warning,
                p.quote,
                p.attachments,
                p.labels,
            )
            for p in cached.posts
        ),
    )


class SocialTab(ContactTab):
    """The contact's public feeds, from cache at once and refreshed in the background when stale."""

    TAB_ID, TITLE, KEY, FOCUS, ORDER = "social", "Social", "4", "#social-feed", 40
    BINDINGS = [
        Binding("r", "refresh_feeds", "Refresh", tooltip="Fetch the social feeds again", id="social.refresh"),
        Binding(
            "D", "remove_profile", "Remove profile", tooltip="Remove the highlighted social profile", id="social.remove"
        ),
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__(contact_id)
        self.accounts: list[SocialAccount] = []
        self.sections: dict[int, FeedSection] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # With no profile there is nothing to refresh or remove: the footer and help do not offer it.
        if action in {"refresh_feeds", "remove_profile"}:
            return bool(self.accounts)
        return True

    def content(self) -> ComposeResult:
        with Vertical(id="social-pane"):
            yield SocialFeed(now=self.ctx.clock(), id="social-feed")

    def load(self, *, force: bool = False) -> None:
        """Show the cached feeds now; fetch the stale ones (or all, with `force`) in the background."""
        engine = self.ctx.engine
        in_thread(
            self,
            lambda: list_profiles(engine, self.contact_id),
            lambda accounts: self._loaded(accounts, force),
            group="social-load",
        )

    def _loaded(self, accounts: list[SocialAccount], force: bool) -> None:
        self.accounts = accounts
        self.refresh_bindings()
        now = self.ctx.clock()
        self.sections = {account.id: section(account, now=now) for account in accounts}
        self._redraw()
        ttl = timedelta(minutes=self.ctx.settings.social.ttl_minutes)
        stale = [a for a in accounts if force or not a.cached.fetched_at or now - a.cached.fetched_at > ttl]
        # Never before a rate limit's reset (asking while limited can get a client banned), even with `r`.
        waiting = [a for a in stale if not a.cached.may_ask(now)]
        if force and waiting:
            from services.social import network_label

            names = ", ".join(sorted({network_label(a.network) for a in waiting}))
            self.dossier.say(f"{names} asked to wait; the feed shown is the one from before.", title="Social")
        stale = [a for a in stale if a.cached.may_ask(now)]
        if stale:
            self._refresh(stale)

    def _redraw(self) -> None:
        ordered = [self.sections[a.id] for a in self.accounts if a.id in self.sections]
        self.query_one(SocialFeed).show(ordered, now=self.ctx.clock())

    @work(exclusive=True, group="social-fetch", exit_on_error=False)
    async def _refresh(self, accounts: list[SocialAccount]) -> None:
        from services.social import offline_result, provider

        context = self.ctx
        settings = context.settings

        async def one(account: SocialAccount) -> None:
            network = provider(account.network)
            http = self.dossier.http
            if settings.network.offline or http is None:
                result = offline_result(network.label)
            else:
                self.sections[account.id] = section(account, state="loading")
                self._redraw()
                result = await network.fetch(
                    http,
                    account.handle,
                    cached=account.cached,
                    base_url=settings.social.base_url(account.network),
                    token=settings.social.token(account.network),
                    timeout=settings.network.timeout,
                )
            await asyncio.to_thread(save_feed, context.engine, account.id, result, context.clock())
            fresh = [
                a for a in await asyncio.to_thread(list_profiles, context.engine, self.contact_id) if a.id == account.id
            ]
            if fresh:
                state = STATES.get(result.status) if result.status not in ("ok", "not_modified") else None
                self.sections[account.id] = section(fresh[0], state=state, message=result.message or "")
                self._redraw()

        await asyncio.gather(*(one(account) for account in accounts))

    def action_refresh_feeds(self) -> None:
        self.load(force=True)

    def action_remove_profile(self) -> None:
        from textual.content import Content

        from plain.literal import one_line
        from tui.dialogs.confirm import ConfirmDialog

        index = self.query_one(SocialFeed).highlighted_section
        if index is None and len(self.accounts) == 1:
            index = 0
        if index is None or index >= len(self.accounts):
            self.dossier.say("Highlight a post (or the state line) of the profile to remove.", severity="warning")
            return
        account = self.accounts[index]

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(account.id)

        message = Content.assemble(
            "Remove ",
            (one_line(f"{account.network}: {account.handle}"), "bold"),
            " and its cached feed from this contact?",
        )
        self.app.push_screen(ConfirmDialog("Remove social profile", message, yes="Remove", default=False), answered)

    def _remove(self, profile_id: int) -> None:
        engine = self.ctx.engine
        in_thread(self, lambda: remove_profile(engine, profile_id), lambda _removed: self.load(), group="social-remove")

    @on(SocialFeed.OpenUrl)
    def _open(self, event: SocialFeed.OpenUrl) -> None:
        self.app.open_url(event.url)

    @on(SocialFeed.CopyUrl)
    def _copy(self, event: SocialFeed.CopyUrl) -> None:
        self.app.copy_to_clipboard(event.url)
        self.dossier.say(f"Copied {event.url}", title="Social")
