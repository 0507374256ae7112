"""The contact header's card at 80x24 and 120x36: what matters is never the part that is cut (issue 21)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from textual.content import Content

from store.contacts import get_contact
from store.db import open_database
from tests.tui.conftest import screen_text, settle
from tests.tui.sample import NOW
from tui.contact.card import CardLine, card_lines, fit, flow


def rows_text(rows: list[Content]) -> list[str]:
    return [row.plain for row in rows]


def test_pieces_flow_onto_the_next_row_and_a_row_too_wide_ends_in_an_ellipsis() -> None:
    pieces = (Content("Points 30"), Content("Stage Opportunity"), Content("Owner Bogdan Nowak"))
    assert rows_text(flow(pieces, 80)) == ["Points 30   Stage Opportunity   Owner Bogdan Nowak"]
    assert rows_text(flow(pieces, 30)) == ["Points 30   Stage Opportunity", "Owner Bogdan Nowak"]
    assert rows_text(flow((Content("przemyslawwieja@fpuh-szumiec.example"),), 20)) == ["przemyslawwieja@fpu…"]


def test_the_least_important_lines_go_first_and_the_rest_keep_their_order() -> None:
    lines = [
        CardLine(0, (Content("name"),)),
        CardLine(5, (Content("tags"),)),
        CardLine(1, (Content("activity"),)),
        CardLine(7, (Content("added"),)),
        CardLine(2, (Content("facts one"), Content("facts two")), " "),
    ]
    assert rows_text(fit(lines, 40, 5)) == ["name", "tags", "activity", "added", "facts one facts two"]
    # What is left out is counted beside the name, with the key that shows it; else on the last row.
    assert rows_text(fit(lines, 40, 3)) == ["name   +2 more · i", "activity", "facts one facts two"]
    assert rows_text(fit(lines, 9, 4)) == ["name", "tags", "activity", "+2 more …"]


def test_a_busy_contact_keeps_counts_activity_and_owner_at_80_columns(sample_db) -> None:
    engine = open_database(sample_db)
    detail = get_contact(engine, 1)
    engine.dispose()
    busy = replace(
        detail,
        owner="",
        tags=["churn-risk", "partner", "vip"],
        segments=["EMEA", "Trial users"],
        campaigns=["Black Friday"],
        do_not_contact=["email"],
        origin="mautic https://crm.example.com",
        origin_id="47",
        synced_at=NOW - timedelta(minutes=5),
        event_count=35_786,
        note_count=1,
    )
    shown = "\n".join(rows_text(fit(card_lines(busy, NOW), 35, 8)))
    for must in ("Do not contact: email", "From Mautic #47", "35,786 events", "1 note", "Last active", "Points"):
        assert must in shown, must
    assert "Owner" not in shown  # no owner: nothing to say, rather than "Owner —"
    assert "Added" not in shown and "Tags" not in shown  # the least important lines made room


async def test_the_page_header_at_80x24_shows_the_counts_and_last_active(app_factory) -> None:
    app = app_factory(contact_id=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = "\n".join(screen_text(app).splitlines()[:10])
        assert " events" in header and "Last active" in header and "Points" in header
