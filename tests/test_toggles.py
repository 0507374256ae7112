"""Toggles whose state reads without colour (widgets/toggles.py): the mark is drawn only when on."""

from __future__ import annotations

from textual.app import App, ComposeResult

from widgets.toggles import MarkedCheckbox, MarkedRadioButton, MarkedSelectionList


class Toggles(App):
    def compose(self) -> ComposeResult:
        yield MarkedCheckbox("Send anyway", id="off")
        yield MarkedCheckbox("Tracked", value=True, id="on")
        yield MarkedRadioButton("Call", value=True, id="radio")
        yield MarkedSelectionList[str](("Page hit", "page.hit", True), ("Email sent", "email.sent"), id="list")


def line(app: App, selector: str, y: int = 0) -> str:
    return "".join(segment.text for segment in app.query_one(selector).render_line(y))


async def test_a_mark_is_drawn_only_when_on() -> None:
    app = Toggles()
    async with app.run_test(
        size=(
            60,
            12,
        )
    ) as pilot:
        await pilot.pause()
        assert line(app, "#off").startswith("▐ ▌ Send anyway")
        assert line(app, "#on").startswith("▐X▌ Tracked")
        assert line(app, "#radio").startswith("▐●▌ Call")
        rows = [line(app, "#list", y) for y in range(2)]
        assert rows[0].startswith("▐X▌ Page hit") and rows[1].startswith("▐ ▌ Email sent")
        off = app.query_one("#off", MarkedCheckbox)
        off.focus()
        await pilot.press("space")
        await pilot.pause()
        assert off.value and line(app, "#off").startswith("▐X▌ Send anyway")
