"""The commands of `dossier`, gathered from `cli/commands/`, and the parser built from them.

Each module in `cli/commands/` exports `COMMANDS`, a tuple of `Command`s: its name, its help, how it adds its
arguments and how it runs. Adding a command is one entry there; adding a family of commands is one module.
One command is the default: `dossier [CONTACT]` runs it when the first word is not a command's name.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cli.commands


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    default: bool = False  # run when no command is named: `dossier [CONTACT]`


def commands() -> tuple[Command, ...]:
    """Every command of every module in `cli/commands/`, in module order then as each module lists them."""
    found: list[Command] = []
    # The folder's .py files, as pkgutil.iter_modules would list them (it costs more to import than this).
    names = {path.stem for folder in cli.commands.__path__ for path in Path(folder).glob("*.py")} - {"__init__"}
    for module in sorted(names):
        found += importlib.import_module(f"cli.commands.{module}").COMMANDS
    return tuple(found)


class _AnyWord:
    """Where argparse checks the first word against the commands: any word passes (see `_DefaultCommand`)."""

    def __contains__(self, key: object) -> bool:
        return True


class _DefaultCommand(argparse._SubParsersAction):
    """Subcommands where a first word that names none is given to the default command instead.

    argparse calls this action with the first positional word and everything after it; `dossier 42` and
    `dossier --db x ada@example.com` become `dossier open 42` and `dossier open --db x ada@example.com`.
    """

    default_command = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # typeshed declares a subparsers action's choices as its name -> parser dict; argparse only asks `in` of them.
        self.choices = _AnyWord()  # type: ignore[assignment]

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option=None):
        if values and values[0] not in self._name_parser_map:
            values = [self.default_command, *values]
        super().__call__(parser, namespace, values, option)


def build_parser(found: Sequence[Command], argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The `dossier` parser: one subcommand per command; `command` in the result is the `Command` to run.

    Given the `argv` it will parse, and when that names a command, it holds that command's subparser only:
    argparse builds the help of each of the thirty-odd subparsers as it adds it, which would be a large part
    of what `dossier search` takes. The answer to `argv` is the same either way.
    """
    default = next(c for c in found if c.default)
    named = _named(argv, {c.name for c in found}) if argv is not None else None
    if named is not None:
        found = [c for c in found if c.name == named]
    parser = argparse.ArgumentParser(
        prog="dossier",
        description="A keyboard-driven terminal CRM. With no command, or a contact (id or email), it opens the app.",
        epilog="Each command has its own help: dossier COMMAND -h.",
    )
    parser.register("action", "commands", _DefaultCommand)
    # Given before the command, --db applies to it too (`dossier --db crm.db 42`).
    parser.add_argument("--db", type=_target, default=argparse.SUPPRESS, help="database file or postgresql:// URL")
    sub = parser.add_subparsers(action="commands", dest="command_name", metavar="COMMAND")
    sub.default_command = default.name  # type: ignore[attr-defined]
    for command in found:
        child = sub.add_parser(command.name, help=command.help, description=command.help)
        command.arguments(child)
        child.set_defaults(command=command)
    parser.set_defaults(command=default)
    return parser


def _named(argv: Sequence[str], names: set[str]) -> str | None:
    """The command `argv` names as its first word (after a leading `--db VALUE`); None when it names none, or
    when its first word is an option the full parser must judge (`-h`, `--db=…`)."""
    words = list(argv)
    while words[:1] == ["--db"]:
        words = words[2:]
    if words and words[0] in names:
        return words[0]
    return None


def _target(value: str) -> Any:
    from store.db import as_target

    return as_target(value)


def db_option(parser: argparse.ArgumentParser, *, help: str | None = None) -> None:
    """Add `--db PATH|URL` to a command (default: `$DOSSIER_DB`, else the user data dir)."""
    parser.add_argument(
        "--db",
        type=_target,
        default=argparse.SUPPRESS,
        help=help or "database file or postgresql:// URL (default: $DOSSIER_DB or the user data dir)",
    )
