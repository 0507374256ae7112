"""The command palette: an entry for every action the current screen offers, named "screen: action"."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode


class ScreenCommands(Provider):
    """Builds commands from the bindings that are active where the palette was opened."""

    def _commands(self) -> Iterator[tuple[str, str, DOMNode, str]]:
        screen = self.screen
        prefix = (type(screen).TITLE or "dossier").lower()
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.system or not active.enabled:
                continue
            name = f"{prefix}: {binding.description.lower()}"
            if name in seen:
                continue
            seen.add(name)
            yield name, binding.tooltip or f"key: {self.app.get_key_display(binding)}", active.node, binding.action

    def _run(self, node: DOMNode, action: str) -> None:
        self.app.call_later(node.run_action, action)

    async def discover(self) -> Hits:
        for name, help_text, node, action in self._commands():
            yield DiscoveryHit(name, partial(self._run, node, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, node, action in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, node, action), help=help_text)
