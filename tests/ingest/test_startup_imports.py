"""A drop-folder ingest loads only what it uses: no HTTP stack (httpx and a TLS context that
parses the CA bundle), no numpy where the C extension is built, no feedparser for feeds
fastfeedparser reads. Each was a sizeable part of `wiredesk ingest --once`'s start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ingest.test_polling import ONE, TWO, rss
from wiredesk.syndication import token_ids

SCRIPT = """
import json, sys
from pathlib import Path
from wiredesk.config import parse_settings
from wiredesk.ingest.polling import ingest_once
from wiredesk.store.database import Database

root = Path(sys.argv[1])
settings = parse_settings(
    {
        "site": {"name": "t", "language": "hi", "data_dir": str(root / "data")},
        "sources": [{"id": "ians", "name": "IANS", "folder": str(root / "inbox")}],
    },
    root / "wiredesk.toml",
)
db = Database.open(settings.site.database)
reports = ingest_once(settings, db)
db.close()
print(json.dumps({"stories": reports[0].new_stories, "modules": sorted(sys.modules)}))
"""


def test_a_folder_ingest_loads_no_http_stack_numpy_or_feedparser(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    feed = inbox / "feed.xml"
    feed.write_bytes(rss(ONE, TWO))
    old = feed.stat().st_mtime - 60  # settled: not a file still being written
    os.utime(feed, (old, old))
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["stories"] == 2
    loaded = set(result["modules"])
    assert "httpx" not in loaded
    assert "feedparser" not in loaded
    if token_ids.NATIVE:
        assert "numpy" not in loaded


CLI = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules))))
sys.argv = ["wiredesk", "ingest", "--once", "--config", sys.argv[1]]
from wiredesk.cli.main import main
main()
"""


def test_ingest_once_from_the_command_line_loads_no_web_server(tmp_path: Path) -> None:
    """`wiredesk ingest --once` opens the store without the site's server (uvicorn, Starlette)
    that `run` and `serve` need."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    feed = inbox / "feed.xml"
    feed.write_bytes(rss(ONE, TWO))
    old = feed.stat().st_mtime - 60
    os.utime(feed, (old, old))
    config = tmp_path / "wiredesk.toml"
    config.write_text(
        '[site]\nname = "t"\nlanguage = "hi"\ndata_dir = "data"\n'
        '[[sources]]\nid = "ians"\nname = "IANS"\nfolder = "inbox"\n',
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-c", CLI, str(config)], capture_output=True, text=True, check=True
    )
    assert "2 new stories" in out.stdout
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "wiredesk.store.database" in loaded
    assert not {"uvicorn", "starlette", "wiredesk.runtime.embedded"} & loaded
