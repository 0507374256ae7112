"""The contact page's tabs: every module here defines one `ContactTab` subclass; the page shows them in
`ORDER`, with their keys, and loads each when it is first shown. Adding a tab is adding a module."""

from __future__ import annotations

import importlib
import pkgutil

from tui.contact.tabs.base import ContactTab


def tab_classes() -> list[type[ContactTab]]:
    """Every tab class defined in this package, in the order the page shows them."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return sorted(_subclasses(ContactTab), key=lambda tab: tab.ORDER)


def _subclasses(cls: type[ContactTab]) -> list[type[ContactTab]]:
    found: list[type[ContactTab]] = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith(__name__ + "."):
            found.append(sub)
        found += _subclasses(sub)
    return found
