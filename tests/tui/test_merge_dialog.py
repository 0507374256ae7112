"""Pilot tests: find a duplicate, preview, flip a field, merge, see History, undo."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

import tui.dialogs.merge_pick
from store.db import open_database
from store.merge.rules import FieldPreview
from store.models import Contact, Event, Note
from store.normalize import normalize_email
from tests.tui.conftest import screen_text, settle, type_text
from tests.tui.sample import HOSTILE_COMPANY, HOSTILE_NAME, NOW
from tests.tui.test_live_updates import wait_for
from tui.contact.screen import ContactScreen
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.merge import MergeDialog, next_pick
from tui.dialogs.merge_fields import MergeFields

ADA = 1


def kept_line(app, value: str) -> bool:
    """Whether a line of the preview shows `value` marked as the one kept."""
    return any("✓" in line and line.split("✓")[1].split()[1:2] == [value] for line in screen_text(app).splitlines())


def flipped(app) -> list[str]:
    """The first word of each field marked as the user's choice: ⇄ beside its label, or under it when stacked."""
    lines = [line.rpartition("▊")[2].replace("▸", " ") for line in screen_text(app).splitlines() if "▊" in line]
    marked = []
    for above, line in zip(["", *lines], lines, strict=False):  # each line with the one above it
        if "⇄ your choice" in line:
            marked.append(above.split()[0])
        elif "⇄" in line:
            marked.append(line.split()[0])
    return marked


def current_label(app) -> str:
    """The first word of the field marked current (▸) in the preview."""
    line = next(line for line in screen_text(app).splitlines() if "▸" in line)
    return line.split("▸")[1].split()[0]


def add_duplicate(app_or_db, *, email: str = "Ada@Analytical.example", modified: datetime | None = None) -> int:
    """Another Ada at Analytical Engines (a likely duplicate of contact 1), with one event and one note."""
    engine = app_or_db.context.engine if hasattr(app_or_db, "context") else open_database(app_or_db)
    with Session(engine) as session:
        twin = Contact(
            firstname="Ada",
            lastname="Lovelace",
            email=email,
            email_normalized=normalize_email(email),
            company="Analytical Engines",
            position="Countess",
            city="London",
            points=7,
            date_added=NOW - timedelta(days=10),
            date_modified=modified or NOW - timedelta(days=1),
        )
        session.add(twin)
        session.flush()
        session.add(
            Event(
                contact_id=twin.id,
                type="page.hit",
                occurred_at=NOW - timedelta(days=2),
                label="Visited /twin",
                details={},
            )
        )
        session.add(Note(contact_id=twin.id, type="general", text="Twin note", author="Sam"))
        session.commit()
        return twin.id


async def test_merge_a_likely_duplicate_then_undo(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 40)) as pilot:
        twin = add_duplicate(app)
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert isinstance(app.screen, MergeDialog)
        text = screen_text(app)
        assert "Likely duplicates" in text
        assert "Ada@Analytical.example" in text and "same email" in text
        await pilot.press("down", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert f"this = #1 Ada Lovelace (stays) · other = #{twin} Ada Lovelace (merged in)" in text
        assert "Moves to this contact: 1 event, 1 note" in text
        # Ours was modified later, so our position wins; flip it to the twin's.
        fields = app.screen.query_one(MergeFields)
        fields.highlighted = fields.get_option_index("position")
        await settle(pilot)
        assert kept_line(app, "Director") and not kept_line(app, "Countess")
        await pilot.press("space")
        await settle(pilot)
        assert kept_line(app, "Countess") and not kept_line(app, "Director")
        assert "Position: your choice; Space again for the newer" in screen_text(app)
        assert flipped(app) == ["Position"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        with Session(app.context.engine) as session:
            survivor, other = session.get(Contact, ADA), session.get(Contact, twin)
            assert other.merged_into_id == ADA
            assert survivor.position == "Countess"
            assert survivor.points == 107
            assert session.exec(select(Note).where(Note.contact_id == twin)).all() == []
        assert "Contact merged" in screen_text(app)
        # Undo: the merge event is the newest.
        await pilot.press("g", "u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.3)
        with Session(app.context.engine) as session:
            other = session.get(Contact, twin)
            assert other.merged_into_id is None
            assert [n.text for n in session.exec(select(Note).where(Note.contact_id == twin))] == ["Twin note"]
            assert session.get(Contact, ADA).points == 100


async def test_search_never_offers_the_contact_itself(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        await type_text(pilot, *"lovelace")
        assert app.screen.query_one("#merge-candidates").option_count == 0  # only Ada herself matches
        await type_text(pilot, *["backspace"] * 8, *"hopper")
        assert "Grace Hopper" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ContactScreen)


LONG_EMAIL = "adalberto_catalan+newsletter-signup-2026@analytical-engines.example"


def value_in_list(app, start: str) -> str:
    """The value on screen that begins with `start`, its wrapped continuation lines joined back together."""
    lines = screen_text(app).splitlines()
    found = [(row, line.find(start)) for row, line in enumerate(lines) if start in line]
    if not found:
        return ""
    row, column = found[0]
    value = lines[row][column:].split()[0]
    for line in lines[row + 1 :]:
        before, rest = line[:column].rpartition("▊")[2], line[column:]  # inside the list's left edge
        if before.strip() or not rest[:1].strip():  # the next row begins, or nothing continues this column
            break
        value += rest.split()[0]
    return value


async def open_preview(pilot, *typed: str) -> MergeFields:
    await settle(pilot)
    await pilot.press("M")
    await settle(pilot)
    if typed:
        await type_text(pilot, *typed)
    await pilot.press("down", "enter")
    await settle(pilot)
    return pilot.app.screen.query_one(MergeFields)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_a_long_email_is_shown_whole_and_nothing_scrolls_sideways(app_factory, size):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=size) as pilot:
        add_duplicate(app, email=LONG_EMAIL)
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert "same name at the same company" in screen_text(app)
        assert LONG_EMAIL in screen_text(app)  # the candidate line wraps between words, never inside one
        await pilot.press("down", "enter")
        await settle(pilot)
        fields = app.screen.query_one(MergeFields)
        assert value_in_list(app, "adalberto_catalan+") == LONG_EMAIL
        assert value_in_list(app, "ada@analytical") == "ada@analytical.example"
        assert fields.max_scroll_x == 0
        # Nothing in the preview is cut short (that would show an ellipsis): values wrap instead.
        assert "…" not in screen_text(app).replace("merges…", "")


async def test_space_keeps_the_view_where_it_is(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        fields = await open_preview(pilot, *"hop")
        await pilot.press("end", "up")
        await settle(pilot)
        view = (fields.scroll_y, fields.highlighted)
        assert fields.scroll_y > 0 and fields.current is not None and fields.current.name == "date_added"
        assert kept_line(app, "2025-10-16") and not flipped(app)
        await pilot.press("space")
        await settle(pilot)
        assert (fields.scroll_y, fields.highlighted, fields.scroll_x) == (*view, 0)
        assert current_label(app) == "Added"
        assert kept_line(app, "2025-10-17") and flipped(app) == ["Added"]
        await pilot.press("space")
        await settle(pilot)
        assert (fields.scroll_y, fields.highlighted) == view
        assert kept_line(app, "2025-10-16") and not flipped(app)


async def test_points_are_added_and_cannot_be_flipped(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        fields = await open_preview(pilot, *"hop")
        fields.highlighted = fields.get_option_index("points")
        await settle(pilot)
        text = screen_text(app)
        assert "+ this  100" in text and "+ other 90" in text and "= kept  190" in text
        await pilot.press("space")
        await settle(pilot)
        assert "Points: both values are added together; there is nothing to choose." in screen_text(app)
        assert not flipped(app)


async def test_the_list_says_searching_then_what_it_found(app_factory, monkeypatch):
    gate = threading.Event()
    find = tui.dialogs.merge_pick.find_duplicates_for

    def slow(*args, **kwargs):  # a big database: the duplicate search answers after the dialog is open
        gate.wait(10)
        return find(*args, **kwargs)

    monkeypatch.setattr(tui.dialogs.merge_pick, "find_duplicates_for", slow)
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        add_duplicate(app, email=LONG_EMAIL)
        await settle(pilot)
        await pilot.press("M")
        assert await wait_for(pilot, lambda: "Searching for likely duplicates…" in screen_text(app))
        await pilot.press(*"zzz")  # searching as you type still works meanwhile
        assert await wait_for(pilot, lambda: "No other contact matches “zzz”." in screen_text(app))
        gate.set()
        await settle(pilot)
        text = screen_text(app)
        assert "No other contact matches “zzz”." in text and "likely duplicates" not in text.lower()
        await type_text(pilot, *["backspace"] * 3)
        assert "Likely duplicates" in screen_text(app) and LONG_EMAIL in screen_text(app)


async def test_no_likely_duplicates_is_said_only_when_there_are_none(app_factory):
    app = app_factory(contact_id=2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        assert "No likely duplicates of Grace Hopper. Type to search every contact." in screen_text(app)
        await type_text(pilot, *"lovelace")
        text = screen_text(app)
        assert "Contacts matching “lovelace”" in text and "Ada Lovelace" in text and "No likely" not in text


async def test_the_confirmation_names_both_and_what_changes(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_preview(pilot, *"hop")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = " ".join(screen_text(app).split())
        assert "Merge Grace Hopper (#2) into Ada Lovelace (#1)?" in text
        assert "Changes here: First name, Last name" in text and "Points, Stage." in text
        assert "To undo: u on the “Contact merged” event in History." in text
        assert "`" not in text
        assert "Moves here: 1 event, 1 do-not-contact record." in text
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MergeDialog)


def test_space_cycles_a_combined_field_through_each_choice():
    tags = FieldPreview("tags", "Tags", ["a"], ["b"], "both combined", "both", ["a", "b"])
    assert [next_pick(tags, pick) for pick in (None, "survivor", "other")] == ["survivor", "other", None]
    city = FieldPreview("city", "City", "Leeds", "York", "newer", "other", "York")
    assert [next_pick(city, pick) for pick in (None, "survivor")] == ["survivor", None]


async def test_typing_in_the_list_goes_on_searching(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_preview(pilot, *"hop")
        await pilot.press("escape")  # back from the preview: the list has the focus
        search = app.screen.query_one("#merge-search")
        assert app.screen.focused is app.screen.query_one("#merge-candidates")
        await type_text(pilot, "backspace", *"nas")
        assert app.screen.focused is search and search.value == "honas"
        assert "No other contact matches “honas”." in screen_text(app)
        await type_text(pilot, *["backspace"] * 5, *"grace")
        await pilot.press("down")
        assert app.screen.focused is not search
        await pilot.press("up")
        assert app.screen.focused is search


async def test_names_and_values_with_markup_are_shown_as_written(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_preview(pilot, *"mallory")
        text = screen_text(app)
        assert f"other = #7 Mallory {HOSTILE_NAME} (merged in)" in text
        assert HOSTILE_COMPANY in text and HOSTILE_NAME in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"Merge Mallory {HOSTILE_NAME} (#7) into Ada Lovelace (#1)?" in screen_text(app)
