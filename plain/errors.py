"""The one kind of error a user can cause and fix, shared by every layer.

Each layer's own errors (a database that cannot be opened, an unknown contact, a mail server that refused)
subclass `UserError`; its message is one sentence for the user. The CLI prints it as one `dossier:` line
with exit code 1; the app shows it in a toast or in the dialog that caused it.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure the user can fix (bad input, a missing file, a server that said no); one sentence."""
