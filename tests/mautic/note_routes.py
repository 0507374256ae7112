"""Notes: /api/notes list, one, new, edit and delete (spec §5). Notes never touch the contact's dateModified."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.mautic.entities import Note
from tests.mautic.model import Model
from tests.mautic.php import db_time, parse_datetime, php_str, truthy
from tests.mautic.query import DATE, NUMBER, TEXT, Columns, Getter, limits, order_specs, page, sort, where
from tests.mautic.replies import Reply, bad_request, contact_not_found, invalid, not_found, view
from tests.mautic.routes import Call, route
from tests.mautic.shapes import note_json

_COLUMNS: dict[str, tuple[str, Getter]] = {
    "id": (NUMBER, lambda n: n.id),
    "text": (TEXT, lambda n: n.text),
    "type": (TEXT, lambda n: n.type),
    "datetime": (DATE, lambda n: db_time(n.date_time)),
    "dateadded": (DATE, lambda n: db_time(n.date_added)),
    "lead": (NUMBER, lambda n: n.contact),  # DQL `n.lead = :id` compares the association's id (derived)
}
# LeadNote is read through the ORM, so columns are property names; snake_case spellings are accepted too.
NOTE_COLUMNS = Columns("n", lambda name: _COLUMNS.get(name.replace("_", "")), {})


@route("GET", "/api/notes")
def list_notes(model: Model, call: Call) -> Reply:
    """NoteApiController: groups leadNoteDetails + leadList, nulls kept; `notes` is a plain list (no INDEX BY in
    LeadNoteRepository) and `total` an int (Paginator). minimal makes the first group leadNoteList, which has no
    properties, so every note is `{}`."""
    params = call.query
    raw_where = params.get("where")
    tests = where(NOTE_COLUMNS, raw_where) if raw_where else []
    text = params.get("search")
    rows = [
        note
        for note in model.notes.values()
        if all(test(note) for test in tests) and (not isinstance(text, str) or text.lower() in note.text.lower())
    ]
    specs = order_specs(NOTE_COLUMNS, params, [("id", "ASC")])
    chosen = page(sort(rows, specs, (0, 0), lambda n: n.id), *limits(params))
    minimal = truthy(call.get("minimal"))
    return view({"total": len(rows), "notes": [{} if minimal else note_json(model, note) for note in chosen]})


@route("GET", "/api/notes/{id}")
def get_note(model: Model, call: Call) -> Reply:
    note = model.notes.get(int(call.args[0]))
    if note is None:
        return not_found()
    return view({"note": note_json(model, note)})


def _fill(model: Model, note: Note, body: dict[str, Any], *, replace: bool) -> Reply | None:
    """The note form: text (HTML kept, dataInputMasks text=html), type, dateTime. PATCH submits with
    clearMissing=false, so only keys present change; a present null clears."""
    if "text" in body or replace:
        note.text = php_str(body.get("text"))
    if "type" in body or replace:
        note.type = php_str(body["type"]) if body.get("type") not in (None, "") else ("general" if replace else None)
    if "dateTime" in body or replace:
        raw = body.get("dateTime")
        if raw in (None, ""):
            note.date_time = None
        else:
            try:
                note.date_time = parse_datetime(str(raw), model.now)
            except ValueError:
                return invalid("dateTime")
    if not note.text.strip():
        return invalid("text", "A value is required.")  # NotBlank on LeadNote::$text
    return None


def _lead(model: Model, body: dict[str, Any]) -> int | Reply:
    """NoteApiController::preSaveEntity() + LeadAccessTrait: a missing lead is a 400, an unknown one a 404; a
    merged-away id belongs to the winner."""
    if body.get("lead") in (None, ""):
        return bad_request("lead ID is mandatory")
    contact = model.contact(body["lead"])
    if contact is None:
        return contact_not_found()
    return contact.id


def _created(model: Model, call: Call, body: dict[str, Any]) -> Reply:
    lead = _lead(model, body)
    if isinstance(lead, Reply):
        return lead
    note = Note(id=None, contact=lead, text="", type="general", date_time=None, date_added=model.now)
    refused = _fill(model, note, body, replace=True)
    if refused is not None:
        return refused
    note.id = model.next_id("note")
    model.notes[note.id] = note
    location = [("Location", f"{call.base_url}/api/notes/{note.id}")]  # processForm(): 201 with a Location
    return view({"note": note_json(model, note)}, 201, location)


@route("POST", "/api/notes/new")
def new_note(model: Model, call: Call) -> Reply:
    return _created(model, call, call.body)


@route("PUT|PATCH", "/api/notes/{id}/edit")
def edit_note(model: Model, call: Call) -> Reply:
    """editEntityAction(): PATCH is partial and 404s on a missing id; PUT replaces, or creates a missing note."""
    note = model.notes.get(int(call.args[0]))
    if note is None:
        return _created(model, call, call.body) if call.method == "PUT" else not_found()
    if "lead" in call.body:
        lead = _lead(model, call.body)
        if isinstance(lead, Reply):
            return lead
        note.contact = lead
    draft = Note(**{name: getattr(note, name) for name in ("id", "contact", "text", "type", "date_time", "date_added")})
    refused = _fill(model, draft, call.body, replace=call.method == "PUT")
    if refused is not None:
        return refused
    note.text, note.type, note.date_time = draft.text, draft.type, draft.date_time
    return view({"note": note_json(model, note)})


@route("DELETE", "/api/notes/{id}/delete")
def delete_note(model: Model, call: Call) -> Reply:
    """deleteEntityAction(): the note as it was, with id null after Doctrine's remove."""
    note = model.notes.pop(int(call.args[0]), None)
    if note is None:
        return not_found()
    data = note_json(model, note)
    data["id"] = None
    return view({"note": data})


def stamp_note(model: Model, contact: int, text: str, kind: str, when: datetime | None) -> Note:
    """A note added through the control API."""
    note_id = model.next_id("note")
    note = Note(id=note_id, contact=contact, text=text, type=kind, date_time=when, date_added=model.now)
    model.notes[note_id] = note
    return note
