"""Running a `dossier` command in the test process, as `cli.main` does but letting errors propagate."""

from __future__ import annotations

from cli.registry import build_parser, commands


def run_command(*argv: object) -> int:
    """Parse `argv` and run the command; an error is raised for the test to check, not printed."""
    args = build_parser(commands()).parse_args([str(arg) for arg in argv])
    return args.command.run(args) or 0
