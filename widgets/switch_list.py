"""A filterable list of on/off switches, one per item: which segments (or campaigns) a contact belongs to.

Toggling flips the switch at once and posts `MembershipSwitches.Toggled`; the screen saves the change and, if
saving fails, calls `set_state(key, on)` to flip it back. Keys in the list: Space or Enter toggle, `j`/`k`
and arrows move, `g`/`G` first/last, `/` focuses the filter box and any other printable key is typed into
it; in the filter, Enter toggles the highlighted match and returns to the list (the filter applies as it is
typed, so there is nothing else for Enter to confirm), Down returns to the list without toggling. Esc clears
a filter first; with no filter, Esc is left to the screen (`SkipAction`), so a dialog's own non-priority
`escape` binding closes it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.events import Key
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from plain.literal import one_line
from widgets.choice_list import ChoiceList

ON = ("● on ", "bold $success")
OFF = ("○ off", "bold $warning")
_LIST_KEYS = frozenset({"j", "k", "g", "G", "space", "question_mark", "slash"})


@dataclass(frozen=True, slots=True)
class SwitchItem:
    key: int
    label: str
    on: bool
    enabled_style_dim: bool = False  # greyed (an unpublished segment) but still switchable
    hint: str = ""


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


class _SwitchOptions(ChoiceList):
    """The switches themselves, with the list keys of every list (`ChoiceList`) and Space to toggle; printable
    keys it has no use for go to the filter box."""

    BINDINGS = [Binding("space", "select", "Toggle", id="switches.toggle")]

    def __init__(self, type_ahead: Callable[[str], None]) -> None:
        super().__init__(markup=False)
        self._type_ahead = type_ahead

    def on_key(self, event: Key) -> None:
        if event.is_printable and event.character and event.key not in _LIST_KEYS:
            # Handled here and now rather than by a message, so focus is in the filter box before the
            # next key arrives and fast typing keeps its order.
            event.stop()
            event.prevent_default()
            self._type_ahead(event.character)


class MembershipSwitches(Widget):
    """One switch per item: on (green, "● on") or off (orange, "○ off"), with a filter and a count."""

    DEFAULT_CSS = """
    MembershipSwitches { height: 1fr; layout: vertical; }
    MembershipSwitches > Input { dock: top; margin: 0 1 1 1; }
    MembershipSwitches > _SwitchOptions { height: 1fr; border: none; padding: 0 1; &:focus { border: none; } }
    MembershipSwitches > .switches--count {
        dock: bottom; height: 1; color: $text-muted; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """
    BINDINGS = [
        Binding("escape", "clear_filter", "Clear filter", show=False, id="switches.clear_filter"),
        Binding("slash", "focus_filter", "Filter", show=False, id="switches.filter"),
        Binding("down", "focus_list", "To the list", show=False, id="switches.to_list"),
    ]

    @dataclass
    class Toggled(Message):
        """The user flipped a switch; it already shows the new state."""

        switches: MembershipSwitches
        key: int
        on: bool

        @property
        def control(self) -> MembershipSwitches:
            return self.switches

    def __init__(
        self,
        items: Iterable[SwitchItem] = (),
        *,
        placeholder: str = "/ Filter by name…",
        dim_note: str = "unpublished",
        cursor_blink: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._items = {item.key: item for item in items}
        self._placeholder = placeholder
        self._dim_note = dim_note
        self._cursor_blink = cursor_blink
        self._shown: list[int] = []

    def compose(self) -> ComposeResult:
        # The list comes first so that a dialog's first focus lands on it; CSS docks the filter above it.
        yield _SwitchOptions(self._type_into_filter)
        yield Input(placeholder=self._placeholder, select_on_focus=False, compact=True)
        yield Static(classes="switches--count")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self._cursor_blink
        self._refresh_list()

    @property
    def items(self) -> list[SwitchItem]:
        return list(self._items.values())

    @property
    def selected_keys(self) -> frozenset[int]:
        return frozenset(key for key, item in self._items.items() if item.on)

    @property
    def filter_text(self) -> str:
        return self.query_one(Input).value

    def focus(self, scroll_visible: bool = True) -> MembershipSwitches:
        """Focus the list of switches (not the filter box)."""
        self.query_one(_SwitchOptions).focus(scroll_visible)
        return self

    def set_items(self, items: Iterable[SwitchItem]) -> None:
        """Show these items instead, keeping the filter and, if it is still there, the highlighted one."""
        self._items = {item.key: item for item in items}
        self._refresh_list()

    def set_state(self, key: int, on: bool) -> None:
        """Show an item as on or off without posting `Toggled` (e.g. to undo a toggle that was not saved)."""
        item = self._items.get(key)
        if item is None or item.on == on:
            return
        self._items[key] = item = replace(item, on=on)
        if key in self._shown:
            self.query_one(_SwitchOptions).replace_option_prompt(f"k{key}", self._prompt(item))
        self._update_count()

    def _prompt(self, item: SwitchItem) -> Content:
        parts: list[tuple[str, str] | str] = [ON if item.on else OFF, "  "]
        if item.enabled_style_dim:
            parts += [(one_line(item.label), "$text-muted"), (f"  ({one_line(self._dim_note)})", "$text-muted italic")]
        else:
            parts.append(one_line(item.label))
        if item.hint:
            parts.append((f"  {one_line(item.hint)}", "$text-muted"))
        return Content.assemble(*parts)

    def _refresh_list(self) -> None:
        options = self.query_one(_SwitchOptions)
        highlighted = options.highlighted_option
        keep = highlighted.id if highlighted is not None else None
        needle = _fold(self.filter_text.strip())
        self._shown = [key for key, item in self._items.items() if needle in _fold(item.label)]
        if self._shown:
            options.set_options(Option(self._prompt(self._items[key]), id=f"k{key}") for key in self._shown)
            ids = [f"k{key}" for key in self._shown]
            options.highlighted = ids.index(keep) if keep in ids else 0
        elif self._items:
            options.set_options([Option(Content(f"No name contains “{one_line(self.filter_text)}”."), disabled=True)])
        else:
            options.set_options([])
        self._update_count()

    def _update_count(self) -> None:
        on_count = sum(item.on for item in self._items.values())
        text = f"{on_count} of {len(self._items)} selected"
        if self.filter_text.strip():
            text += f" · {len(self._shown)} shown"
        self.query_one(".switches--count", Static).update(Content(text))

    @on(OptionList.OptionSelected)
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = int((event.option.id or "k0")[1:])
        item = self._items[key] = replace(self._items[key], on=not self._items[key].on)
        event.option_list.replace_option_prompt(f"k{key}", self._prompt(item))
        self._update_count()
        self.post_message(self.Toggled(self, key, item.on))

    @on(OptionList.OptionHighlighted)
    def _quiet(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()

    @on(Input.Changed)
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refresh_list()

    @on(Input.Submitted)
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_focus_list()
        options = self.query_one(_SwitchOptions)
        if options.highlighted_option is not None and not options.highlighted_option.disabled:
            options.action_select()

    def _type_into_filter(self, character: str) -> None:
        box = self.query_one(Input)
        self.screen.set_focus(box)
        box.cursor_position = len(box.value)
        box.insert_text_at_cursor(character)

    def action_clear_filter(self) -> None:
        box = self.query_one(Input)
        if not box.value:
            raise SkipAction()
        box.value = ""
        self.action_focus_list()

    def action_focus_filter(self) -> None:
        self.screen.set_focus(self.query_one(Input))

    def action_focus_list(self) -> None:
        self.screen.set_focus(self.query_one(_SwitchOptions))
