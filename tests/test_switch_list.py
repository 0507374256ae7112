"""The membership switch list on its own: toggling, messages, the filter box, the count, undoing a toggle,
literal labels and a few hundred items."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, OptionList

from widgets.switch_list import MembershipSwitches, SwitchItem

HOSTILE = "[@click=app.quit]x[/] [b]bold[/b] \x1b[31mred"


class SwitchApp(App):
    BINDINGS = [Binding("escape", "closed", "Close")]

    def __init__(self, items: list[SwitchItem]) -> None:
        super().__init__()
        self.items = items
        self.toggled: list[tuple[int, bool]] = []
        self.closed = 0

    def compose(self) -> ComposeResult:
        yield MembershipSwitches(self.items, id="segments", cursor_blink=False)

    def on_mount(self) -> None:
        self.switches.focus()

    @property
    def switches(self) -> MembershipSwitches:
        return self.query_one(MembershipSwitches)

    @on(MembershipSwitches.Toggled, "#segments")
    def _toggled(self, message: MembershipSwitches.Toggled) -> None:
        assert message.control is self.switches
        self.toggled.append((message.key, message.on))

    def action_closed(self) -> None:
        self.closed += 1


def screen_text(app: App) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def lines(app: App) -> list[str]:
    return [line.strip() for line in screen_text(app).splitlines() if line.strip()]


def items() -> list[SwitchItem]:
    return [
        SwitchItem(1, "Newsletter", True),
        SwitchItem(2, "Webinar attendees", False),
        SwitchItem(3, "Ärzte in Zürich", False),
        SwitchItem(4, "Old import 2023", False, enabled_style_dim=True, hint="1,204 members"),
    ]


def options(app: SwitchApp) -> OptionList:
    return app.switches.query_one(OptionList)


# Switching


async def test_each_row_shows_a_readable_switch() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)):
        assert lines(app) == [
            "/ Filter by name…",
            "● on   Newsletter",
            "○ off  Webinar attendees",
            "○ off  Ärzte in Zürich",
            "○ off  Old import 2023  (unpublished)  1,204 members",
            "1 of 4 selected",
        ]


async def test_on_is_success_off_is_warning_and_unpublished_is_muted() -> None:
    app = SwitchApp(items())
    async with app.run_test():
        prompts = [options(app).get_option_at_index(n).prompt for n in range(4)]
        assert all(isinstance(prompt, Content) for prompt in prompts)

        def styles(prompt: Content) -> list[str]:
            return [str(span.style) for span in prompt.spans]

        assert "bold $success" in styles(prompts[0])
        assert "bold $warning" in styles(prompts[1])
        assert "$success" not in " ".join(styles(prompts[1]))
        assert styles(prompts[3]).count("$text-muted") == 2  # the name and the hint
        assert "$text-muted italic" in styles(prompts[3])


async def test_space_and_enter_toggle_the_highlighted_item_and_post_a_message() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("space")
        await pilot.press("j", "enter")
        await pilot.press("down", "down", "space")
        await pilot.press("k", "space")
        await pilot.pause()
        assert app.toggled == [(1, False), (2, True), (4, True), (3, True)]
        assert lines(app)[1:] == [
            "○ off  Newsletter",
            "● on   Webinar attendees",
            "● on   Ärzte in Zürich",
            "● on   Old import 2023  (unpublished)  1,204 members",
            "3 of 4 selected",
        ]
        assert app.switches.selected_keys == {2, 3, 4}


async def test_set_state_flips_a_switch_back_without_a_message() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("j", "space")
        await pilot.pause()
        assert app.toggled == [(2, True)]
        app.switches.set_state(2, False)  # the save failed
        await pilot.pause()
        assert app.toggled == [(2, True)]
        assert lines(app)[2] == "○ off  Webinar attendees"
        assert lines(app)[-1] == "1 of 4 selected"
        app.switches.set_state(99, True)  # an unknown key is ignored
        app.switches.set_state(1, True)  # as is the state it already has
        assert app.switches.selected_keys == {1}


async def test_g_and_shift_g_jump_to_the_ends() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("G", "space", "g", "space")
        await pilot.pause()
        assert app.toggled == [(4, True), (1, False)]


# Filtering


async def test_typing_in_the_list_filters_it_case_and_accents_ignored() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("A", "R", "Z")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        assert app.switches.filter_text == "ARZ"
        assert lines(app) == ["ARZ", "○ off  Ärzte in Zürich", "1 of 4 selected · 1 shown"]
        await pilot.press("down", "space")  # back to the list, toggle the match
        await pilot.pause()
        assert app.toggled == [(3, True)]
        assert lines(app)[-1] == "2 of 4 selected · 1 shown"


async def test_enter_in_the_filter_toggles_the_highlighted_match_at_once() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("w", "e", "b", "enter")
        await pilot.pause()
        assert app.toggled == [(2, True)]
        assert "● on   Webinar attendees" in screen_text(app)
        assert isinstance(app.focused, OptionList)  # back in the list: Enter, Space, j/k work as there
        await pilot.press("enter")
        await pilot.pause()
        assert app.toggled == [(2, True), (2, False)]


async def test_letters_that_are_list_keys_move_but_others_start_the_filter() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("j", "w", "e", "b", "i", "n")  # j moves; "w" starts the filter; then all is typed
        await pilot.pause()
        assert app.switches.filter_text == "webin"
        await pilot.press("down", "space")
        await pilot.pause()
        assert app.toggled == [(2, True)]


async def test_slash_focuses_the_filter_and_a_miss_says_so() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("slash", "z", "z")
        await pilot.pause()
        assert app.switches.filter_text == "zz"
        assert lines(app) == ["zz", "No name contains “zz”.", "1 of 4 selected · 0 shown"]
        await pilot.press("enter", "space")  # nothing to toggle: Enter only returns to the list
        await pilot.pause()
        assert app.toggled == []
        assert isinstance(app.focused, OptionList)


async def test_escape_clears_the_filter_first_then_reaches_the_screen() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("n", "e", "w", "s")
        await pilot.press("escape")
        await pilot.pause()
        assert (app.switches.filter_text, app.closed) == ("", 0)
        assert isinstance(app.focused, OptionList)
        assert len(lines(app)) == 6
        await pilot.press("escape")
        await pilot.pause()
        assert app.closed == 1


async def test_escape_in_the_list_also_clears_the_filter_first() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("o", "l", "d", "down")
        assert isinstance(app.focused, OptionList)
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert (app.switches.filter_text, app.closed) == ("", 1)


async def test_new_items_keep_the_filter_and_the_highlighted_one() -> None:
    app = SwitchApp(items())
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("e", "down", "down")  # Webinar attendees, the second match
        app.switches.set_items([*items(), SwitchItem(5, "Events", True)])
        await pilot.pause()
        assert lines(app)[-1] == "2 of 5 selected · 4 shown"
        await pilot.press("space")
        await pilot.pause()
        assert app.toggled == [(2, True)]


# Literal text and size


async def test_labels_and_hints_are_shown_literally() -> None:
    app = SwitchApp([SwitchItem(1, HOSTILE, False, hint="[red]hint[/]\n2"), SwitchItem(2, "Safe", True)])
    async with app.run_test(size=(80, 10)) as pilot:
        text = screen_text(app)
        assert "[@click=app.quit]x[/] [b]bold[/b] ␛[31mred  [red]hint[/] 2" in text
        assert "\x1b" not in "".join(lines(app))
        await pilot.press("space")
        await pilot.pause()
        assert app.return_code is None
        assert app.toggled == [(1, True)]


async def test_three_hundred_items_filter_and_toggle() -> None:
    many = [SwitchItem(n, f"Segment {n:03}", n % 3 == 0, enabled_style_dim=n % 7 == 0) for n in range(300)]
    app = SwitchApp(many)
    async with app.run_test(size=(80, 24)) as pilot:
        assert lines(app)[-1] == "100 of 300 selected"
        await pilot.press("G", "space")
        await pilot.pause()
        assert app.toggled == [(299, True)]
        assert "● on   Segment 299" in screen_text(app)
        await pilot.press("2", "9")
        await pilot.pause()
        assert lines(app)[-1] == "101 of 300 selected · 13 shown"  # 029, 129, 229, 290-299
        assert options(app).option_count == 13
