"""A footer that shows only the keys that fit, and always the key to the full list.

Textual's footer lays every shown binding out in one row and lets the screen's width cut the rest: at 80
columns the contact page ended in `a Campa▏^p palette`, with F1 (the help that lists every key) cut off. This
footer measures each key as Textual draws it, keeps the keys in their order while they fit, and always keeps
the help key and the command palette, so whatever does not fit is one key away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.screen import Screen

# Always shown: the key that lists every other key.
ALWAYS = frozenset({"help"})


def key_width(key_display: str, description: str) -> int:
    """Cells one FooterKey takes in the default (not compact) style: ` key description `."""
    return cell_len(key_display) + cell_len(description) + 3


def fitting(keys: list[tuple[Binding, int]], width: int) -> list[Binding]:
    """The bindings to show: those in ALWAYS, then the others in order while they fit in `width` cells."""
    budget = width - sum(cells for binding, cells in keys if binding.action in ALWAYS)
    shown: list[Binding] = []
    for binding, cells in keys:
        if binding.action in ALWAYS:
            shown.append(binding)
        elif cells <= budget:
            shown.append(binding)
            budget -= cells
        else:
            budget = -1  # keep the order: nothing after a key that did not fit
    return shown


@dataclass(frozen=True, slots=True)
class Entry:
    """One footer key as drawn: a binding, or a group of bindings shown as one (`[ ] Month`)."""

    binding: Binding
    display: str
    description: str
    enabled: bool
    tooltip: str

    @property
    def action(self) -> str:
        return self.binding.action


def entries(app, bindings: list[tuple[Binding, bool, str]]) -> list[Entry]:
    """Bindings in order, one per action; neighbours in one `Binding.Group` become one entry, as Textual's
    own footer draws them."""
    shown: list[Entry] = []
    last_group = None
    for binding, enabled, tooltip in bindings:
        display = app.get_key_display(binding)
        if binding.group is not None and binding.group is last_group:
            previous = shown[-1]
            shown[-1] = Entry(previous.binding, f"{previous.display} {display}", previous.description, enabled, "")
            continue
        description = binding.group.description if binding.group is not None else binding.description
        shown.append(Entry(binding, display, description, enabled, tooltip))
        last_group = binding.group
    return shown


@dataclass(frozen=True, slots=True)
class Key:
    """One FooterKey to draw; the footer is rebuilt only when this list changes."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    palette: bool = False


class FittingFooter(Footer):
    """Footer that drops the keys that do not fit instead of cutting the row.

    Textual's footer rebuilds every key whenever the screen's bindings may have changed (each focus move)
    and on every resize; this one rebuilds only when the keys it would draw differ from those it drew."""

    _drawn: tuple[Key, ...] | None = None

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._drawn = keys = self._plan()
        self.styles.grid_size_columns = len(keys)
        for key in keys:
            widget = FooterKey(
                key.key,
                key.display,
                key.description,
                key.action,
                classes="-command-palette" if key.palette else "",
                disabled=not key.enabled,
                tooltip=key.tooltip,
            )
            if key.palette:
                yield widget
                continue
            # Born with the footer's style, so binding it does not restyle the key twice as it mounts.
            widget.set_reactive(FooterKey.compact, self.compact)
            widget.set_class(self.compact, "-compact", update=False)
            yield widget.data_bind(compact=Footer.compact)

    def _plan(self) -> tuple[Key, ...]:
        """The keys to draw at the current width, in order, the palette key last."""
        active = self.screen.active_bindings
        first_of_action: dict[str, tuple[Binding, bool, str]] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in first_of_action:
                first_of_action[binding.action] = (binding, enabled, tooltip)
        palette = self._palette_key(active)
        # The palette key is docked right; its border takes the place of its left padding.
        width = (self.size.width or self.app.size.width) - (key_width(*palette[1:3]) if palette else 0)
        keys = entries(self.app, list(first_of_action.values()))
        by_action = {entry.action: entry for entry in keys}
        shown = fitting([(entry.binding, key_width(entry.display, entry.description)) for entry in keys], width)
        plan = []
        for binding in shown:
            entry = by_action[binding.action]
            plan.append(
                Key(binding.key, entry.display, entry.description, binding.action, entry.enabled, entry.tooltip)
            )
        if palette:
            binding, display, description, enabled = palette
            tooltip = binding.tooltip or binding.description
            plan.append(Key(binding.key, display, description, binding.action, enabled, tooltip, palette=True))
        return tuple(plan)

    def _palette_key(self, active: dict) -> tuple[Binding, str, str, bool] | None:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        found = active.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None:
            return None
        _node, binding, enabled, _tooltip = found
        return binding, self.app.get_key_display(binding), binding.description, enabled

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._redraw_if_changed)

    def on_resize(self, _event: events.Resize) -> None:
        if self.is_attached:
            self.call_after_refresh(self._redraw_if_changed)

    async def _redraw_if_changed(self) -> None:
        if self.is_attached and self._bindings_ready and self._plan() != self._drawn:
            await self.recompose()
