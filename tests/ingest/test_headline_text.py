"""Tag-like text in a title reaches the site as the agency wrote it (issue 12, must-have 2):
the parser reads the title's markup by its format's rules, and nothing after it reads the
plain text as HTML again."""

from __future__ import annotations

from pathlib import Path

from wiredesk.config import parse_settings
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport, utcnow
from wiredesk.store.database import Database
from wiredesk.store.public.reader import PublicReader

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:t</id>
<updated>2026-01-01T00:00:00Z</updated>
<entry><id>urn:t:1</id><title type="text">if a &lt;b&gt; c</title>
<updated>2026-01-01T00:00:00Z</updated><content type="html">&lt;p&gt;one&lt;/p&gt;</content></entry>
<entry><id>urn:t:2</id><title type="html">Use &amp;lt;p&amp;gt; for paragraphs</title>
<updated>2026-01-01T00:01:00Z</updated><content type="html">&lt;p&gt;two&lt;/p&gt;</content></entry>
</feed>"""


def test_tag_like_text_in_titles_is_stored_and_listed_as_written(
    tmp_path: Path, db_url: str
) -> None:
    settings = parse_settings(
        {
            "site": {"language": "en", "base_url": "https://news.example", "database": db_url},
            "sources": [{"id": "wire", "name": "Wire", "push_token": "t" * 24}],
        },
        tmp_path / "wiredesk.toml",
    )
    store = Database.open(db_url)
    try:
        env = Envelope("wire", ATOM, Transport.PUSH, "push")
        assert accept(settings, store, settings.sources[0], env).error is None
        listed = PublicReader(store).list_copies(utcnow(), limit=10)
    finally:
        store.close()
    assert {c.headline for c in listed} == {"if a <b> c", "Use <p> for paragraphs"}
