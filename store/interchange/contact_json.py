"""Everything about one contact as one JSON document: fields, events, notes, memberships, places, profiles."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine

from plain.json_text import jsonable
from store.contacts import get_contact, resolve_contact
from store.interchange.out_file import database_files, output_file
from store.memberships import list_groups
from store.notes import list_notes
from store.social import list_profiles
from store.timeline import timeline_page


def export_contact(engine: Engine, contact_id: int, out: TextIO | Path) -> int:
    """Write the contact as JSON to `out` (a path, or an open text stream), its events streamed page by page
    (newest first). Returns how many events were written.
    """
    if isinstance(out, Path):
        with output_file(out, protect=database_files(engine), newline=None) as stream:
            return export_contact(engine, contact_id, stream)
    detail = get_contact(engine, contact_id).to_json()
    detail["notes"] = [jsonable(_note(n)) for n in list_notes(engine, contact_id)]
    detail["memberships"] = {
        kind: [jsonable(_group(g)) for g in list_groups(engine, kind, contact_id) if g.member or g.manually_removed]
        for kind in ("segment", "campaign")
    }
    detail["social_profiles"] = [
        {"network": a.network, "handle": a.handle, "fetched_at": jsonable(a.cached.fetched_at)}
        for a in list_profiles(engine, contact_id)
    ]
    head = json.dumps(detail, ensure_ascii=False, indent=2)
    out.write(head[:-2] + ',\n  "events": [')
    count, after = 0, None
    while page := timeline_page(engine, contact_id, after=after, limit=1000):
        for event in page:
            row = {
                "id": event.id,
                "type": event.type,
                "occurred_at": event.occurred_at.isoformat(),
                "label": event.label,
                "details": event.details,
                "points_delta": event.points_delta,
                "actor": event.actor,
            }
            out.write(("\n    " if count == 0 else ",\n    ") + json.dumps(row, ensure_ascii=False))
            count += 1
        after = (page[-1].occurred_at, page[-1].id)
    out.write("\n  ]\n}\n")
    return count


def _note(note: Any) -> dict[str, Any]:
    return {
        name: getattr(note, name)
        for name in ("id", "type", "text", "date_time", "author", "created_at", "updated_at", "version")
    }


def _group(group: Any) -> dict[str, Any]:
    return {name: getattr(group, name) for name in ("id", "name", "member", "manually_added", "manually_removed")}


def write_contact(
    engine: Engine, out: str | TextIO, *, now: datetime, contact: str, output_format: str = "json"
) -> int:
    """`export_contact` as the format registry calls it, for a contact given by id or email (a contact that
    was merged away is exported as the survivor)."""
    contact_id, _merged_from = resolve_contact(engine, contact)
    return export_contact(engine, contact_id, Path(out).expanduser() if isinstance(out, str) else out)
