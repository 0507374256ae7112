"""`dossier`: parse the command line, run the command, and turn every failure a user can cause into one line."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run `dossier` with `argv` (default: the process's arguments); returns the exit code."""
    from cli.output import prepare_output
    from cli.registry import build_parser, commands
    from plain.terminal import shows_unicode

    argv = sys.argv[1:] if argv is None else argv
    try:
        prepare_output(shows_unicode())
        args = build_parser(commands(), argv).parse_args(argv)
        code = args.command.run(args) or 0
        sys.stdout.flush()  # inside the try: a reader that went away is noticed here, not at exit
        return code
    except BrokenPipeError:
        # `dossier search x --json | head`: the reader stopped reading, as Unix programs expect; no traceback.
        # Standard output is pointed at /dev/null so Python's own flush at exit has nowhere to fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        message = _user_message(exc)
        if message is None:
            raise
        from plain.literal import one_line

        print(f"dossier: {one_line(message)}", file=sys.stderr)
        return 1


def _user_message(exc: Exception) -> str | None:
    """The sentence for a failure the user can fix: any `UserError`, or the database going away mid-command."""
    from plain.errors import UserError

    if isinstance(exc, UserError):
        return str(exc)
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.DBAPIError):
        from store.db import describe_error

        return describe_error(exc)  # the server went away, a lock timed out, …
    return None


if __name__ == "__main__":
    sys.exit(main())
