"""A fake Mautic on 127.0.0.1: the REST API's documented JSON shapes, Mautic's paging, and faults on demand.

    with FakeMautic.sample(n_contacts=12, seed=3, require_auth=("api", "secret")) as fake:
        client = MauticClient(fake.url, "api", "secret")
        fake.fail_next(503, times=2)
        fake.drop_on("/activity")
        ...
        assert fake.paths[0] == "/api/contacts"

Shapes follow developer.mautic.org and Mautic's API controllers: collections are objects keyed by id (`[]` when
empty), the contacts' total is a string, activity pages by page/limit/maxPages (newest first), everything else by
start/limit with a total, errors are `{"errors": [{"message", "code", "type"}]}`.
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import random
import re
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.services.local_http import Handler, Received

_ROUTE = re.compile(
    r"^/api/(?P<kind>contacts|segments|campaigns|emails)"
    r"(?:/(?P<id>\d+)(?:/(?P<sub>activity|notes|segments|campaigns))?)?/?$"
)
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Mautic</title></head><body><form>Log in</form></body></html>"
NOT_FOUND_PAGE = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1><p>nginx</p></body></html>"
BASE_TIME = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)

# (alias, label, group, type) of the standard contact fields, and one custom field in "professional".
FIELDS = [
    *[(alias, label, "core", kind) for alias, label, kind in [
        ("title", "Title", "lookup"), ("firstname", "First Name", "text"), ("lastname", "Last Name", "text"),
        ("company", "Primary company", "text"), ("position", "Position", "text"), ("email", "Email", "email"),
        ("mobile", "Mobile", "tel"), ("phone", "Phone", "tel"), ("address1", "Address Line 1", "text"),
        ("address2", "Address Line 2", "text"), ("city", "City", "text"), ("state", "State", "region"),
        ("zipcode", "Zip Code", "text"), ("country", "Country", "country"), ("website", "Website", "url"),
        ("preferred_locale", "Preferred Locale", "locale"), ("timezone", "Preferred Timezone", "timezone"),
    ]],
    *[(alias, label, "social", "text") for alias, label in [
        ("facebook", "Facebook"), ("foursquare", "Foursquare"), ("instagram", "Instagram"),
        ("linkedin", "LinkedIn"), ("skype", "Skype"), ("twitter", "Twitter"),
    ]],
    ("industry", "Industry", "professional", "select"),
]  # fmt: skip
GROUPS = ("core", "social", "personal", "professional")
SINGULAR = {"contacts": "contact", "segments": "list", "campaigns": "campaign", "emails": "email"}


def iso(moment: datetime) -> str:
    """Mautic's API date format: ISO 8601 with the offset ("2024-03-01T09:00:00+00:00")."""
    return moment.isoformat(timespec="seconds")


def _keyed(items: list[dict], keyed: bool) -> dict[str, dict] | list[dict]:
    # PHP serialises an empty array as [] whatever it would hold.
    if keyed and items:
        return {str(item["id"]): item for item in items}
    return list(items)


@dataclass
class _Drop:
    match: str | None  # a path substring, or None for "whatever comes"
    times: int
    after: int  # requests to let through first
    partial: bool


@dataclass
class FakeMautic:
    """The data a Mautic instance holds, and how it misbehaves; `start()`/`stop()` or `with` run the server."""

    contacts: dict[int, dict] = field(default_factory=dict)
    events: dict[int, list[dict]] = field(default_factory=dict)  # contact id -> events (served newest first)
    notes: dict[int, list[dict]] = field(default_factory=dict)
    segment_members: dict[int, dict[int, dict]] = field(default_factory=dict)  # contact -> segment -> membership
    campaign_members: dict[int, dict[int, dict]] = field(default_factory=dict)
    segments: dict[int, dict] = field(default_factory=dict)
    campaigns: dict[int, dict] = field(default_factory=dict)
    emails: dict[int, dict] = field(default_factory=dict)
    segments_key: str = "lists"  # "lists" (what Mautic's code sends) or "segments" (what its docs show)
    keyed_by_id: bool = True  # collections as objects keyed by id, else as lists
    string_totals: bool = True  # the contacts' "total" as a string, as Mautic sends it
    prefix: str = ""  # where Mautic lives on the server, e.g. "/mautic"
    require_auth: tuple[str, str] | None = None
    api_enabled: bool = True
    served_html_login: bool = False
    received: list[Received] = field(default_factory=list)
    port: int = 0
    _failures: list[tuple[int, float | None]] = field(default_factory=list, repr=False)
    _drops: list[_Drop] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)

    # -- running -------------------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The base URL to give the client (with the prefix)."""
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    @property
    def root_url(self) -> str:
        """The server's root, which is the wrong base URL when there is a prefix."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def paths(self) -> list[str]:
        """The path of every request so far, in order."""
        with self._lock:
            return [request.path for request in self.received]

    def queries(self, path_part: str = "") -> list[dict[str, str]]:
        """The query parameters of every request whose path contains `path_part`."""
        with self._lock:
            requests = [request for request in self.received if path_part in request.path]
        return [{name: values[-1] for name, values in parse_qs(r.query).items()} for r in requests]

    def start(self) -> FakeMautic:
        server = _Server(("127.0.0.1", 0), _MauticHandler)
        server.fake = self
        self._server, self.port = server, server.server_address[1]
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeMautic:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- faults --------------------------------------------------------------------------------------------------
    def fail_next(self, status: int, times: int = 1, retry_after: float | None = None) -> None:
        """Answer the next `times` requests with `status` (429, 500, 503...), with Retry-After if given."""
        with self._lock:
            self._failures.extend([(status, retry_after)] * times)

    def drop_after(self, n_requests: int, times: int = 1, *, partial: bool = False) -> None:
        """Let `n_requests` through, then close the socket of the next `times` without an answer.

        `partial` sends the headers and part of the body first (a connection lost mid-response).
        """
        with self._lock:
            self._drops.append(_Drop(None, times, n_requests, partial))

    def drop_on(self, path_part: str, times: int = 1, *, partial: bool = False) -> None:
        """Close the socket of the next `times` requests whose path contains `path_part`."""
        with self._lock:
            self._drops.append(_Drop(path_part, times, 0, partial))

    # -- data ----------------------------------------------------------------------------------------------------
    def add_contact(
        self,
        contact_id: int | None = None,
        *,
        date_added: datetime = BASE_TIME,
        date_modified: datetime | None = None,
        last_active: datetime | None = None,
        points: int = 0,
        tags: tuple[str, ...] = (),
        stage: str | None = None,
        owner: tuple[str, str] | None = None,
        do_not_contact: list[dict] | None = None,
        ip_addresses: tuple[str, ...] = (),
        **values: str | None,
    ) -> dict:
        """Add a full Mautic contact; `values` are field aliases (firstname, email, city, twitter...)."""
        contact_id = contact_id or max(self.contacts, default=0) + 1
        contact = {
            "id": contact_id,
            "isPublished": True,
            "dateAdded": iso(date_added),
            "dateModified": iso(date_modified) if date_modified else None,
            "createdBy": 1,
            "createdByUser": "Ada Admin",
            "owner": _owner(owner),
            "points": points,
            "lastActive": iso(last_active) if last_active else None,
            "dateIdentified": iso(date_added),
            "color": None,
            "stage": None if stage is None else {"id": len(stage), "name": stage, "weight": 0, "description": ""},
            "ipAddresses": {ip: {"ipAddress": ip, "ipDetails": _ip_details(ip)} for ip in ip_addresses} or [],
            "tags": [{"id": index, "tag": tag} for index, tag in enumerate(tags, 1)],
            "utmtags": [],
            "doNotContact": do_not_contact or [],
            "fields": {},
        }
        all_values: dict[str, Any] = {"id": contact_id}
        groups: dict[str, dict] = {group: {} for group in GROUPS}
        for number, (alias, label, group, kind) in enumerate(FIELDS, 1):
            value = values.pop(alias, None)
            groups[group][alias] = {
                "id": str(number), "label": label, "alias": alias, "type": kind, "group": group, "value": value,
            }  # fmt: skip
            all_values[alias] = value
        if values:
            raise TypeError(f"unknown contact fields: {sorted(values)}")
        contact["fields"] = {group: entries or [] for group, entries in groups.items()} | {"all": all_values}
        self.contacts[contact_id] = contact
        return contact

    def touch(
        self, contact_id: int, alias: str = "city", value: str | None = "Lisbon", *, at: datetime | None = None
    ) -> dict:
        """Change one field of a contact and bump its dateModified (to `at`, or a minute after the latest change)."""
        contact = self.contacts[contact_id]
        for group in GROUPS:
            if isinstance(entries := contact["fields"][group], dict) and alias in entries:
                entries[alias]["value"] = value
        contact["fields"]["all"][alias] = value
        if at is None:
            latest = max(datetime.fromisoformat(c["dateModified"] or c["dateAdded"]) for c in self.contacts.values())
            at = latest + timedelta(minutes=1)
        contact["dateModified"] = iso(at)
        return contact

    def delete_contact(self, contact_id: int) -> None:
        """Remove a contact and everything about it (its later requests answer Mautic's 404)."""
        for table in (self.contacts, self.events, self.notes, self.segment_members, self.campaign_members):
            table.pop(contact_id, None)

    def add_event(self, contact_id: int, event: dict) -> dict:
        self.events.setdefault(contact_id, []).append(event)
        return event

    def add_note(self, contact_id: int, text: str, note_type: str = "general", *, at: datetime = BASE_TIME) -> dict:
        note_id = 1 + max((note["id"] for notes in self.notes.values() for note in notes), default=0)
        note = {"id": note_id, "text": text, "type": note_type, "dateTime": iso(at), "lead": {"id": contact_id}}
        self.notes.setdefault(contact_id, []).append(note)
        return note

    def join_segment(self, contact_id: int, segment_id: int, *, at: datetime = BASE_TIME, manual: bool = False):
        membership = {"dateAdded": iso(at), "manuallyAdded": manual, "manuallyRemoved": False}
        self.segment_members.setdefault(contact_id, {})[segment_id] = membership

    def join_campaign(self, contact_id: int, campaign_id: int, *, at: datetime = BASE_TIME, via: tuple[int, ...] = ()):
        membership = {"dateAdded": iso(at), "manuallyRemoved": False, "manuallyAdded": not via}
        self.campaign_members.setdefault(contact_id, {})[campaign_id] = membership | {"listMembership": list(via)}

    @classmethod
    def sample(cls, n_contacts: int = 12, events_per_contact: int = 4, seed: int = 1, **options: Any) -> FakeMautic:
        """Realistic, varied, deterministic data; `options` are the constructor's (prefix, segments_key...)."""
        fake = cls(**options)
        _fill(fake, random.Random(seed), n_contacts, events_per_contact)
        return fake

    # -- answering -----------------------------------------------------------------------------------------------
    def _fault(self, path: str) -> tuple[str, Any] | None:
        with self._lock:
            for drop in self._drops:
                if drop.times and (drop.match is None or drop.match in path):
                    if drop.after:
                        drop.after -= 1
                        continue
                    drop.times -= 1
                    return "drop", drop.partial
            if self._failures:
                return "fail", self._failures.pop(0)
        return None

    def _answer(self, path: str, query: dict[str, str], authorization: str) -> tuple[int, Any]:
        """(status, JSON body) for an API path (the prefix removed)."""
        if self.require_auth is not None:
            expected = base64.b64encode(":".join(self.require_auth).encode()).decode()
            if authorization != f"Basic {expected}":
                return 401, _errors(401, "API authorization denied.", "access_denied")
        if not self.api_enabled:
            message = "API disabled. You need to enable the API in the API settings of Mautic's Configuration."
            return 403, _errors(403, message, "api_disabled")
        route = _ROUTE.match(path)
        if route is None or (route["sub"] and route["kind"] != "contacts"):
            return 404, _errors(404, f"Requested URL not found: {path}", None)
        kind, item, sub = route["kind"], route["id"], route["sub"]
        table = {"contacts": self.contacts, "segments": self.segments, "campaigns": self.campaigns}.get(
            kind, self.emails
        )
        if item is None:
            body = self._listing(table, self.segments_key if kind == "segments" else kind, query)
            if kind == "contacts" and self.string_totals:
                body["total"] = str(body["total"])
            return 200, body
        if int(item) not in table:
            return 404, _errors(404, "Item was not found.", None)
        if sub is None:
            return 200, {SINGULAR[kind]: table[int(item)]}
        if sub == "activity":
            return 200, self._activity(int(item), query)
        if sub == "notes":
            notes = sorted(self.notes.get(int(item), []), key=lambda note: _when(note["dateTime"]), reverse=True)
            start, limit = _window(query, 30)
            return 200, {"total": len(notes), "notes": notes[start : start + limit]}
        return 200, self._memberships(int(item), sub)

    def _listing(self, table: dict[int, dict], key: str, query: dict[str, str]) -> dict:
        ids = sorted(table, reverse=query.get("orderBy") == "id" and query.get("orderByDir", "").lower() == "desc")
        start, limit = _window(query, 30)
        page = [table[item_id] for item_id in ids[start : start + limit]]
        return {"total": len(ids), key: _keyed(page, self.keyed_by_id)}

    def _memberships(self, contact_id: int, sub: str) -> dict:
        memberships = self.segment_members if sub == "segments" else self.campaign_members
        table, key = (self.segments, self.segments_key) if sub == "segments" else (self.campaigns, "campaigns")
        items = []
        for item_id, membership in memberships.get(contact_id, {}).items():
            names = {name: table[item_id][name] for name in ("name", "alias") if name in table[item_id]}
            items.append({"id": item_id, **names, **membership})
        return {"total": len(items), key: _keyed(items, self.keyed_by_id)}

    def _activity(self, contact_id: int, query: dict[str, str]) -> dict:
        events = sorted(self.events.get(contact_id, []), key=lambda event: _when(event["timestamp"]), reverse=True)
        page = max(1, int(query.get("page") or 1))
        limit = max(1, int(query.get("limit") or 25))
        served = events[(page - 1) * limit : page * limit]
        types = {event["event"]: event["eventType"] for event in events}
        return {
            "events": served,
            "filters": {"search": "", "includeEvents": [], "excludeEvents": []},
            "order": ["timestamp", "DESC"],
            "types": types or [],
            "total": len(events),
            "page": page,
            "limit": limit,
            "maxPages": math.ceil(len(events) / limit),
        }


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _window(query: dict[str, str], default_limit: int) -> tuple[int, int]:
    start = max(0, int(query.get("start") or 0))
    limit = int(query.get("limit") or default_limit)
    return start, limit if limit > 0 else default_limit


def _errors(code: int, message: str, kind: str | None) -> dict:
    return {"errors": [{"message": message, "code": code, "type": kind}]}


def _owner(name: tuple[str, str] | None) -> dict | None:
    return None if name is None else {"id": 1, "username": "admin", "firstName": name[0], "lastName": name[1]}


def _ip_details(ip: str) -> dict:
    keys = ("city", "region", "zipcode", "country", "latitude", "longitude", "isp", "organization", "timezone")
    return dict.fromkeys(keys, "") | {"city": "Porto", "country": "Portugal", "timezone": "Europe/Lisbon"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeMautic

    def handle_error(self, request, client_address) -> None:
        pass  # dropped connections are the point of some tests


class _MauticHandler(Handler):
    server: _Server  # type: ignore[assignment]
    # Headers and body go out as two writes; without this, delayed ACKs cost ~40 ms a request.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        fake, parts = self.server.fake, urlsplit(self.path)
        with fake._lock:
            fake.received.append(Received(parts.path, parts.query, dict(self.headers.items())))
        fault = fake._fault(parts.path)
        if fault is not None and fault[0] == "drop":
            self.drop(partial=fault[1])
        elif fault is not None:
            status, retry_after = fault[1]
            headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
            if status == 429:
                self.json(status, _errors(429, "API rate limit exceeded.", "rate_limited"), headers)
            else:
                self.reply(status, f"<html><body><h1>{status}</h1></body></html>".encode(), "text/html", headers)
        elif not (parts.path == f"{fake.prefix}/api" or parts.path.startswith(f"{fake.prefix}/api/")):
            self.reply(404, NOT_FOUND_PAGE, "text/html")
        elif fake.served_html_login:
            self.reply(200, LOGIN_PAGE, "text/html; charset=UTF-8")
        else:
            query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
            path = parts.path.removeprefix(fake.prefix)
            status, body = fake._answer(path, query, self.headers.get("Authorization", ""))
            self.json(status, body)

    def json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.reply(status, json.dumps(body).encode(), "application/json", headers)

    def drop(self, *, partial: bool) -> None:
        """Close the connection without a (complete) answer."""
        if partial:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"total": "3", "contacts": {"1": {"id": 1, "fields"')
            self.wfile.flush()
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


# -- sample data --------------------------------------------------------------------------------------------------
NAMES = [
    ("Ada", "Lovelace"), ("Zoë", "Ångström"), ("José", "Núñez"), ("Björk", "Guðmundsdóttir"), ("Łukasz", "Żółć"),
    ("Renée", "O'Brien"), ("小龙", "李"), ("Grace", "Hopper"), ("Alan", "Turing"), ("Katherine", "Johnson"),
    ("Søren", "Kierkegaard"), ("Chimamanda", "Adichie"),
]  # fmt: skip
COMPANIES = ["Acme GmbH", "Initech", "Société Générale d'Essai", "Umbrella Ltd", "Nakatomi 株式会社", "Globex"]
CITIES = [("Porto", "Portugal"), ("Zürich", "Switzerland"), ("Kraków", "Poland"), ("Austin", "United States")]
HOSTILE_COMPANY = "[@click=app.quit]Evil Corp[/]"
HOSTILE_POSITION = "\x1b[31mHead of Red\x1b[0m"
SEGMENTS = [(1, "Newsletter", "newsletter"), (2, "Customers", "customers"), (3, "Événements 2024", "evenements-2024")]
CAMPAIGNS = [(1, "Welcome Campaign", 1), (2, "Re-engagement", None)]
EMAILS = [(1, "Welcome", "Welcome aboard, {contactfield=firstname}!"), (2, "Monthly newsletter", "What's new in March"),
          (3, "Réactivation", "On se revoit ?")]  # fmt: skip
EVENT_TYPES = {
    "email.read": "Email read", "form.submitted": "Form submitted", "page.hit": "Page hit",
    "email.sent": "Email sent", "point.gained": "Point gained", "campaign.event": "Campaign action triggered",
    "lead.ipadded": "Accessed from IP", "asset.download": "Asset downloaded", "lead.identified": "Contact identified",
}  # fmt: skip
EVENT_KINDS = tuple(EVENT_TYPES)
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36"


def _fill(fake: FakeMautic, rng: random.Random, n_contacts: int, events_per_contact: int) -> None:
    for segment_id, name, alias in SEGMENTS:
        fake.segments[segment_id] = {
            "isPublished": True, "dateAdded": iso(BASE_TIME - timedelta(days=90)), "dateModified": None,
            "createdBy": 1, "createdByUser": "Ada Admin", "id": segment_id, "name": name, "publicName": name,
            "alias": alias, "description": None, "category": None, "filters": [], "isGlobal": True,
            "isPreferenceCenter": False,
        }  # fmt: skip
    for campaign_id, name, segment_id in CAMPAIGNS:
        fake.campaigns[campaign_id] = {
            "isPublished": True, "dateAdded": iso(BASE_TIME - timedelta(days=60)), "dateModified": None,
            "createdBy": 1, "createdByUser": "Ada Admin", "id": campaign_id, "name": name,
            "description": f"<p>{name}</p>", "category": None, "publishUp": None, "publishDown": None,
            "events": [], "forms": [], "allowRestart": False,
            "lists": [] if segment_id is None else [{"id": segment_id, "name": SEGMENTS[segment_id - 1][1]}],
        }  # fmt: skip
    for email_id, name, subject in EMAILS:
        fake.emails[email_id] = {
            "isPublished": True, "dateAdded": iso(BASE_TIME - timedelta(days=30)), "dateModified": None,
            "createdBy": 1, "createdByUser": "Ada Admin", "id": email_id, "name": name, "subject": subject,
            "language": "en", "category": None, "fromAddress": "news@example.com" if email_id != 3 else None,
            "fromName": "Example News" if email_id != 3 else None, "replyToAddress": None, "bccAddress": None,
            "customHtml": f"<h1>{subject}</h1><p>Hello {{contactfield=firstname}}</p>",
            "plainText": None if email_id == 2 else f"{subject}\n\nHello", "template": "blank",
            "emailType": "list" if email_id == 2 else "template", "publishUp": None, "publishDown": None,
            "readCount": 3 * email_id, "sentCount": 10 * email_id, "revision": 1, "lists": [],
        }  # fmt: skip
    for index in range(n_contacts):
        _sample_contact(fake, rng, index, events_per_contact)


def _sample_contact(fake: FakeMautic, rng: random.Random, index: int, events_per_contact: int) -> None:
    contact_id = 1 + 3 * index  # ids with gaps, as after deletions
    first, last = NAMES[index % len(NAMES)]
    city, country = CITIES[index % len(CITIES)]
    added = BASE_TIME + timedelta(days=index, minutes=rng.randrange(600))
    if index == 1:  # one contact dated in another offset than UTC
        added = added.astimezone(timezone(timedelta(hours=-5)))
    values: dict[str, str | None] = {
        "title": rng.choice(["Mr", "Ms", "Dr", None]), "firstname": first, "lastname": last,
        "company": HOSTILE_COMPANY if index == 2 else COMPANIES[index % len(COMPANIES)],
        "position": HOSTILE_POSITION if index == 3 else rng.choice(["CTO", "Head of Sales", "Engineer", None]),
        "email": None if index % 4 == 3 else f"{last.lower()}.{index}@example.com".replace("'", ""),
        "phone": f"+351 22 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}" if index % 2 == 0 else None,
        "mobile": f"+44 7700 900{rng.randrange(100, 999)}" if index % 3 == 0 else None,
        "address1": f"{rng.randrange(1, 200)} Rua das Flores" if index % 2 == 0 else None, "address2": None,
        "city": city, "state": None, "zipcode": "4050-265" if city == "Porto" else None, "country": country,
        "website": f"https://{last.lower()}.example.org" if index % 3 == 1 else None,
        "twitter": f"{first.lower()}_{index}" if index % 2 == 1 else None,
        "linkedin": f"https://www.linkedin.com/in/{first.lower()}-{index}" if index % 3 == 0 else None,
        "facebook": None, "instagram": None, "foursquare": None,
        "skype": f"live:{first.lower()}{index}" if index == 0 else None,
        "preferred_locale": "pt_PT" if city == "Porto" else None, "timezone": None,
        "industry": rng.choice(["Software", "Retail", None]),
    }  # fmt: skip
    unsubscribed = [{"id": 1, "reason": 1, "comments": "User unsubscribed.", "channel": "email", "channelId": 2}]
    fake.add_contact(
        contact_id,
        date_added=added,
        date_modified=None if index % 5 == 4 else added + timedelta(hours=rng.randrange(1, 48)),
        last_active=None if index % 3 == 2 else added + timedelta(days=2),
        points=rng.randrange(0, 120),
        tags=tuple(rng.sample(["customer", "vip", "newsletter", "partner", "lead"], k=index % 3)),
        stage=["Lead", "Customer", None][index % 3],
        owner=("Ada", "Admin") if index % 2 == 0 else None,
        do_not_contact=unsubscribed if index == 1 else None,
        ip_addresses=(f"203.0.113.{index + 1}",) if index % 2 == 0 else (),
        **values,
    )
    for number in range(events_per_contact):
        kind = EVENT_KINDS[(number + index) % len(EVENT_KINDS)]
        when = added + timedelta(hours=3 * number + 1, minutes=rng.randrange(60))
        fake.add_event(contact_id, _event(kind, contact_id, 100 * contact_id + number, when.astimezone(UTC)))
    for number in range(index % 3):
        text = ["<p>Called about <b>renewal</b> &amp; pricing.</p>", "Met at the fair; wants a demo [b]soon[/b]"]
        note_type = ["call", "meeting", "general", "email"][(index + number) % 4]
        fake.add_note(contact_id, text[number % 2], note_type, at=added + timedelta(days=1, hours=number))
    if index % 2 == 0:
        fake.join_segment(contact_id, 1, at=added)
        fake.join_campaign(contact_id, 1, at=added + timedelta(minutes=5), via=(1,))
    if index % 3 == 0:
        fake.join_segment(contact_id, 2, at=added + timedelta(days=1), manual=True)
    if index % 5 == 1:
        fake.join_segment(contact_id, 3, at=added)
    if index % 4 == 1:
        fake.join_campaign(contact_id, 2, at=added + timedelta(days=3))


def _event(kind: str, contact_id: int, number: int, when: datetime) -> dict:
    """One activity event of `kind`, shaped as Mautic's timeline serves it."""
    stamp = iso(when)
    email_id = 1 + number % len(EMAILS)
    email_name = EMAILS[email_id - 1][1]
    label: Any
    details: Any
    event_id: str | None = f"{kind}{number}"
    if kind == "email.read" or kind == "email.sent":
        label = {"label": email_name, "href": f"http://mautic.example.com/email/view/{number:x}", "isExternal": True}
        stat = {
            "id": str(number), "dateSent": stamp, "subject": EMAILS[email_id - 1][2], "isRead": "0", "isFailed": "0",
            "viewedInBrowser": "0", "retryCount": "0", "idHash": f"{number:013x}", "openDetails": [],
            "storedSubject": EMAILS[email_id - 1][2], "timeToRead": False, "emailId": str(email_id),
            "emailName": email_name,
        }  # fmt: skip
        if kind == "email.read":
            opened = when.strftime("%Y-%m-%d %H:%M:%S")  # Mautic's raw SQL form, no offset
            stat |= {"dateRead": stamp, "isRead": "1", "timeToRead": "PT1M39S"}
            stat["openDetails"] = [{"datetime": opened, "Useragent": BROWSER, "inBrowser": False}]
        details = {"stat": stat, "type": "read" if kind == "email.read" else "sent"}
    elif kind == "form.submitted":
        form = {"id": 7, "name": "Contact us", "alias": "contactus"}
        label = {"label": "Contact us", "href": "/s/forms/view/7"}
        results = {"form_id": "7", "email": f"visitor{contact_id}@example.com", "message": "Hi [@click=app.quit] 👋"}
        submission = {
            "id": number, "ipAddress": {"ip": "203.0.113.9"}, "form": form, "dateSubmitted": stamp,
            "referer": "https://www.example.com/contact", "results": results,
        }  # fmt: skip
        details = {"submission": submission, "form": form, "page": {}}
    elif kind == "page.hit":
        event_id = None  # Mautic sends page hits and point changes without an eventId
        label = {"label": "Pricing", "href": "/s/pages/view/8"}
        hit = {
            "UserAgent": BROWSER, "dateHit": stamp, "url": "https://www.example.com/pricing",
            "query": {"pageUrl": "https://www.example.com/pricing"}, "device": "desktop", "deviceOsName": "GNU/Linux",
            "pageId": "8",
        }  # fmt: skip
        details = {"hit": hit}
    elif kind == "point.gained":
        event_id = None
        label = "2: Page Hit Test / 20"
        log = {"eventName": "2: Page Hit Test", "actionName": "hit", "dateAdded": stamp, "type": "url", "delta": "20"}
        details = {"log": log | {"id": str(number)}}
    elif kind == "campaign.event":
        label = {"label": "Send welcome email / Welcome Campaign", "href": "/s/campaigns/view/1"}
        log = {
            "dateTriggered": stamp, "metadata": [], "type": "email.send", "isScheduled": "0", "logId": str(number),
            "eventId": "11", "campaignId": "1", "eventName": "Send welcome email", "campaignName": "Welcome Campaign",
        }  # fmt: skip
        details = {"log": log}
    elif kind == "lead.ipadded":
        label, details = "203.0.113.9", []
    elif kind == "asset.download":
        label = {"label": "Price list 2024", "href": "/s/assets/view/1"}
        asset = {"id": 1, "title": "Price list 2024", "alias": "price-list-2024", "description": ""}
        details = {"asset": asset, "assetDownloadUrl": "https://mautic.example.com/asset/1:price-list-2024"}
    else:
        label, details = "Contact identified", []
    event = {
        "event": kind,
        "eventId": event_id,
        "eventLabel": label,
        "eventType": EVENT_TYPES[kind],
        "timestamp": stamp,
    }
    event |= {"contactId": str(contact_id), "details": details}
    if event_id is None:
        del event["eventId"]
    return event
