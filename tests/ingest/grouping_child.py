"""A process that ingests the copies it is told to, for tests of grouping across processes.

`python -m tests.ingest.grouping_child <site folder> <database url>` opens the store as a new
process does (its own syndication index, loaded in the background with the process's write
lock), prints "ready" once the index is loaded, then for each line on stdin (a copy as JSON,
`line_of`) ingests it as a push, through the path every payload takes, and prints "sent".
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import datetime
from pathlib import Path

from tests.ingest.grouping_support import Copy, restarted, send, settings_for
from wiredesk.ingest import grouping


def line_of(copy: Copy, arrived: datetime) -> str:
    """The line that tells the child to ingest `copy`, arrived at `arrived`."""
    return (
        json.dumps(
            {
                "source": copy.source,
                "guid": copy.guid,
                "paragraphs": list(copy.paragraphs),
                "published": copy.published.isoformat(),
                "headline": copy.headline,
                "arrived": arrived.isoformat(),
            },
            ensure_ascii=False,
        )
        + "\n"
    )


def main(folder: str, db_url: str) -> None:
    site = settings_for(Path(folder), db_url)
    db = restarted(db_url)
    lock = threading.Lock()
    grouping.load_in_background(db, lock, quiet=True)
    grouping.finish_loading(db)  # loaded: from here on it only catches up
    print("ready", flush=True)
    for line in sys.stdin:
        told = json.loads(line)
        copy = Copy(
            told["source"],
            told["guid"],
            told["paragraphs"],
            datetime.fromisoformat(told["published"]),
            told["headline"],
        )
        with lock:
            send(site, db, copy, datetime.fromisoformat(told["arrived"]))
        print("sent", flush=True)
    db.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
