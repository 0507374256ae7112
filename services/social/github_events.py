"""GitHub's public events, each told as one readable line with the link a reader wants to open."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from services.social.text import count, mapping, string

WEB = "https://github.com"
_SHA = re.compile(r"[0-9a-f]{7,64}")


def _words(event_type: str) -> str:
    """`IssueCommentEvent` -> "issue comment"."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", event_type.removesuffix("Event")).lower() or "activity"


# Since 7 October 2025 the public events API trims payloads (github.blog/changelog/2025-08-08-upcoming-changes-to-
# github-events-api-payloads): a pull request is only {url, id, number, head, base} (no title, merged or html_url),
# and a push has no size, distinct_size or commits (github/docs data/reusables/webhooks/push_properties.md lists
# them for GHES only). So every link is built from the repository's name and a number, ref or id; a title, a
# count or `merged` is used only when an older event or GitHub Enterprise Server still sends it.
_PR_VERBS = {
    "review_requested": "requested a review on",
    "review_request_removed": "withdrew a review request on",
    "synchronize": "updated",
    "ready_for_review": "marked ready for review",
    "converted_to_draft": "converted to draft",
}
_REVIEW_VERBS = {"approved": "approved", "changes_requested": "requested changes on", "commented": "reviewed"}
_COMMENT_VERBS = {"created": "commented on", "edited": "edited a comment on", "deleted": "deleted a comment on"}


@dataclass(frozen=True)
class _Event:
    repo: str  # "owner/name", or "a repository" when the event has none
    url: str  # the repository's page, "" when unknown
    payload: dict[str, Any]

    def page(self, path: str) -> str:
        return f"{self.url}/{path}" if self.url else ""

    def number(self, key: str) -> int | None:
        item = mapping(self.payload.get(key))
        return count(self.payload.get("number", item.get("number")))


def _ref(name: str) -> str:
    return quote(name, safe="/")


def _sha(value: Any) -> str:
    """A commit id, or "" for anything else (it goes into a link)."""
    text = string(value)
    return text if _SHA.fullmatch(text) else ""


def _numbered(noun: str, number: int | None, event: _Event, title: str = "") -> str:
    """`pull request #12 in o/r: Title`, leaving out what the event does not carry."""
    name = noun if number is None else f"{noun} #{number}"
    return f"{name} in {event.repo}" + (f": {title}" if title else "")


def _push(event: _Event) -> tuple[str, str]:
    ref = string(event.payload.get("ref"))
    kind, name = ("tag", ref.removeprefix("refs/tags/")) if ref.startswith("refs/tags/") else ("branch", ref)
    name = name.removeprefix("refs/heads/")
    size = count(event.payload.get("distinct_size", event.payload.get("size")))
    what = f"{size} commit{'' if size == 1 else 's'} " if size is not None else ""
    line = f"pushed {what}to {kind} {name} in {event.repo}" if name else f"pushed {what}to {event.repo}"
    before, head = _sha(event.payload.get("before")), _sha(event.payload.get("head"))
    if before.strip("0") and head:
        return line, event.page(f"compare/{before}...{head}")
    return line, event.page(f"tree/{_ref(name)}") if name else event.url


def _pull_request(event: _Event) -> tuple[str, str]:
    item = mapping(event.payload.get("pull_request"))
    action = string(event.payload.get("action")) or "updated"
    # Trimmed events have no `merged`: on github.com "merged" is an action of its own (github/docs
    # data/reusables/webhooks/pull_request_event_api_properties.md, fpt/ghec). GHES and events from before
    # October 2025 say "closed" with `merged: true`.
    if action == "closed" and item.get("merged") is True:
        action = "merged"
    number = event.number("pull_request")
    line = f"{_PR_VERBS.get(action, action)} " + _numbered("pull request", number, event, string(item.get("title")))
    return line, event.page(f"pull/{number}") if number is not None else event.url


def _issue(event: _Event) -> tuple[str, str]:
    item = mapping(event.payload.get("issue"))
    number = count(item.get("number"))
    action = string(event.payload.get("action")) or "updated"
    line = f"{action} " + _numbered("issue", number, event, string(item.get("title")))
    return line, event.page(f"issues/{number}") if number is not None else event.url


def _issue_comment(event: _Event) -> tuple[str, str]:
    item, comment = mapping(event.payload.get("issue")), mapping(event.payload.get("comment"))
    number = count(item.get("number"))
    noun, path = ("pull request", "pull") if item.get("pull_request") else ("issue", "issues")
    verb = _COMMENT_VERBS.get(string(event.payload.get("action")), "commented on")
    line = f"{verb} " + _numbered(noun, number, event, string(item.get("title")))
    if number is None:
        return line, event.url
    anchor = f"#issuecomment-{comment_id}" if (comment_id := count(comment.get("id"))) is not None else ""
    return line, event.page(f"{path}/{number}{anchor}")


def _commit_comment(event: _Event) -> tuple[str, str]:
    comment = mapping(event.payload.get("comment"))
    sha = _sha(comment.get("commit_id"))
    if not sha:
        return f"commented on a commit in {event.repo}", event.url
    anchor = f"#commitcomment-{comment_id}" if (comment_id := count(comment.get("id"))) is not None else ""
    return f"commented on commit {sha[:7]} in {event.repo}", event.page(f"commit/{sha}{anchor}")


def _review(event: _Event) -> tuple[str, str]:
    review = mapping(event.payload.get("review"))
    number = event.number("pull_request")
    state = string(review.get("state")).lower()
    verb = (
        "dismissed a review on" if event.payload.get("action") == "dismissed" else _REVIEW_VERBS.get(state, "reviewed")
    )
    line = f"{verb} " + _numbered("pull request", number, event)
    if number is None:
        return line, event.url
    anchor = f"#pullrequestreview-{review_id}" if (review_id := count(review.get("id"))) is not None else ""
    return line, event.page(f"pull/{number}{anchor}")


def _review_comment(event: _Event) -> tuple[str, str]:
    comment = mapping(event.payload.get("comment"))
    number = event.number("pull_request")
    verb = _COMMENT_VERBS.get(string(event.payload.get("action")), "commented on")
    line = f"{verb} " + _numbered("pull request", number, event)
    if number is None:
        return line, event.url
    anchor = f"#discussion_r{comment_id}" if (comment_id := count(comment.get("id"))) is not None else ""
    return line, event.page(f"pull/{number}/files{anchor}")


def _review_thread(event: _Event) -> tuple[str, str]:
    number = event.number("pull_request")
    action = "unresolved" if event.payload.get("action") == "unresolved" else "resolved"
    line = f"{action} a review thread on " + _numbered("pull request", number, event)
    return line, event.page(f"pull/{number}") if number is not None else event.url


def _create(event: _Event) -> tuple[str, str]:
    ref_type, ref = string(event.payload.get("ref_type")) or "repository", string(event.payload.get("ref"))
    if ref_type == "repository" or not ref:
        return f"created repository {event.repo}", event.url
    return f"created {ref_type} {ref} in {event.repo}", event.page(f"tree/{_ref(ref)}")


def _delete(event: _Event) -> tuple[str, str]:
    ref_type, ref = string(event.payload.get("ref_type")) or "ref", string(event.payload.get("ref"))
    return f"deleted {ref_type} {ref} in {event.repo}" if ref else f"deleted a {ref_type} in {event.repo}", event.url


def _fork(event: _Event) -> tuple[str, str]:
    target = string(mapping(event.payload.get("forkee")).get("full_name"))
    if not target:
        return f"forked {event.repo}", event.url
    return f"forked {event.repo} to {target}", f"{WEB}/{target}"


def _gollum(event: _Event) -> tuple[str, str]:
    pages = [mapping(page) for page in event.payload.get("pages") or () if isinstance(page, dict)]
    actions = {string(page.get("action")) for page in pages}
    verb = "created" if actions == {"created"} else "edited"
    if len(pages) == 1:
        name = string(pages[0].get("page_name"))
        title = string(pages[0].get("title")) or name
        return f"{verb} wiki page {title} in {event.repo}", event.page(f"wiki/{_ref(name)}" if name else "wiki")
    return f"{verb} {len(pages)} wiki pages in {event.repo}", event.page("wiki")


def _member(event: _Event) -> tuple[str, str]:
    login = string(mapping(event.payload.get("member")).get("login"))
    who = login or "a collaborator"
    if event.payload.get("action") in ("removed", "deleted"):
        return f"removed {who} from {event.repo}", event.url
    return f"added {who} to {event.repo}" + (" as a collaborator" if login else ""), event.url


def _release(event: _Event) -> tuple[str, str]:
    release = mapping(event.payload.get("release"))
    tag = string(release.get("tag_name"))
    action = string(event.payload.get("action")) or "published"
    if not tag:
        return f"{action} a release in {event.repo}", event.page("releases")
    return f"{action} release {tag} in {event.repo}", event.page(f"releases/tag/{_ref(tag)}")


def _discussion(event: _Event) -> tuple[str, str]:
    item = mapping(event.payload.get("discussion"))
    number = count(item.get("number"))
    action = string(event.payload.get("action"))
    verb = "started" if action in ("", "created") else action
    line = f"{verb} " + _numbered("discussion", number, event, string(item.get("title")))
    return line, event.page(f"discussions/{number}") if number is not None else event.url


def _sponsorship(event: _Event) -> tuple[str, str]:
    # The event-types page lists SponsorshipEvent (fpt/ghec) but its payload fields could not be read here; the
    # webhook's `sponsorship.sponsorable` is assumed, and the line stays generic without it.
    sponsorable = string(mapping(mapping(event.payload.get("sponsorship")).get("sponsorable")).get("login"))
    if not sponsorable:
        return "changed a sponsorship", ""
    if event.payload.get("action") == "cancelled":
        return f"stopped sponsoring {sponsorable}", f"{WEB}/sponsors/{sponsorable}"
    return f"started sponsoring {sponsorable}", f"{WEB}/sponsors/{sponsorable}"


_TELLERS: dict[str, Callable[[_Event], tuple[str, str]]] = {
    "CommitCommentEvent": _commit_comment,
    "CreateEvent": _create,
    "DeleteEvent": _delete,
    "DiscussionEvent": _discussion,
    "ForkEvent": _fork,
    "GollumEvent": _gollum,
    "IssueCommentEvent": _issue_comment,
    "IssuesEvent": _issue,
    "MemberEvent": _member,
    "PublicEvent": lambda event: (f"made {event.repo} public", event.url),
    "PullRequestEvent": _pull_request,
    "PullRequestReviewEvent": _review,
    "PullRequestReviewCommentEvent": _review_comment,
    "PullRequestReviewThreadEvent": _review_thread,
    "PushEvent": _push,
    "ReleaseEvent": _release,
    "SponsorshipEvent": _sponsorship,
    "WatchEvent": lambda event: (f"starred {event.repo}", event.url),
}


def describe(event: dict[str, Any]) -> tuple[str, str]:
    """One event as (readable line, URL): "opened pull request #12 in o/r", "starred o/r", ..."""
    kind = string(event.get("type"))
    name = string(mapping(event.get("repo")).get("name"))
    facts = _Event(name or "a repository", f"{WEB}/{name}" if name else "", mapping(event.get("payload")))
    if (teller := _TELLERS.get(kind)) is None:
        return f"{_words(kind)} in {facts.repo}", facts.url
    return teller(facts)
