"""RSS 2.0, RSS 1.0/RDF and Atom 1.0 become the same `Item`s, in Hindi as in English."""

from __future__ import annotations

from datetime import UTC, datetime

import fastfeedparser
import pytest

from wiredesk.errors import FormatError
from wiredesk.formats import parse, parse_payload
from wiredesk.model import Envelope, Transport

HEADLINE_HI = "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति तोकायेव से मुलाकात की"
LEAD_HI = (
    "चीनी राष्ट्रपति शी चिनफिंग ने 5 फरवरी को पेइचिंग के जन बृहद भवन में "
    "कजाकिस्तान के राष्ट्रपति कसीम जोमार्ट तोकायेव से मुलाकात की।"
)
CREDIT_HI = "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"

RSS_HI = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>आईएएनएस हिंदी</title>
  <link>https://ians.example/</link>
  <description>समाचार</description>
  <language>hi</language>
  <item>
    <title>{HEADLINE_HI}</title>
    <link>https://ians.example/xi-tokayev</link>
    <guid isPermaLink="false">ians-2022-02-05-001</guid>
    <pubDate>Sat, 05 Feb 2022 15:30:00 +0530</pubDate>
    <dc:creator>आईएएनएस</dc:creator>
    <category>विदेश</category>
    <category>चीन</category>
    <description>शीतकालीन ओलंपिक के दौरान दोनों नेताओं की भेंट</description>
    <content:encoded><![CDATA[<p>{LEAD_HI}</p><p>{CREDIT_HI}</p>]]></content:encoded>
  </item>
  <item>
    <title>दूसरी खबर</title>
    <link>https://ians.example/second</link>
    <pubDate>not a date at all</pubDate>
    <author>desk@ians.example (राहुल शर्मा)</author>
    <description>&lt;p&gt;केवल विवरण&lt;/p&gt;</description>
  </item>
</channel>
</rss>""".encode()

RDF_EN = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://wire.example/">
    <title>Wire &amp; Co</title>
    <link>https://wire.example/</link>
    <description>English wire</description>
    <dc:language>en-GB</dc:language>
  </channel>
  <item rdf:about="https://wire.example/a">
    <title>Ministers meet in Beijing</title>
    <link>https://wire.example/a</link>
    <description>Talks on &lt;b&gt;trade&lt;/b&gt; and energy.</description>
    <dc:date>2022-02-05T10:00:00Z</dc:date>
    <dc:creator>Jane Doe</dc:creator>
    <dc:subject>Politics</dc:subject>
  </item>
</rdf:RDF>"""

ATOM_MIXED = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="hi">
  <title>वायर</title>
  <id>urn:wire</id>
  <updated>2022-02-05T12:00:00Z</updated>
  <entry>
    <id>urn:wire:1</id>
    <title type="html">&lt;b&gt;{HEADLINE_HI}&lt;/b&gt; &amp;amp; अन्य</title>
    <link rel="alternate" href="https://wire.example/1"/>
    <published>2022-02-05T15:30:00+05:30</published>
    <updated>2022-02-06T08:00:00+05:30</updated>
    <author><name>संवाददाता</name><email>desk@wire.example</email></author>
    <category term="world" label="दुनिया"/>
    <summary>छोटा सारांश</summary>
    <content type="html">&lt;p&gt;{LEAD_HI}&lt;/p&gt;</content>
  </entry>
  <entry>
    <id>urn:wire:2</id>
    <title>Plain text story</title>
    <updated>2022-02-05T10:00:00Z</updated>
    <content type="text">First paragraph &lt;not a tag&gt;.

Second paragraph,
with a line break.</content>
  </entry>
  <entry>
    <id>urn:wire:3</id>
    <updated>2022-02-05T10:00:00Z</updated>
  </entry>
</feed>""".encode()


def test_hindi_rss_maps_every_field() -> None:
    result = parse_payload(RSS_HI)
    assert (result.format, result.title, result.language) == ("rss", "आईएएनएस हिंदी", "hi")
    first, _second = result.items
    assert first.guid == "ians-2022-02-05-001"
    assert first.headline == HEADLINE_HI
    assert first.body_html == f"<p>{LEAD_HI}</p><p>{CREDIT_HI}</p>"
    assert first.summary == "शीतकालीन ओलंपिक के दौरान दोनों नेताओं की भेंट"
    assert first.link == "https://ians.example/xi-tokayev"
    assert first.published_at == datetime(2022, 2, 5, 10, 0, tzinfo=UTC)
    assert first.language == "hi"  # the channel's <language>, which fastfeedparser drops
    assert first.byline == "आईएएनएस"
    assert first.categories == ["विदेश", "चीन"]
    assert (first.format, first.version) == ("rss", None)


def test_rss_item_without_guid_or_date_still_gets_an_id_and_no_crash() -> None:
    second = parse_payload(RSS_HI).items[1]
    assert second.guid == "https://ians.example/second"  # the link stands in for a guid
    assert second.published_at is None and second.updated_at is None
    assert second.byline == "राहुल शर्मा"  # from "desk@ians.example (राहुल शर्मा)"
    assert second.body_html == "<p>केवल विवरण</p>"
    assert second.summary == ""  # the description is the body; not repeated as a summary


def test_rdf_in_english() -> None:
    result = parse_payload(RDF_EN)
    assert (result.format, result.title, result.language) == ("rdf", "Wire & Co", "en-GB")
    [item] = result.items
    assert item.guid == "https://wire.example/a"
    assert item.headline == "Ministers meet in Beijing"
    assert item.body_html == "Talks on <b>trade</b> and energy."
    assert item.published_at == datetime(2022, 2, 5, 10, 0, tzinfo=UTC)
    assert item.byline == "Jane Doe"
    assert item.categories == ["Politics"]
    assert item.language == "en-GB"


def test_atom_html_title_becomes_plain_text_and_times_become_utc() -> None:
    result = parse_payload(ATOM_MIXED)
    assert (result.format, result.title, result.language) == ("atom", "वायर", "hi")
    first = result.items[0]
    assert first.headline == f"{HEADLINE_HI} & अन्य"
    assert first.body_html == f"<p>{LEAD_HI}</p>"
    assert first.summary == "छोटा सारांश"
    assert first.published_at == datetime(2022, 2, 5, 10, 0, tzinfo=UTC)
    assert first.updated_at == datetime(2022, 2, 6, 2, 30, tzinfo=UTC)
    assert first.byline == "संवाददाता"
    assert first.categories == ["world"]
    assert first.language == "hi"


def test_atom_text_content_becomes_escaped_paragraphs() -> None:
    second = parse_payload(ATOM_MIXED).items[1]
    assert second.body_html == (
        "<p>First paragraph &lt;not a tag&gt;.</p><p>Second paragraph,<br>\nwith a line break.</p>"
    )
    assert second.published_at == datetime(2022, 2, 5, 10, 0, tzinfo=UTC)  # from <updated>


def test_an_empty_entry_is_skipped_with_a_problem_and_the_rest_continue() -> None:
    result = parse_payload(ATOM_MIXED)
    assert [i.guid for i in result.items] == ["urn:wire:1", "urn:wire:2"]
    assert result.problems == ["entry 3 (urn:wire:3): no title and no content; skipped"]


def test_entry_without_id_or_link_gets_a_stable_hash_id() -> None:
    payload = b"""<rss version="2.0"><channel><title>t</title>
      <item><title>Same story</title><description>x</description>
        <pubDate>Sat, 05 Feb 2022 10:00:00 GMT</pubDate></item>
      <item><title>Other story</title><description>x</description></item>
    </channel></rss>"""
    first = parse_payload(payload).items
    again = parse_payload(payload).items
    assert first[0].guid.startswith("urn:wiredesk:sha256:")
    assert [i.guid for i in first] == [i.guid for i in again]
    assert first[0].guid != first[1].guid


def test_html_named_entities_are_not_lost() -> None:
    # XML does not define &nbsp; or &mdash;; libxml2 would drop them and the text after them.
    payload = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        b"<title>Delhi&nbsp;&mdash; Mumbai &amp; Pune</title><description>d</description>"
        b"</item></channel></rss>"
    )
    assert parse_payload(payload).items[0].headline == "Delhi — Mumbai & Pune"


def test_fallback_reads_an_rss_without_channel_that_fastfeedparser_rejects() -> None:
    payload = f"""<rss version="2.0"><language>hi</language>
      <item><title>{HEADLINE_HI}</title><guid>g1</guid>
      <description>{LEAD_HI}</description></item></rss>""".encode()
    with pytest.raises(ValueError):
        fastfeedparser.parse(payload)  # the premise: the fast parser cannot read this
    [item] = parse_payload(payload).items
    assert (item.guid, item.headline, item.format) == ("g1", HEADLINE_HI, "rss")
    assert LEAD_HI in item.body_html


def test_fallback_reads_windows_1252_that_claims_to_be_utf8() -> None:
    payload = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>“Quoted” café</title><description>d</description></item>"
        "</channel></rss>"
    ).encode("cp1252")
    assert parse_payload(payload).items[0].headline == "“Quoted” café"


def test_utf16_hindi_feed() -> None:
    payload = RSS_HI.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    result = parse_payload(payload)
    assert result.items[0].headline == HEADLINE_HI
    assert result.language == "hi"


def test_external_entities_are_never_resolved(tmp_path) -> None:
    """A reference to an external entity refuses the document (never fetched, and a story
    with a hole where it was is not published); unreferenced, it is just dropped."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    payload = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title>'
        "<item><title>a &xxe; b</title><description>d</description></item></channel></rss>"
    ).encode()
    with pytest.raises(FormatError, match=r"&xxe;.* external .* never fetched") as refused:
        parse_payload(payload)
    assert "TOP-SECRET" not in str(refused.value)
    [item] = parse_payload(payload.replace(b"&xxe;", b"")).items
    assert item.headline == "a b"


def test_payload_that_is_not_a_feed_raises_format_error_naming_the_location() -> None:
    envelope = Envelope(
        source_id="ians",
        payload=b"<!DOCTYPE html><html><body>Login</body></html>",
        transport=Transport.HTTP,
        location="https://ians.example/feed",
        content_type="text/html",
    )
    with pytest.raises(FormatError, match=r"^https://ians.example/feed: not a feed: looks like"):
        parse(envelope)


def test_broken_xml_with_no_entries_raises_format_error() -> None:
    with pytest.raises(FormatError, match="not a readable rss feed"):
        parse_payload(b'<rss version="2.0" <<<>>> &&& </rss')


def test_feed_with_no_items_is_an_empty_result_not_an_error() -> None:
    result = parse_payload(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    assert (result.title, result.items, result.problems) == ("Quiet", [], [])


def test_relative_links_are_made_absolute_against_the_feed_url() -> None:
    payload = (
        b'<rss version="2.0"><channel><title>t</title><item><title>x</title>'
        b"<link>/story/7</link><description>d</description></item></channel></rss>"
    )
    envelope = Envelope(
        source_id="s", payload=payload, transport=Transport.HTTP, location="https://a.example/f"
    )
    assert parse(envelope).items[0].link == "https://a.example/story/7"


def test_an_explicit_format_is_used_and_an_unknown_one_refused() -> None:
    envelope = Envelope(source_id="s", payload=RDF_EN, transport=Transport.FILE, location="/in/a")
    assert parse(envelope, "rdf").items[0].format == "rdf"
    with pytest.raises(FormatError, match="unknown format 'xml'"):
        parse(envelope, "xml")
