"""A footer that shows only the keys that fit, and always the key to the full list.

Textual's footer lays every shown binding out in one row and lets the screen's width cut the rest: at 80
columns the contact page ended in `a Campa▏^p palette`, with F1 (the help that lists every key) cut off. This
footer measures each key as Textual draws it, keeps the keys in their order while they fit, and always keeps
the help key and the command palette, so whatever does not fit is one key away.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

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


class FittingFooter(Footer):
    """Footer that drops the keys that do not fit instead of cutting the row."""

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        first_of_action: dict[str, tuple[Binding, bool, str]] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in first_of_action:
                first_of_action[binding.action] = (binding, enabled, tooltip)
        palette = self._palette_key(active)
        # The palette key is docked right; its border takes the place of its left padding.
        self._composed_width = self.size.width or self.app.size.width
        width = self._composed_width - (key_width(*palette[1:3]) if palette else 0)
        keys = entries(self.app, list(first_of_action.values()))
        by_action = {entry.action: entry for entry in keys}
        shown = fitting([(entry.binding, key_width(entry.display, entry.description)) for entry in keys], width)
        self.styles.grid_size_columns = len(shown) + (1 if palette else 0)
        for binding in shown:
            entry = by_action[binding.action]
            key = FooterKey(
                binding.key,
                entry.display,
                entry.description,
                binding.action,
                disabled=not entry.enabled,
                tooltip=entry.tooltip,
            )
            # Born with the footer's style: a FooterKey starts compact and binding it restyled it twice as it
            # mounted (that was most of the footer's cost before the contact page was first painted).
            key.set_reactive(FooterKey.compact, self.compact)
            key.set_class(self.compact, "-compact", update=False)
            yield key.data_bind(compact=Footer.compact)
        if palette:
            binding, display, description, enabled = palette
            yield FooterKey(
                binding.key,
                display,
                description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    def _palette_key(self, active: dict) -> tuple[Binding, str, str, bool] | None:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        found = active.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None:
            return None
        _node, binding, enabled, _tooltip = found
        return binding, self.app.get_key_display(binding), binding.description, enabled

    _composed_width = 0

    def on_resize(self, event: events.Resize) -> None:
        # The first resize gives the footer the width its keys were already fitted to: no rebuild for that.
        if self.is_attached and event.size.width != self._composed_width:
            self.call_after_refresh(self.recompose)
