"""Run in a fresh process by `bench.mautic_sync`, so the sync shares neither the fake Mautic's process nor its GIL
(a real Mautic is another machine) and its peak memory is its own.

    python -m bench.mautic_child sync URL DB NOW     one sync_mautic run into DB, as of NOW (ISO), timed
    python -m bench.mautic_child replay URL FILE     the GET requests listed in FILE (JSON), fetched and decoded

Prints one JSON line: `seconds` (the timed part only: imports and opening the database come first),
`requests` (HTTP requests sent) and `rss_mb` (peak resident memory); a sync adds its summary's counts.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from typing import Any

from bench.start_child import peak_rss_mb

USER, PASSWORD = "api", "secret"


def sync(url: str, db: str, now: str) -> dict[str, Any]:
    from services.mautic import MauticClient
    from store.db import open_database
    from store.interchange.mautic_sync import source_name, sync_mautic

    engine = open_database(db)
    try:
        with MauticClient(url, USER, PASSWORD, timeout=300) as source:
            start = time.perf_counter()
            summary = sync_mautic(engine, source, origin=source_name(url), now=datetime.fromisoformat(now))
            seconds = time.perf_counter() - start
            requests = source.requests
    finally:
        engine.dispose()
    counts = ("created", "updated", "unchanged", "events", "notes", "deleted", "merged", "total")
    report = {name: getattr(summary, name) for name in counts}
    return {"seconds": seconds, "requests": requests, "failed": summary.failed[:10], **report}


def replay(url: str, listing: str) -> dict[str, Any]:
    """The floor of a sync: the very requests it sent, answered by the same fake, with nothing stored."""
    import httpx

    with open(listing, encoding="utf-8") as f:
        uris = json.load(f)
    with httpx.Client(base_url=url, auth=(USER, PASSWORD), timeout=300) as client:
        start = time.perf_counter()
        for uri in uris:
            response = client.get(uri)
            if response.status_code >= 500:
                raise SystemExit(f"the fake answered {response.status_code} to {uri}")
            json.loads(response.content)  # a 404 (a contact gone) is an answer the sync reads too
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "requests": len(uris)}


def main(argv: list[str]) -> None:
    mode, *args = argv
    report = sync(*args) if mode == "sync" else replay(*args)
    sys.__stdout__.write(json.dumps({**report, "rss_mb": peak_rss_mb()}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
