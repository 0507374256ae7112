"""An option list that moves with the keys every list in Dossier has: `j` `k` down and up, `g` `G` to the
first and last (as History, the contact list and the switch lists do), besides the arrows, Home and End."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import OptionList


class ChoiceList(OptionList):
    """`OptionList` with the app's list keys; the vim aliases stay out of the footer."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="choice_list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="choice_list.up"),
        Binding("g", "first", "Top", show=False, id="choice_list.top"),
        Binding("G", "last", "Bottom", show=False, id="choice_list.bottom"),
    ]
