"""`dossier show` without --json: the contact page as plain text for a terminal or a pipe."""

from __future__ import annotations

from plain.literal import one_line
from store.rows import ContactDetail


def render_contact(detail: ContactDetail) -> str:
    """Label: value lines for every field that has a value, then counts and lists."""
    fields = [
        ("Name", detail.name),
        ("Email", detail.email),
        ("Phone", detail.phone),
        ("Mobile", detail.mobile),
        ("Company", detail.company),
        ("Position", detail.position),
        ("Address", ", ".join(p for p in (detail.address1, detail.address2, detail.zipcode) if p)),
        ("Location", detail.location),
        ("Website", detail.website),
        ("Points", str(detail.points)),
        ("Stage", detail.stage),
        ("Owner", detail.owner),
        ("Tags", ", ".join(detail.tags)),
        ("Segments", ", ".join(detail.segments)),
        ("Campaigns", ", ".join(detail.campaigns)),
        ("Do not contact", ", ".join(detail.do_not_contact)),
        ("Added", detail.date_added.isoformat(timespec="seconds")),
        ("Last active", detail.last_active.isoformat(timespec="seconds") if detail.last_active else ""),
        ("Events", f"{detail.event_count:,}"),
        ("Notes", f"{detail.note_count:,}"),
        ("Social", ", ".join(f"{p.network}: {p.handle}" for p in detail.social_profiles)),
    ]
    fields += [(f"  {key}", str(value)) for key, value in detail.custom_fields.items()]
    lines = [one_line(f"{label + ':':<16}{value}") for label, value in fields if value]
    if detail.locations:
        lines.append("Locations:")
        lines += [
            one_line(f"  {loc.city or '?'}, {loc.country or '?'}  ({loc.ip}, last seen {loc.last_seen:%Y-%m-%d})")
            for loc in detail.locations
        ]
    return "\n".join(lines)
