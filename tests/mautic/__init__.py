"""A fake Mautic REST API (5.1.1 as version "5", 4.4.13 as version "4"), built from Mautic's source as
tests/mautic/SPEC.md describes it; each behaviour cites the Mautic file it copies.

    with FakeMautic.sample(n_contacts=50, seed=3, rate_limit=100) as fake:
        httpx.get(f"{fake.url}/api/contacts", auth=("api", "secret"))

Control API (everything takes the instance's lock; ids are ints):
- `FakeMautic(version="5", user="api", password="secret", rate_limit=0, oauth_clients=None, api_enabled=True,
  basic_auth=True, token_lifetime=3600)`; `oauth_clients` is {client_id: secret}. `api_enabled`, `basic_auth` and
  `rate_limit` may be changed while running.
- `.start() -> self`, `.stop()`, `with`; `.url`; `.requests` (method, path, query, params, body, headers, uri,
  raw_body); `.errors` (exceptions the fake raised: those requests got a 500); `.now` (settable UTC datetime),
  `.advance(seconds)`.
- `add_user(first, last, username)`, `add_stage(name)`, `add_segment(name, alias=None, published=True)`,
  `add_campaign(name, published=True, segments=())`, `add_email(name, subject, html="", text="", parent=None)`,
  `rename_email(email_id, name)`, `add_field(alias, label, type="text", group="core", properties=None)`.
- `add_contact(*, owner=None, stage=None, tags=(), ips=(), points=0, date_added=None, last_active=None, **fields)`,
  `edit_contact(contact_id, **fields)`, `delete_contact(contact_id)`, `merge_contacts(winner, loser)`.
- `add_note(contact, text, type="general", date_time=None)`, `edit_note(note_id, text=None, type=None,
  date_time=None)`, `delete_note(note_id)`.
- `page_hit(contact, url, title=None, at=None)`, `send_email(contact, email_id, at=None)` (a stat id),
  `open_email(stat_id, at=None)`, `submit_form(contact, form_name, values, at=None)`,
  `add_points(contact, delta, event_name, at=None)`, `change_stage(contact, stage_id, at=None)`.
- `join_segment(contact, segment, manual=True, at=None)`, `leave_segment(contact, segment, manual=True, at=None)`,
  `join_campaign(contact, campaign, manual=True, at=None)`, `leave_campaign(contact, campaign, at=None)`,
  `add_dnc(contact, channel="email", reason=1, comments="")`, `remove_dnc(contact, channel) -> bool`.
- `schedule_campaign_event(contact, campaign, name, at) -> log id`, `execute_campaign_event(log_id, at=None)`.
- Faults: `fail_next(status, times=1, headers=None, body=None)`, `drop_next(times=1)`, `slow_next(seconds, times=1)`.
- `FakeMautic.sample(n_contacts=20, events_per_contact=5, seed=1, version="5", **options)`.
"""

from tests.mautic.control import FakeMautic

__all__ = ["FakeMautic"]
