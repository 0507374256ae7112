"""On the contact page a key means one thing, whichever tab is shown and whatever has the focus: `m` charts
by month on the Map tab as on History, `a` opens the campaigns from the map as from the list."""

from __future__ import annotations

from collections import defaultdict

from tests.tui.conftest import settle
from tui.contact.screen import ContactScreen

# Esc means "back out of where you are" everywhere: out of a search box first, then off the page.
CONTEXTUAL = {"escape"}


def meanings(screen) -> dict[str, set[tuple[str, str]]]:
    """Every key bound by us (bindings with an id) on the screen and every widget in it, shown or not, with
    the (action, description) pairs it is bound to."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for node in [screen, *screen.walk_children()]:
        for key, bindings in node._bindings.key_to_bindings.items():
            for binding in bindings:
                if binding.id:
                    found[key].add((binding.action, binding.description))
    return found


def clashes(found: dict[str, set[tuple[str, str]]]) -> dict[str, set[tuple[str, str]]]:
    """Keys bound to actions that differ in both name and description (`r` "Refresh" reloads the contact,
    and on the Social tab the feeds too: one meaning; `n` is new_note as "Note" and as "New note")."""
    out = {}
    for key, pairs in found.items():
        actions = {action for action, _ in pairs}
        descriptions = {description for _, description in pairs}
        if key not in CONTEXTUAL and len(actions) > 1 and len(descriptions) > 1:
            out[key] = pairs
    return out


async def test_every_key_of_the_contact_page_means_one_thing(app_factory):
    app = app_factory(contact_id=1)  # Ada has every tab, the Map included
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        for key in "1234":  # each tab composes and loads its widgets when first shown
            await pilot.press(key)
            await settle(pilot)
        found = meanings(app.screen)
        assert {"m", "a", "p", "D"} <= found.keys()  # the page, the map widget, the Social tab: all walked
        assert clashes(found) == {}


def test_a_clash_is_found() -> None:
    found = {"m": {("chart('month')", "Monthly"), ("focus_map", "Map")}, "n": {("new_note", "Note")}}
    assert clashes(found) == {"m": found["m"]}
