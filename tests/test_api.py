"""The library surface a developer uses without a site: `wiredesk.parse` and friends."""

from __future__ import annotations

import pytest

import wiredesk
from tests import fixture_files

SEED_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>आईएएनएस</title><link>https://wire.example/</link>
<description>d</description><language>hi</language>
<item><guid isPermaLink="false">ians-1</guid>
<title>शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति से मुलाकात की</title>
<link>/hindi/ians-1</link><pubDate>Sat, 05 Feb 2022 17:30:00 +0530</pubDate>
<description><![CDATA[{body}]]></description></item>
<item><guid isPermaLink="false">ians-2</guid><title>दूसरी खबर</title>
<description>&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;पाठ।&lt;/p&gt;</description></item>
</channel></rss>"""


def seed_feed() -> bytes:
    paras = [p for p in fixture_files.SEED.read_text("utf-8").split("\n") if p.strip()]
    body = "".join(f"<p>{p}</p>" for p in paras)
    return SEED_RSS.replace("{body}", body).encode("utf-8")


def test_parse_gives_the_items_as_wiredesk_would_store_them() -> None:
    items = wiredesk.parse(seed_feed(), location="https://wire.example/feed.xml")
    assert [i.guid for i in items] == ["ians-1", "ians-2"]
    seed = items[0]
    assert isinstance(seed, wiredesk.Item)
    assert seed.credit_line == "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"
    assert seed.originator == "चाइना मीडिया ग्रुप, पेइचिंग"
    assert seed.upstream_source == "IANS"
    assert "साभार" not in seed.body_html and "डिस्क्लेमर" not in seed.body_html
    assert seed.language == "hi"
    assert seed.link == "https://wire.example/hindi/ians-1"  # made absolute from location
    assert seed.published_at is not None and seed.published_at.utcoffset() is not None
    assert "<script" not in items[1].body_html and "पाठ।" in items[1].body_text


def test_parse_document_names_the_format_and_an_unreadable_document_raises() -> None:
    parsed = wiredesk.parse_document(seed_feed())
    assert parsed.format == "rss" and len(parsed.items) == 2
    with pytest.raises(wiredesk.FormatError):
        wiredesk.parse(b"this is not a feed at all")


def test_an_iptc_example_parses_through_the_library() -> None:
    data = (fixture_files.NEWSML_G2 / "LISTING_2_NewsML-G2_Text_Document.xml").read_bytes()
    parsed = wiredesk.parse_document(data, location="LISTING_2.xml")
    assert parsed.format == "newsml-g2"
    assert parsed.items and all(i.headline for i in parsed.items)
