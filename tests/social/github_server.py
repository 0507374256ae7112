"""A local GitHub REST API on 127.0.0.1, answering as api.github.com does today.

Sources, cited where each behaviour is built:
- OpenAPI: github/rest-api-description, descriptions/api.github.com (`users/get-by-username`: a user or an
  organisation, told apart by `type`; `activity/list-public-events-for-user`: /users/{username}/events/public;
  `activity/list-public-org-events`: /orgs/{org}/events; the `event` schema: id, type, actor, repo, org,
  payload, public, created_at).
- docs.github.com/en/rest/activity/events: events are polled with ETag / If-None-Match, a 304 carries no body
  and `X-Poll-Interval` says how often to ask.
- docs.github.com/en/rest/using-the-rest-api/github-event-types (github/docs content/rest/using-the-rest-api/
  github-event-types.md and data/reusables/webhooks/*_properties.md): each type's payload; e.g. PullRequestEvent
  actions include `merged` on github.com (pull_request_event_api_properties.md), PullRequestReviewEvent is
  created/updated/dismissed, PullRequestReviewThreadEvent resolved/unresolved (pull_request_thread_properties.md),
  MemberEvent `added`, ReleaseEvent `published`, DiscussionEvent `created`, PublicEvent an empty payload, GollumEvent
  `pages[]` with page_name/title/action. SponsorshipEvent's fields could not be verified: the webhook's
  `sponsorship.sponsorable` is assumed.
- github.blog/changelog/2025-08-08-upcoming-changes-to-github-events-api-payloads: since 7 October 2025 the
  payloads are trimmed; a pull request is {url, id, number, head, base} and a push has no size, distinct_size
  or commits (push_properties.md lists those for GHES only).
- docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api (and troubleshooting-the-rest-api):
  the primary limit answers 403 or 429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds);
  a secondary limit answers 403 or 429 with an error message and, when present, `retry-after` (seconds) while
  requests remain.
- OpenAPI `users/get-by-username` and both event listings answer 404 for an account that does not exist (here:
  any path not added, with the local server's plain body; the client never reads a 404's body).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.services.local_http import Handler, LocalServer, serve

LIMIT = 60  # an anonymous client's requests per hour
POLL_INTERVAL = "60"


def _repo(name: str) -> dict[str, Any]:
    return {"id": 1296269, "name": name, "url": f"https://api.github.com/repos/{name}"}


def _actor(login: str) -> dict[str, Any]:
    return {
        "id": 583231,
        "login": login,
        "display_login": login,
        "gravatar_id": "",
        "url": f"https://api.github.com/users/{login}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/583231?v=4&{login}",
    }


def event(kind: str, repo: str, payload: dict[str, Any], *, actor: str = "octocat", hour: int = 12) -> dict[str, Any]:
    """One event in the `event` schema's shape (the OpenAPI's components/schemas/event)."""
    return {
        "id": str(50_000_000_000 + hour),
        "type": kind,
        "actor": _actor(actor),
        "repo": _repo(repo),
        "payload": payload,
        "public": True,
        "created_at": f"2026-11-29T{hour:02d}:00:00Z",
    }


def trimmed_pull_request(repo: str, number: int) -> dict[str, Any]:
    """A pull request as trimmed events carry it since October 2025: url, id, number, head, base and no more."""
    api = f"https://api.github.com/repos/{repo}"
    side = {"ref": "main", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e", "repo": _repo(repo)}
    return {
        "url": f"{api}/pulls/{number}",
        "id": 1_000_000 + number,
        "number": number,
        "head": {**side, "ref": "feature"},
        "base": side,
    }


BEFORE = "762941318ee16e59dabbacb1b4049eec22f0d303"
HEAD = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"


def every_event(repo: str = "octo/hello") -> list[dict[str, Any]]:
    """One event of every type on the event-types page, newest first, in today's (trimmed) shapes."""
    pr = trimmed_pull_request(repo, 12)
    issue = {"number": 7, "title": "Crash on start", "state": "open"}
    kinds: list[tuple[str, dict[str, Any]]] = [
        ("CommitCommentEvent", {"action": "created", "comment": {"id": 501, "commit_id": HEAD, "body": "nice"}}),
        ("CreateEvent", {"ref": "feature/x", "ref_type": "branch", "master_branch": "main", "pusher_type": "user"}),
        ("DeleteEvent", {"ref": "old-idea", "ref_type": "branch", "pusher_type": "user"}),
        ("DiscussionEvent", {"action": "created", "discussion": {"number": 3, "title": "Roadmap"}}),
        ("ForkEvent", {"action": "forked", "forkee": {"id": 9, "full_name": "octocat/hello-fork"}}),
        ("GollumEvent", {"pages": [{"page_name": "Home", "title": "Home", "action": "edited", "sha": HEAD}]}),
        ("IssueCommentEvent", {"action": "created", "issue": issue, "comment": {"id": 502, "body": "same here"}}),
        ("IssuesEvent", {"action": "opened", "issue": issue}),
        ("MemberEvent", {"action": "added", "member": {"login": "hubot", "id": 2}}),
        ("PublicEvent", {}),
        ("PullRequestEvent", {"action": "opened", "number": 12, "pull_request": pr}),
        (
            "PullRequestReviewEvent",
            {"action": "created", "review": {"id": 503, "state": "approved"}, "pull_request": pr},
        ),
        (
            "PullRequestReviewCommentEvent",
            {"action": "created", "comment": {"id": 504, "body": "nit"}, "pull_request": pr},
        ),
        ("PullRequestReviewThreadEvent", {"action": "resolved", "thread": {"comments": []}, "pull_request": pr}),
        (
            "PushEvent",
            {"repository_id": 1296269, "push_id": 7, "ref": "refs/heads/main", "head": HEAD, "before": BEFORE},
        ),
        ("ReleaseEvent", {"action": "published", "release": {"id": 505, "tag_name": "v1.2.0", "name": "1.2"}}),
        ("SponsorshipEvent", {"action": "created", "sponsorship": {"sponsorable": {"login": "hubot"}}}),
        ("WatchEvent", {"action": "started"}),
    ]
    return [event(kind, repo, payload, hour=23 - index) for index, (kind, payload) in enumerate(kinds)]


def account(login: str, *, organization: bool = False) -> dict[str, Any]:
    """`GET /users/{username}`: the public-user shape, or an organisation's (type "Organization")."""
    return {
        "login": login,
        "id": 583231,
        "avatar_url": f"https://avatars.githubusercontent.com/u/583231?{login}",
        "html_url": f"https://github.com/{login}",
        "type": "Organization" if organization else "User",
        "name": f"The {login.title()}",
        "company": None,
        "blog": "",
        "location": None,
        "bio": None if organization else "Codes and cats.",
        "public_repos": 8,
        "followers": 20,
        "following": 0 if organization else 3,
        "created_at": "2011-01-25T18:44:36Z",
    }


@dataclass
class GitHubServer:
    """The API for a set of accounts. Set `primary_reset` (epoch seconds) to exhaust the primary limit,
    `secondary_retry` (seconds) to answer with a secondary limit, or `secondary_bare` for a secondary limit that
    says only its message (no retry-after: the docs' "Otherwise, wait for at least one minute"); `remaining`
    counts down like GitHub's."""

    http: LocalServer
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    remaining: int = LIMIT
    primary_reset: int | None = None
    secondary_retry: int | None = None
    secondary_bare: bool = False
    limit_status: int = 403
    reset: int = 1_900_000_000  # when the current hour's allowance is renewed (epoch seconds)

    def url(self) -> str:
        return self.http.url("")

    def add(self, login: str, events: list[dict[str, Any]], *, organization: bool = False) -> None:
        """An account with its public events; an organisation's are served only at /orgs/{org}/events."""
        self.events[login] = events
        self.http.routes[f"/users/{login}"] = self._answer(lambda: account(login, organization=organization))
        if organization:
            # An organisation's own actions are not a user's; its users path lists nothing.
            self.http.routes[f"/users/{login}/events/public"] = self._answer(lambda: [], feed=True)
            self.http.routes[f"/orgs/{login}/events"] = self._answer(lambda: self.events[login], feed=True)
        else:
            self.http.routes[f"/users/{login}/events/public"] = self._answer(lambda: self.events[login], feed=True)

    def paths(self) -> list[str]:
        """The paths asked for, in order."""
        return [request.path for request in self.http.received]

    def _answer(self, body: Callable[[], Any], *, feed: bool = False) -> Callable[[Handler], None]:
        def route(handler: Handler) -> None:
            limited = self._limited()
            if limited is not None:
                code, headers, message = limited
                error = {"message": message, "documentation_url": "https://docs.github.com/rest/rate-limit"}
                handler.reply(code, json.dumps(error).encode(), "application/json; charset=utf-8", headers)
                return
            data = json.dumps(body()).encode()
            etag = f'W/"{hashlib.sha256(data).hexdigest()[:32]}"'
            feed_headers = {"ETag": etag, "X-Poll-Interval": POLL_INTERVAL} if feed else {}
            # A conditional request answered 304 has no body and does not count against the limit (events docs).
            if feed and handler.headers.get("If-None-Match") == etag:
                handler.reply(304, b"", "", self._rate_headers() | feed_headers)
                return
            self.remaining -= 1  # the headers count this request, as GitHub's do
            handler.reply(200, data, "application/json; charset=utf-8", self._rate_headers() | feed_headers)

        return route

    def _rate_headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(LIMIT),
            "X-RateLimit-Remaining": str(max(self.remaining, 0)),
            "X-RateLimit-Reset": str(self.primary_reset or self.reset),
            "X-RateLimit-Resource": "core",
        }

    def _limited(self) -> tuple[int, dict[str, str], str] | None:
        if self.primary_reset is not None:
            self.remaining = 0
            return self.limit_status, self._rate_headers(), "API rate limit exceeded for 127.0.0.1."
        if self.secondary_retry is not None:
            headers = {**self._rate_headers(), "Retry-After": str(self.secondary_retry)}
            return self.limit_status, headers, "You have exceeded a secondary rate limit."
        if self.secondary_bare:
            message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
            return self.limit_status, self._rate_headers(), message
        return None


def github_server() -> tuple[GitHubServer, Callable[[], None]]:
    """Start a server with no accounts (every path answers 404); returns it and the function that stops it."""
    http, stop = serve()
    return GitHubServer(http), stop
