"""`wiredesk ingest --once` and files dropped a moment before it runs.

A poller that skips a file still being written takes it at its next poll; a one-off run has
no next poll, so it waits for such a file to settle (up to the settle time) and takes it, and
names what it still leaves behind instead of reporting "0 new payloads" as if nothing were
there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    "<link>https://t.example/</link><description>d</description><item>"
    "<title>ताज़ा ख़बर</title><guid>fresh-1</guid><description>&lt;p&gt;पाठ।&lt;/p&gt;"
    "</description></item></channel></rss>"
)


def _site(tmp_path: Path) -> Path:
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "wiredesk.toml"
    config.write_text(
        '[site]\nname = "t"\nlanguage = "hi"\ndata_dir = "data"\n'
        '[[sources]]\nid = "drop"\nname = "Drop"\nfolder = "inbox"\n',
        encoding="utf-8",
    )
    return config


def _once(config: Path) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "wiredesk.cli.main", "ingest", "--once", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_a_file_dropped_just_before_the_run_is_taken(tmp_path: Path) -> None:
    config = _site(tmp_path)
    dropped = tmp_path / "inbox" / "latest.xml"
    dropped.write_text(RSS, encoding="utf-8")  # modified now: it may still be being written
    out = _once(config)
    assert "drop: ok, 1 new payload, 1 new story" in out
    assert not dropped.exists() and (tmp_path / "inbox" / "processed" / "latest.xml").exists()


def test_a_file_still_being_written_is_named_and_left_for_the_next_run(tmp_path: Path) -> None:
    config = _site(tmp_path)
    writing = tmp_path / "inbox" / "big.xml"
    writing.write_text(RSS[:120], encoding="utf-8")
    later = time.time() + 3600  # its writer keeps touching it: it never settles in this run
    os.utime(writing, (later, later))
    out = _once(config)
    assert "drop: ok, 0 new payloads" in out
    assert "1 file still being written, left for the next run" in out
    assert writing.exists()  # neither taken half-written nor moved to failed/
