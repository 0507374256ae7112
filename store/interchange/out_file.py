"""Writing a file the user named, safely: only a regular file or a new path, never the database itself.

Every export that writes to a path goes through `output_file` (or `output_folder` for a folder of files):
- the database and its `-wal`, `-shm` and `-journal` files are refused, by name and by identity (a hard link
  or another spelling of the same file is the same file);
- a symbolic link, a device (`/dev/null`, `/dev/stdout`), a named pipe or a socket is refused: the file is
  written beside its target first and renamed over it, and a rename would replace the link or the device
  node itself;
- the new content goes to a temporary file in the same folder, created readable by its owner only (0600),
  and replaces the target only once it is complete, so a failed export leaves an earlier file as it was.
  An existing file keeps its permissions.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine

from plain.errors import UserError

SIBLINGS = ("-wal", "-shm", "-journal")


class OutputError(UserError):
    """A path that will not be written; the message is one sentence for the user."""


def database_files(target: Engine | Path | str | None) -> tuple[Path, ...]:
    """The files of a SQLite database (an engine on it, or its path) that no export may write; () otherwise."""
    if isinstance(target, Engine):
        if target.dialect.name != "sqlite" or not target.url.database:
            return ()
        target = target.url.database
    if target is None or (isinstance(target, str) and "://" in target):
        return ()
    path = Path(target).expanduser().absolute()
    return (path, *(path.with_name(path.name + suffix) for suffix in SIBLINGS))


def _same(path: Path, protected: Path) -> bool:
    try:
        return os.path.samefile(path, protected)
    except OSError:  # one of them does not exist: compare where their names lead
        return path.parent.resolve() / path.name == protected.parent.resolve() / protected.name


def check_output(path: Path, *, protect: Iterable[Path] = (), folder: bool = False) -> Path:
    """The absolute path to write, after refusing what must not be written (`OutputError`).

    `folder` asks for a folder (existing, or new) instead of a file.
    """
    path = Path(path).expanduser().absolute()
    for protected in protect:
        if _same(path, protected):
            raise OutputError(f"{path} is Dossier's database; choose another file to write to.")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc.strerror}.") from exc
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputError(
                f"{path} is a symbolic link; Dossier does not write through links, so name the file itself."
            )
        if folder and not stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{path} is not a folder.")
        if not folder and stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{path} is a folder; name a file to write.")
        if not folder and not stat.S_ISREG(info.st_mode):
            raise OutputError(
                f"{path} is not a regular file (a device, pipe or socket); Dossier writes only to regular files."
            )
    if not folder and not path.parent.is_dir():
        raise OutputError(f"The folder {path.parent} does not exist.")
    return path


@contextmanager
def output_file(path: Path, *, protect: Iterable[Path] = (), newline: str | None = "") -> Iterator[TextIO]:
    """A UTF-8 text stream whose content replaces `path` when the block ends without an error.

    `protect` lists files that must never be written (`database_files(engine)`); `OutputError` for them, for
    anything that is not a regular file or a new path, and for a missing folder. OSError from writing.
    """
    with _replacing(path, tuple(protect)) as fd, open(fd, "w", encoding="utf-8", newline=newline) as stream:
        yield stream
        stream.flush()
        os.fsync(fd)


def write_bytes(path: Path, data: bytes, *, protect: Iterable[Path] = ()) -> None:
    """Write `data` to `path` as `output_file` writes text (same refusals, same all-or-nothing replace)."""
    with _replacing(path, tuple(protect)) as fd, open(fd, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(fd)


@contextmanager
def _replacing(path: Path, protect: tuple[Path, ...]) -> Iterator[int]:
    """A descriptor on a new 0600 file beside `path` (the caller closes it); renamed over `path` at the end."""
    path = check_output(path, protect=protect)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with suppress(FileNotFoundError):
            os.fchmod(fd, stat.S_IMODE(os.stat(path).st_mode))  # an existing file keeps its permissions
        yield fd
        # Checked again just before the rename: the path may have become something else meanwhile.
        check_output(path, protect=protect)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def output_folder(path: Path, *, protect: Iterable[Path] = ()) -> Path:
    """An existing folder, or a new one readable by its owner only (0700); `OutputError` for anything else."""
    path = check_output(path, protect=protect, folder=True)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot make the folder {path}: {exc.strerror}.") from exc
    return path
