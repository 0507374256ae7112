"""A contact's social feeds: one section per network (a header line, the account's moderation labels if it has
any, then its posts) under one cursor.

The widget takes plain data (`FeedSection`, `FeedPost`) and never fetches anything. Post text is shown
literally: brackets stay brackets and escape characters show as symbols. Keys: `j`/`k` and arrows move over
posts (headers are skipped), `g`/`G` first/last, `o` posts `SocialFeed.OpenUrl` and `y` `SocialFeed.CopyUrl`
for the highlighted post.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from plain.literal import literal, one_line
from plain.times import relative

FeedState = Literal["ok", "loading", "not_found", "unreachable", "rate_limited", "offline"]


@dataclass(frozen=True, slots=True)
class FeedPost:
    text: str
    created_at: datetime
    replies: int | None = None
    boosts: int | None = None
    likes: int | None = None
    url: str = ""
    reposted_from: str = ""
    warning: str = ""
    quote: str = ""
    attachments: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedSection:
    """One network's part of the tab; `message` is the state's sentence when `state` is not "ok"."""

    network: str
    handle: str
    display_name: str = ""
    followers: int | None = None
    posts_count: int | None = None
    updated_at: datetime | None = None
    state: FeedState = "ok"
    message: str = ""
    posts: tuple[FeedPost, ...] = ()
    labels: tuple[str, ...] = ()  # moderation labels on the account or its profile, a line under the header


# The line a profile with no posts shows, which the cursor can take (to remove the profile) in every state.
EMPTY_LINES = {"ok": "No public posts yet.", "loading": "Fetching the feed…"}


def _header(section: FeedSection, now: datetime) -> Content:
    parts: list[Content | tuple[str, str]] = [
        (section.network, "bold $accent"),
        Content("  "),
        Content(one_line(section.handle)),
    ]
    if section.display_name:
        parts += [Content(" · "), (one_line(section.display_name), "bold")]
    counts = [
        f"{value:,} {noun}"
        for value, noun in ((section.followers, "followers"), (section.posts_count, "posts"))
        if value is not None
    ]
    if counts:
        parts.append(Content(" · " + " · ".join(counts)))
    if section.updated_at is not None:
        parts.append((f" · updated {relative(section.updated_at, now)}", "$text-muted"))
    return Content.assemble(*parts)


def _labelled(labels: tuple[str, ...]) -> Content:
    return Content.styled(f"Labelled: {one_line(', '.join(labels))}", "bold $warning")


def _post(post: FeedPost, now: datetime) -> Content:
    meta = [relative(post.created_at, now)]
    meta += [
        f"{mark} {value:,}"
        for mark, value in (("↩", post.replies), ("⟳", post.boosts), ("♥", post.likes))
        if value is not None
    ]
    lines: list[Content] = []
    if post.reposted_from:
        lines.append(Content.styled(f"⟳ reposted from {one_line(post.reposted_from)}", "$text-muted"))
    if post.labels:
        lines.append(_labelled(post.labels))
    if post.warning:
        lines.append(Content.styled(f"CW: {one_line(post.warning)}", "bold $warning"))
    if post.text or not (post.quote or post.attachments):
        lines.append(Content(literal(post.text) or "(no text)"))
    if post.quote:
        lines.append(Content.styled(f"> {one_line(post.quote)}", "italic"))
    lines += [Content.styled(f"+ {one_line(item)}", "$text-muted") for item in post.attachments]
    lines.append(Content.styled(" · ".join(meta), "$text-muted"))
    return Content("\n").join(lines)


class SocialFeed(OptionList):
    """The Social tab's body: sections of posts with one cursor, and the no-profile hint when empty."""

    DEFAULT_CSS = """
    SocialFeed > .option-list--option-disabled { color: $text; }
    """

    BINDINGS = [
        Binding("o", "open_url", "Open", tooltip="Open the post in the browser", id="social_feed.open"),
        Binding("y", "copy_url", "Copy link", tooltip="Copy the post's address", id="social_feed.copy"),
        Binding("j", "cursor_down", "Down", show=False, id="social_feed.down"),
        Binding("k", "cursor_up", "Up", show=False, id="social_feed.up"),
        Binding("g", "first", "Top", show=False, id="social_feed.top"),
        Binding("G", "last", "Bottom", show=False, id="social_feed.bottom"),
    ]

    @dataclass
    class OpenUrl(Message):
        """The user asked to open a post in the browser."""

        feed: SocialFeed
        url: str

        @property
        def control(self) -> SocialFeed:
            return self.feed

    @dataclass
    class CopyUrl(Message):
        """The user asked to copy a post's address."""

        feed: SocialFeed
        url: str

        @property
        def control(self) -> SocialFeed:
            return self.feed

    def __init__(
        self,
        sections: Sequence[FeedSection] = (),
        *,
        now: datetime,
        add_key: str = "S",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._add_key = add_key
        self._urls: dict[str, str] = {}
        self.show(sections, now=now)

    def show(self, sections: Sequence[FeedSection], *, now: datetime) -> None:
        """Replace everything shown; the cursor goes to the first post."""
        self._urls = {}
        options: list[Option] = []
        if not sections:
            hint = f"No social profiles yet; press {self._add_key} to add one (Mastodon, Bluesky or GitHub)."
            options.append(Option(Content(hint), disabled=True))
        for number, section in enumerate(sections):
            if number:
                options.append(Option(Content(""), disabled=True))
            options.append(Option(_header(section, now), disabled=True))
            if section.labels:
                options.append(Option(_labelled(section.labels), disabled=True))
            # A profile with no posts shown can still be highlighted (to remove it, or refresh it) on its state line.
            state_id, empty = f"state-{number}", not section.posts
            if section.state != "ok" and section.message:
                line = Content.styled(one_line(section.message), "$warning")
                options.append(Option(line, id=state_id, disabled=not empty))
            else:
                if section.state == "ok" and section.message:  # a notice the network shows above the posts
                    options.append(Option(Content.styled(one_line(section.message), "$text-muted"), disabled=True))
                if section.state in EMPTY_LINES and empty:
                    options.append(Option(Content.styled(EMPTY_LINES[section.state], "$text-muted"), id=state_id))
            for index, post in enumerate(section.posts):
                option_id = f"post-{number}-{index}"
                self._urls[option_id] = post.url
                options.append(Option(_post(post, now), id=option_id))
        self.set_options(options)
        self.action_first()

    @property
    def highlighted_url(self) -> str:
        """The address of the highlighted post ("" when none is highlighted or it has none)."""
        if self.highlighted is None:
            return ""
        return self._urls.get(self.get_option_at_index(self.highlighted).id or "", "")

    @property
    def highlighted_section(self) -> int | None:
        """The index of the section (profile) whose post or state line is highlighted, or None."""
        if self.highlighted is None:
            return None
        option_id = self.get_option_at_index(self.highlighted).id or ""
        return int(option_id.split("-")[1]) if option_id.startswith(("post-", "state-")) else None

    def action_open_url(self) -> None:
        if url := self.highlighted_url:
            self.post_message(self.OpenUrl(self, url))

    def action_copy_url(self) -> None:
        if url := self.highlighted_url:
            self.post_message(self.CopyUrl(self, url))
