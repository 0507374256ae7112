"""Hostile data through every place it reaches the screen: notifications, select options, inputs, editors.

Each test renders what the app would send to the terminal (the compositor's full update, as the driver
writes it) and fails on any control character outside the app's own colour and cursor sequences, and checks
that markup in data is shown as text: a contact named `[/]` must not crash a toast, `[@click=app.quit]`
must not become a link, a template named `Newsletter [June]` keeps its brackets.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session
from textual.widgets import Input, Select, TextArea
from textual.widgets._select import SelectOverlay
from textual.widgets.option_list import Option

from plain.literal import DIRECTION_CONTROLS
from store.models import Contact, EmailTemplate, Note
from store.settings import load_settings
from tests.local_smtp import smtp_server
from tests.tui.conftest import screen_text, settle
from tests.tui.sample import NOW
from tui.contact.screen import ContactScreen
from tui.dialogs.compose_email import ComposeEmail
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.note_editor import NoteEditor
from tui.factory import make_app

ROOT = Path(__file__).resolve().parents[2]
# A title change, a clipboard write, a screen clear, a C1 CSI and a direction override, with markup around.
ESCAPES = "\x1b]0;pwned\x07 \x1b]52;c;Y2xpcA==\x07 \x1b[2J \x9b31m \u202egnp.exe"
HOSTILE = f"[/] [@click=app.quit]boom[/] {ESCAPES}"
# What the app itself sends: colours (SGR), cursor moves, and hyperlinks (OSC 8 ... ST).
_OWN_SEQUENCES = re.compile(r"\x1b\[[0-9;:]*m|\x1b\[\d+;\d+H|\x1b\]8;[^\x07\x1b]*\x1b\\")


def terminal_output(app) -> str:
    """Everything the app would write to the terminal for the current screen."""
    return app.screen._compositor.render_update(full=True).render_segments(app.console)


def assert_terminal_safe(app) -> None:
    rest = _OWN_SEQUENCES.sub("", terminal_output(app))
    unsafe = sorted(
        {f"U+{ord(c):04X}" for c in rest if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0}
        | {f"U+{ord(c):04X}" for c in rest if ord(c) in DIRECTION_CONTROLS}
    )
    assert not unsafe, f"raw control characters reach the terminal: {unsafe}"


@pytest.fixture(autouse=True)
def no_markup_in_options(monkeypatch) -> Iterator[list[str]]:
    """Fails a test in which a select or option list got a `str` label holding brackets: Textual parses a
    `str` label as markup, so data must arrive as Content."""
    parsed: list[str] = []
    original = Option.__init__

    def recording(self, prompt, *args, **kwargs) -> None:
        if isinstance(prompt, str) and "[" in prompt:
            parsed.append(prompt)
        original(self, prompt, *args, **kwargs)

    monkeypatch.setattr(Option, "__init__", recording)
    yield parsed
    assert parsed == [], "option labels parsed as markup"


@pytest.fixture
def hostile_db(sample_db: Path) -> tuple[Path, int]:
    from store.db import open_database

    engine = open_database(sample_db)
    with Session(engine) as session:
        eve = Contact(firstname="[/]", lastname=ESCAPES, email="eve@evil.example", email_normalized="eve@evil.example")
        session.add(eve)
        session.flush()
        session.add(Note(contact_id=eve.id, type="general", text=HOSTILE, author="[b]x", created_at=NOW))
        session.add(EmailTemplate(name="Renewal [/]", subject=f"Renew {ESCAPES}", body_text=HOSTILE))
        session.add(EmailTemplate(name="Newsletter [June]", subject="June", body_text="Hi"))
        session.commit()
        contact_id = eve.id
    engine.dispose()
    return sample_db, contact_id


def _app(db: Path, contact_id: int, smtp_port: int = 1):
    settings = load_settings(
        ui={"cursor_blink": False, "live_interval": 0},
        network={"offline": True},
        smtp={"host": "127.0.0.1", "port": smtp_port, "security": "none", "from_address": "sam@dossier.example"},
    )
    return make_app(settings, db, contact_id=contact_id, clock=lambda: NOW + timedelta(days=1))


async def test_the_contact_page_and_the_note_editor_hold_escapes_as_symbols(hostile_db) -> None:
    db, eve = hostile_db
    app = _app(db, eve)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert_terminal_safe(app)
        await pilot.press("2")
        await settle(pilot)
        assert_terminal_safe(app)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        text = app.screen.query_one(TextArea).text
        assert "[@click=app.quit]boom[/]" in text and "␛]0;pwned␇" in text and "\x1b" not in text
        assert_terminal_safe(app)
        # A pasted escape becomes a symbol too.
        app.screen.query_one(TextArea).insert("\x1b]0;again\x07")
        assert "\x1b" not in app.screen.query_one(TextArea).text
        assert_terminal_safe(app)


async def test_template_options_subject_and_body_are_literal(hostile_db) -> None:
    db, eve = hostile_db
    app = _app(db, eve)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, ComposeEmail)
        select = app.screen.query_one("#email-template", Select)
        select.focus()
        await pilot.press("enter")  # open the dropdown: it used to crash on "Renewal [/]"
        await settle(pilot)
        overlay = app.screen.query_one(SelectOverlay)
        prompts = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
        assert any(p.startswith("Newsletter [June] — June") for p in prompts), prompts
        assert any(p.startswith("Renewal [/] — Renew ␛]0;pwned␇") for p in prompts), prompts
        assert_terminal_safe(app)
        await pilot.press("escape")
        renewal = next(value for _, value in select._options if value is not Select.BLANK and value == 1)
        select.value = renewal
        await settle(pilot)
        subject = app.screen.query_one("#email-subject", Input).value
        body = app.screen.query_one("#email-body", TextArea).text
        assert subject.startswith("Renew ␛]0;pwned␇") and "\x1b" not in subject + body
        assert "[@click=app.quit]boom[/]" in body
        assert_terminal_safe(app)


async def test_a_toast_about_a_contact_named_markup_is_shown_literally(hostile_db) -> None:
    db, eve = hostile_db
    with smtp_server() as server:
        app = _app(db, eve, smtp_port=server.port)
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("E")
            await settle(pilot)
            await pilot.press(*"Hi [/]")
            app.screen.query_one(TextArea).text = "Hello"
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.pause(0.3)
            assert isinstance(app.screen, ContactScreen)  # no MarkupError
            assert "Email “Hi [/]” sent to eve@evil.example." in screen_text(app)
            assert_terminal_safe(app)
            app.say(HOSTILE, title=HOSTILE)
            await pilot.pause()
            assert "[@click=app.quit]boom[/]" in screen_text(app)
            assert_terminal_safe(app)
            assert app.is_running


@pytest.mark.parametrize("opener", ["n", "E"])
async def test_ctrl_q_with_typed_text_asks_and_enter_keeps_editing(app_factory, opener: str) -> None:
    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        if opener == "n":
            await pilot.press("2")
            await settle(pilot)
        await pilot.press(opener)
        await settle(pilot)
        editor = app.screen
        await pilot.press(*"important")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Quitting now throws away the" in screen_text(app)
        await pilot.press("enter")  # the safe answer has the focus
        await settle(pilot)
        assert app.screen is editor and app.is_running
        await pilot.press("ctrl+q", "y")
        await settle(pilot)
        assert not app.is_running


async def test_ctrl_q_with_nothing_typed_quits_at_once(app_factory) -> None:
    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2", "n")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running


async def test_the_discard_prompt_keeps_the_note_on_enter(app_factory) -> None:
    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2", "n")
        await settle(pilot)
        editor = app.screen
        await pilot.press(*"draft", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is editor and "draft" in editor.query_one(TextArea).text


def _calls(name: str) -> list[str]:
    """`file:line` of every call of a method `name` in the app's own code (tui/, widgets/)."""
    found = []
    for folder in ("tui", "widgets"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_nothing_calls_notify_but_say() -> None:
    # `notify` parses its message as markup; `App.say` is the one way to tell the user something.
    assert _calls("notify") == ["tui/app.py:" + _calls("notify")[0].split(":")[1]]
    assert len(_calls("notify")) == 1


def test_the_guard_removes_controls_without_changing_widths() -> None:
    from rich.segment import Segment
    from rich.style import Style
    from textual.color import Color
    from textual.strip import Strip

    from tui.terminal_guard import NoControlCharacters

    bold = Style(bold=True)
    segments = [
        Segment("plain ", bold),
        Segment("a\x1b]0;pwned\x07b\u202e\x9b", bold),
        Segment("link", Style(link="https://x.example/\x1b\\\x1b]0;pwned\x07")),
        Segment("\x1b[?1049h", None, [(1,)]),  # the app's own control segments pass
    ]
    cleaned = NoControlCharacters().apply(segments, Color(0, 0, 0))
    assert [s.text for s in cleaned] == ["plain ", "a]0;pwnedb", "link", "\x1b[?1049h"]
    assert cleaned[2].style.link == "https://x.example/\\]0;pwned"
    assert Strip(cleaned[:3]).cell_length == Strip(segments[:3]).cell_length
