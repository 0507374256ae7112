"""Whether the user's terminal shows Unicode, decided once from the environment it gave us.

A terminal does not say what it can show; its locale does. The first of LC_ALL, LC_CTYPE and LANG that is set
names it, and its character set (the part after the dot: `en_US.UTF-8`) is UTF-8 or it is not. `C`, `POSIX`,
nothing at all, or `de_DE.ISO-8859-1` mean ASCII is all we may send.

Python itself hides this: in the C locale Python 3.7+ "coerces" it (PEP 538: it sets LC_CTYPE=C.UTF-8 in its
own environment) and turns on UTF-8 mode (PEP 540), so `sys.stdout.encoding` and a Rich console say utf-8
even under `LANG=C`. An LC_CTYPE of C.UTF-8 that we find together with UTF-8 mode, without the user asking for
UTF-8 mode (PYTHONUTF8, `-X utf8`), is Python's, not the user's: we skip it and read LANG.

`DOSSIER_CHARSET=ascii` or `=unicode` overrides the guess, either way.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from plain.errors import UserError

CHARSET_VARIABLE = "DOSSIER_CHARSET"
# What PEP 538 sets LC_CTYPE to, in the order Python tries them.
_COERCION_TARGETS = ("C.UTF-8", "C.utf8", "UTF-8")


class BadCharsetSetting(UserError):
    pass


def shows_unicode(environ: Mapping[str, str] | None = None, *, utf8_mode: bool | None = None) -> bool:
    """Whether the terminal can show Unicode (else: send ASCII only). Defaults: this process's environment
    and UTF-8 mode flag. Raises `BadCharsetSetting` for a DOSSIER_CHARSET that is neither value."""
    environ = os.environ if environ is None else environ
    utf8_mode = bool(sys.flags.utf8_mode) if utf8_mode is None else utf8_mode
    forced = environ.get(CHARSET_VARIABLE, "").strip().lower()
    if forced:
        if forced not in ("ascii", "unicode"):
            raise BadCharsetSetting(f"{CHARSET_VARIABLE} must be 'ascii' or 'unicode', not {forced!r}.")
        return forced == "unicode"
    if os.name == "nt":  # Windows terminals take Unicode through the console API whatever the code page
        return True
    return is_utf8_locale(user_locale(environ, utf8_mode=utf8_mode))


def user_locale(environ: Mapping[str, str], *, utf8_mode: bool) -> str:
    """The locale the user's environment names for character handling ("C" when it names none)."""
    user_asked_for_utf8_mode = "PYTHONUTF8" in environ or "utf8" in sys._xoptions
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = environ.get(name, "")
        coerced = name == "LC_CTYPE" and value in _COERCION_TARGETS and utf8_mode and not user_asked_for_utf8_mode
        if value and not coerced:
            return value
    return "C"


def is_utf8_locale(name: str) -> bool:
    """Whether a locale name (`en_US.UTF-8`, `C.utf8`, macOS's bare `UTF-8`) has UTF-8 for its character set."""
    codeset = name.split("@")[0]
    if "." in codeset:
        codeset = codeset.partition(".")[2]
    return codeset.lower().replace("-", "").replace("_", "") == "utf8"
