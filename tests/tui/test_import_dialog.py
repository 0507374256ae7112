"""The contact list's import dialog: a CSV or vCard path, progress, a summary, the list reloaded."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from store.interchange.formats import detect
from tests.tui.conftest import screen_text, settle, type_text
from tui.dialogs.import_file import ImportDialog


def write_csv(path: Path) -> Path:
    path.write_text(
        "firstname,lastname,email,company\n"
        "Ada,Lovelace,ada@engines.example,Analytical Engines\n"
        'Bob,[@click=app.quit],bob@x.example,"Acme, Inc"\n'
        "Carl,Bad,not-an-email,Nowhere\n",
        encoding="utf-8",
    )
    return path


def status(app) -> str:
    """The dialog's status text, unwrapped (long temporary paths wrap on screen)."""
    return str(app.screen.query_one("#import-status", Static).render())


async def open_dialog(pilot) -> ImportDialog:
    await settle(pilot)
    await pilot.press("i")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ImportDialog)
    return pilot.app.screen


async def test_importing_a_csv_shows_a_summary_and_reloads_the_list(app_factory, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "people.csv")
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_dialog(pilot)
        await pilot.press(*str(csv_file), "enter")
        await settle(pilot)
        assert "Read 3 rows: 2 created, 0 updated, 0 unchanged, 0 skipped, 1 failed." in screen_text(app)
        assert "people.csv:4: email 'not-an-email' is not an email address" in status(app)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ImportDialog)
        assert "50 contacts" in screen_text(app)  # the sample's 48, and two new ones
        await type_text(pilot, "slash", *"bob")
        assert "Bob [@click=app.quit]" in screen_text(app)  # shown literally, not run


async def test_importing_the_same_file_again_creates_nothing(app_factory, tmp_path: Path) -> None:
    csv_file = write_csv(tmp_path / "people.csv")
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(2):
            await open_dialog(pilot)
            await pilot.press(*str(csv_file), "enter")
            await settle(pilot)
            text = status(app)
            await pilot.press("escape")
            await settle(pilot)
    assert "0 created, 0 updated, 2 unchanged" in text


async def test_a_vcard_folder_is_recognised_and_imported(app_factory, tmp_path: Path) -> None:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "a.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ångström\r\nN:Ångström;Zoë;;;\r\nEMAIL:zoe@x.example\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    assert detect(folder).label == "vCard"
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_dialog(pilot)
        await pilot.press(*str(folder), "enter")
        await settle(pilot)
        assert "Read 1 card: 1 created" in screen_text(app)


async def test_a_missing_path_and_a_bad_file_get_one_sentence(app_factory, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_dialog(pilot)
        await pilot.press(*str(tmp_path / "nope.csv"), "enter")
        await pilot.pause()
        assert status(app).endswith("nope.csv does not exist.")
        await pilot.press("escape")
        await open_dialog(pilot)
        await pilot.press(*str(empty), "enter")
        await settle(pilot)
        assert status(app).endswith("empty.csv is empty.")
        assert "Traceback" not in screen_text(app)


def test_kind_follows_the_first_line_when_the_name_says_nothing(tmp_path: Path) -> None:
    card = tmp_path / "export.txt"
    card.write_bytes(b"\xef\xbb\xbfBEGIN:VCARD\r\nEND:VCARD\r\n")
    table = tmp_path / "export.dat"
    table.write_text("a,b\n", encoding="utf-8")
    assert (detect(card).label, detect(table).label) == ("vCard", "CSV")
