"""Exactly what the wire said (issue 12): no headline or body cut short by markup, text decoded
as a browser decodes it, every body container read, dates that do not depend on the day the
feed is read, and the story's own link. Each case is the minimal document that showed it."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from wiredesk.formats import parse_payload
from wiredesk.formats.fields import plain_text
from wiredesk.model import Item

ATOM_NS = "http://www.w3.org/2005/Atom"


def rss(item: str, root_attrs: str = "", encoding: str = "utf-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        f'<rss version="2.0"{root_attrs}><channel><title>Wire</title>'
        "<link>https://wire.example/</link><description>d</description>"
        f"<item>{item}</item></channel></rss>"
    ).encode(encoding if encoding != "ascii" else "latin-1")


def atom(entry: str, feed_attrs: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="{ATOM_NS}"{feed_attrs}>'
        "<title>Wire</title><id>urn:wire</id><updated>2024-01-01T00:00:00Z</updated>"
        f"<entry><id>urn:wire:1</id>{entry}</entry></feed>"
    ).encode()


def only_item(payload: bytes) -> Item:
    [item] = parse_payload(payload).items
    return item


# --- 2. markup inside text never cuts it ---------------------------------------------------


def test_markup_inside_rss_title_and_description_is_kept_whole() -> None:
    item = only_item(
        rss(
            "<title>Breaking: <b>Fire</b> in city</title><guid>g1</guid>"
            "<description>Example <b>bold</b> tail</description>"
        )
    )
    assert item.headline == "Breaking: Fire in city"
    assert item.body_html == "Example <b>bold</b> tail"


@pytest.mark.parametrize("body_element", ["summary", "content"])
def test_markup_inside_atom_title_and_body_is_kept_whole(body_element: str) -> None:
    item = only_item(
        atom(
            "<title>Breaking: <b>Fire</b> in city</title>"
            "<updated>2024-01-01T00:00:00Z</updated>"
            f"<{body_element}>Example <b>bold</b> tail</{body_element}>"
        )
    )
    assert item.headline == "Breaking: Fire in city"
    assert "Example" in item.body_html and "bold" in item.body_html
    assert item.body_html.rstrip().endswith("tail")


@pytest.mark.parametrize("make", [rss, atom], ids=["rss", "atom"])
def test_html_title_is_unescaped_once(make: object) -> None:
    title = '<title type="html">Use &amp;lt;p&amp;gt; for paragraphs</title><guid>g</guid>'
    item = only_item(make(title))  # type: ignore[operator]
    assert item.headline == "Use <p> for paragraphs"


@pytest.mark.parametrize("make", [rss, atom], ids=["rss", "atom"])
def test_text_title_keeps_tag_like_text(make: object) -> None:
    item = only_item(make('<title type="text">if a &lt;b&gt; c</title><guid>g</guid>'))  # type: ignore[operator]
    assert item.headline == "if a <b> c"


# --- 3. encodings as browsers read them ----------------------------------------------------


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "ascii", "ISO-8859-1"])
def test_latin1_labelled_feed_is_read_as_windows_1252(label: str) -> None:
    payload = (
        f'<?xml version="1.0" encoding="{label}"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>It\x92s \x93quoted\x94</title><guid>g</guid>"
        "<description>It\x92s \x96 here</description></item></channel></rss>"
    ).encode("latin-1")
    item = only_item(payload)
    assert item.headline == "It’s “quoted”"
    assert item.body_html == "It’s – here"


def test_latin1_label_in_the_content_type_is_read_as_windows_1252() -> None:
    payload = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>It\x92s</title>'
    payload += b"<guid>g</guid></item></channel></rss>"
    [item] = parse_payload(payload, content_type="text/xml; charset=ISO-8859-1").items
    assert item.headline == "It’s"


def test_no_c1_control_reaches_a_headline_or_body() -> None:
    # windows-1252 text re-encoded as if latin-1 (C2 92 in UTF-8), a numeric reference, and
    # one of the five bytes windows-1252 leaves undefined.
    payload = rss(
        "<title>It\u0092s &#150; a \u0081test</title><guid>g</guid>"
        "<description>Body\u0093quoted\u0094 &#x85;</description>"
    )
    item = only_item(payload)
    assert item.headline == "It’s – a test"
    assert item.body_html == "Body“quoted” …"
    for text in (item.headline, item.body_html, item.summary):
        assert not any("\x80" <= ch <= "\x9f" for ch in text)


# --- 4. every body container ---------------------------------------------------------------

RDF = (
    b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    b'xmlns="http://purl.org/rss/1.0/" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
    b'<channel rdf:about="https://wire.example/"><title>t</title><link>https://wire.example/</link>'
    b'<description>d</description></channel><item rdf:about="https://wire.example/1">'
    b"<title>T</title><link>https://wire.example/1</link>"
    b"<content:encoded><![CDATA[<p>Body here</p>]]></content:encoded></item></rdf:RDF>"
)
BASE64_BODY = base64.b64encode(b"<p>Body here</p>").decode()

BODY_CONTAINERS = {
    "atom summary xhtml": atom(
        '<title>T</title><summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<p>Body here</p></div></summary>"
    ),
    "rss 1.0 content:encoded": RDF,
    "atom:content in rss 2.0": rss(
        '<title>T</title><guid>g</guid><atom:content type="html">'
        "&lt;p&gt;Body here&lt;/p&gt;</atom:content>",
        f' xmlns:atom="{ATOM_NS}"',
    ),
    "atom:summary in rss 2.0": rss(
        '<title>T</title><guid>g</guid><atom:summary type="html">'
        "&lt;p&gt;Body here&lt;/p&gt;</atom:summary>",
        f' xmlns:atom="{ATOM_NS}"',
    ),
    "xhtml:body in rss": rss(
        "<title>T</title><guid>g</guid><xhtml:body><p>Body here</p></xhtml:body>",
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml"',
    ),
    "atom mode=base64": atom(
        f'<title>T</title><content type="text/html" mode="base64">{BASE64_BODY}</content>'
    ),
    "atom non-text media type": atom(
        f'<title>T</title><content type="application/octet-stream">{BASE64_BODY}</content>'
    ),
}


@pytest.mark.parametrize("payload", BODY_CONTAINERS.values(), ids=BODY_CONTAINERS.keys())
def test_every_body_container_gives_its_body(payload: bytes) -> None:
    item = only_item(payload)
    assert item.headline == "T"
    assert "<p>Body here</p>" in item.body_html


# --- 5. dates never depend on the clock ----------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        rss("<title>T</title><guid>g</guid><pubDate>2003</pubDate>"),
        atom("<title>T</title><published>2003</published>"),
        # markup in the title sends the document to feedparser: the same rule holds there
        rss("<title>T <b>x</b></title><guid>g</guid><pubDate>2003</pubDate>"),
    ],
    ids=["rss", "atom", "rss via feedparser"],
)
def test_a_year_alone_is_the_first_of_january(payload: bytes) -> None:
    assert only_item(payload).published_at == datetime(2003, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "payload",
    [
        rss("<title>T</title><guid>g</guid><pubDate>07-01T01:55:07-05:00</pubDate>"),
        atom("<title>T</title><published>07-01T01:55:07-05:00</published>"),
        rss("<title>T <b>x</b></title><guid>g</guid><pubDate>--07-01</pubDate>"),
    ],
    ids=["rss", "atom", "rss via feedparser"],
)
def test_a_date_without_a_year_is_no_date(payload: bytes) -> None:
    assert only_item(payload).published_at is None


def test_a_year_and_month_is_the_first_of_that_month() -> None:
    item = only_item(rss("<title>T</title><guid>g</guid><pubDate>2003-07</pubDate>"))
    assert item.published_at == datetime(2003, 7, 1, tzinfo=UTC)


@pytest.mark.parametrize("guid", ["2003", "20231005", "Mon, 05 Feb 2024"])
def test_a_guid_is_never_a_date(guid: str) -> None:
    # fastfeedparser reads a guid that is not a URL as a date when the item has none
    item = only_item(rss(f'<title>T</title><guid isPermaLink="false">{guid}</guid>'))
    assert item.guid == guid and item.published_at is None


@pytest.mark.parametrize(
    ("pub_date", "published"),
    [
        ("2003", datetime(2003, 1, 1, tzinfo=UTC)),  # says what the guid would: still read
        ("Tue, 06 Feb 2024 10:00:00 +0000", datetime(2024, 2, 6, 10, tzinfo=UTC)),
    ],
)
def test_a_date_guid_leaves_the_items_own_date_alone(pub_date: str, published: datetime) -> None:
    item = only_item(rss(f"<title>T</title><guid>2003</guid><pubDate>{pub_date}</pubDate>"))
    assert item.published_at == published


def test_a_guid_date_in_one_item_does_not_date_it_among_dated_items() -> None:
    payload = rss(
        "<title>Dated</title><guid>a-1</guid><pubDate>Tue, 06 Feb 2024 10:00:00 +0000</pubDate>"
        "</item><item><title>Undated</title><guid>2003</guid>"
    )
    dated, undated = parse_payload(payload).items
    assert dated.published_at == datetime(2024, 2, 6, 10, tzinfo=UTC)
    assert undated.published_at is None


# --- 6. links ------------------------------------------------------------------------------


def test_an_unescaped_ampersand_in_a_link_is_read_as_written() -> None:
    # not well-formed, and common: libxml2's recovery made it `?a=1=2`
    item = only_item(
        rss("<title>T</title><guid>g</guid><link>https://wire.example/s?a=1&b=2&amp;c=3</link>")
    )
    assert item.link == "https://wire.example/s?a=1&b=2&c=3"
    entry = only_item(atom('<title>T</title><link href="https://wire.example/s?a=1&b=2"/>'))
    assert entry.link == "https://wire.example/s?a=1&b=2"


def test_an_unescaped_ampersand_loses_no_text() -> None:
    item = only_item(
        rss(
            "<title>AT&T & Jio</title><guid>g</guid>"
            "<description>Tom &amp; Jerry &b and &copy; more. "
            "<![CDATA[<a href='?x=1&y=2'>here</a> R&amp;D]]></description>"
        )
    )
    assert item.headline == "AT&T & Jio"
    assert plain_text(item.body_html) == "Tom & Jerry &b and © more. here R&D"
    assert "<a href='?x=1&y=2'>" in item.body_html  # CDATA as sent


def test_xml_base_on_the_feed_resolves_relative_links() -> None:
    item = only_item(
        atom('<title>T</title><link href="story/1.html"/>', ' xml:base="http://example.com/news/"')
    )
    assert item.link == "http://example.com/news/story/1.html"


def test_xml_base_on_rss_resolves_relative_links() -> None:
    item = only_item(
        rss("<title>T</title><link>story/1.html</link>", ' xml:base="http://example.com/news/"')
    )
    assert item.link == "http://example.com/news/story/1.html"


def test_xml_base_on_the_link_itself_resolves_it() -> None:
    item = only_item(
        atom('<title>T</title><link xml:base="http://example.com/a/" href="../story/1.html"/>')
    )
    assert item.link == "http://example.com/story/1.html"


def test_scheme_less_link_takes_the_base_scheme() -> None:
    item = only_item(
        atom(
            '<title>T</title><link href="//cdn.example.com/s/1"/>',
            ' xml:base="https://example.com/"',
        )
    )
    assert item.link == "https://cdn.example.com/s/1"


def test_the_html_alternate_link_wins() -> None:
    item = only_item(
        atom(
            '<title>T</title><link rel="alternate" type="application/pdf" href="http://x/1.pdf"/>'
            '<link rel="alternate" type="text/html" href="http://x/1.html"/>'
        )
    )
    assert item.link == "http://x/1.html"


@pytest.mark.parametrize("rel", ["enclosure", "related", "via"])
def test_enclosure_related_and_via_links_are_never_the_story(rel: str) -> None:
    only_other = only_item(atom(f'<title>T</title><link rel="{rel}" href="http://x/other"/>'))
    assert only_other.link is None
    first_other = only_item(
        atom(
            f'<title>T</title><link rel="{rel}" type="text/html" href="http://x/other"/>'
            '<link href="http://x/story"/>'
        )
    )
    assert first_other.link == "http://x/story"


def test_related_atom_link_in_rss_is_not_the_story() -> None:
    item = only_item(
        rss(
            '<title>T</title><guid isPermaLink="false">g</guid>'
            '<atom:link rel="related" href="http://x/rel"/>',
            f' xmlns:atom="{ATOM_NS}"',
        )
    )
    assert item.link is None
