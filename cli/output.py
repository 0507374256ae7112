"""One rule for what `dossier` prints, whatever the locale (README "Plain terminals"):

- to a terminal that shows Unicode (`plain.terminal`): as it is;
- to a terminal that does not: ASCII only. Text is transliterated (José Núñez -> Jose Nunez, 山田 -> Shantian)
  by the stream's encoder, so nothing printed can slip through; JSON uses \\u escapes, so it stays exact;
- to a pipe or a file: UTF-8, as every file Dossier writes, even where the locale says otherwise (Python would
  otherwise stop on the first name its locale's character set lacks, with a traceback).
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO


def prepare_output(unicode: bool) -> None:
    """Set standard output and error up by the rule above, once, before anything is printed."""
    from plain.ascii import ascii_stream

    for stream in (sys.stdout, sys.stderr):
        if not hasattr(stream, "reconfigure"):
            continue  # replaced by a caller (a test's capture): it decides
        if stream.isatty():
            if not unicode:
                ascii_stream(stream, cells=False)
        elif (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.flush()
            stream.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]


def print_json(document: Any, stream: TextIO | None = None) -> None:
    """Print one JSON document: UTF-8 text, or \\u escapes where the output is ASCII only."""
    stream = sys.stdout if stream is None else stream
    ascii_only = (stream.encoding or "").lower() in ("ascii", "us-ascii")
    print(json.dumps(document, ensure_ascii=ascii_only, indent=2), file=stream)
