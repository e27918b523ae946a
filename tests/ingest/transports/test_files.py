"""`file://` feeds and drop folders, on real files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from wiredesk.config import SourceSettings
from wiredesk.errors import SourceError
from wiredesk.ingest.transports import files


def file_source(path: Path) -> SourceSettings:
    return SourceSettings(id="wire", name="Wire", url=path.as_uri())


def folder_source(path: Path) -> SourceSettings:
    return SourceSettings(id="drop", name="Drop", folder=path)


def age(path: Path, seconds: float = 10) -> None:
    """Make a file look like its writer finished a while ago."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_file_url_is_read_then_skipped_while_unchanged(tmp_path: Path) -> None:
    feed = tmp_path / "feed.atom"
    feed.write_bytes(b"<feed/>")
    source = file_source(feed)
    first = files.read_file_url(source)
    assert first is not None and first.payload == b"<feed/>"
    assert first.location == str(feed)
    again = files.read_file_url(source, fingerprint=first.last_modified, content_hash=first.etag)
    assert again is None


def test_file_url_rewritten_with_same_bytes_is_not_new(tmp_path: Path) -> None:
    feed = tmp_path / "feed.atom"
    feed.write_bytes(b"<feed/>")
    source = file_source(feed)
    first = files.read_file_url(source)
    assert first is not None
    os.utime(feed, (time.time() + 5, time.time() + 5))  # touched, e.g. by a re-sync
    assert (
        files.read_file_url(source, fingerprint=first.last_modified, content_hash=first.etag)
        is None
    )


def test_file_url_with_new_content_is_read(tmp_path: Path) -> None:
    feed = tmp_path / "feed.atom"
    feed.write_bytes(b"<feed>1</feed>")
    source = file_source(feed)
    first = files.read_file_url(source)
    assert first is not None
    feed.write_bytes(b"<feed>two</feed>")
    second = files.read_file_url(source, fingerprint=first.last_modified, content_hash=first.etag)
    assert second is not None and second.payload == b"<feed>two</feed>"


def test_missing_file_url_says_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        files.read_file_url(file_source(tmp_path / "nope.xml"))
    assert "does not exist" in str(info.value) and "sources.wire.url" in str(info.value)


def test_missing_folder_says_what_to_fix(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        files.pending_files(folder_source(tmp_path / "inbox"))
    assert str(info.value) == (
        f"source 'drop': folder {tmp_path / 'inbox'} does not exist; "
        "create it or fix sources.drop.folder"
    )


def test_pending_skips_hidden_partial_and_fresh_files(tmp_path: Path) -> None:
    for name in ("b.xml", "a.xml", ".hidden.xml", "c.xml.tmp", "d.xml.part", "e.xml.error"):
        (tmp_path / name).write_text("x")
        age(tmp_path / name)
    age(tmp_path / "b.xml", 20)  # older: first in line
    (tmp_path / "being-written.xml").write_text("x")  # modified just now
    (tmp_path / "processed").mkdir()
    names = [p.name for p in files.pending_files(folder_source(tmp_path))]
    assert names == ["b.xml", "a.xml"]


def test_pictures_dropped_beside_the_stories_are_not_payloads(tmp_path: Path) -> None:
    """An agency delivering by FTP drops `flood.jpg` beside the XML that names it: the
    picture stays for the picture fetcher, and is never parsed and failed as a feed."""
    for name in ("story.xml", "flood.jpg", "MAP.PNG", "chart.webp", "anim.gif", "x.jpeg"):
        (tmp_path / name).write_text("x")
        age(tmp_path / name)
    assert [p.name for p in files.pending_files(folder_source(tmp_path))] == ["story.xml"]


def test_done_files_move_to_processed_with_clashes_suffixed(tmp_path: Path) -> None:
    for _ in range(2):
        f = tmp_path / "latest.xml"
        f.write_text("x")
        files.move_done(f)
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == [
        "latest.1.xml",
        "latest.xml",
    ]
    assert not (tmp_path / "latest.xml").exists()


def test_failed_files_move_to_failed_with_the_reason_beside_them(tmp_path: Path) -> None:
    f = tmp_path / "bad.xml"
    f.write_text("garbage")
    where = files.move_done(f, error="not a feed: text that is neither XML nor JSON")
    assert where == tmp_path / "failed" / "bad.xml"
    assert where.read_text() == "garbage"
    note = tmp_path / "failed" / "bad.xml.error"
    assert note.read_text(encoding="utf-8") == "not a feed: text that is neither XML nor JSON\n"


def test_a_dropped_file_is_claimed_once_and_a_later_claimer_finds_it_gone(
    tmp_path: Path,
) -> None:
    """Issue 13, item 5: two processes that both listed a file race to read it. The claim is
    one rename, so exactly one gets it; the other is told "gone" (None), not an error, and the
    claimed file is in no later listing of the folder. Moved on, the claim leaves no trace."""
    dropped = tmp_path / "story.xml"
    dropped.write_text("<rss/>")
    age(dropped)
    claimed = files.claim(dropped)
    assert claimed is not None and claimed.read_text() == "<rss/>"
    assert claimed.parent.parent == tmp_path / files.CLAIMED
    assert files.claim(dropped) is None  # the loser moves on
    assert files.scan(folder_source(tmp_path)) == ([], [])
    assert files.read_dropped(folder_source(tmp_path), claimed, dropped_as=dropped).location == (
        str(dropped)
    )  # the payload keeps the name it was dropped under
    files.move_done(claimed)
    assert (tmp_path / "processed" / "story.xml").exists()
    assert not [p for p in (tmp_path / files.CLAIMED).rglob("*") if p.name == "story.xml"]


def test_a_claimed_file_goes_back_to_its_folder_after_an_outage(tmp_path: Path) -> None:
    """A run that met a full disk puts back what it claimed, for the next run to read."""
    dropped = tmp_path / "story.xml"
    dropped.write_text("<rss/>")
    age(dropped)
    claimed = files.claim(dropped)
    assert claimed is not None
    assert files.release(claimed) == dropped
    assert [p.name for p in files.scan(folder_source(tmp_path))[0]] == ["story.xml"]
