"""NITF 3.x parser and the NITF body-to-HTML conversion NewsML-G2 shares."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

import wiredesk
from tests import fixture_files
from wiredesk.errors import FormatError
from wiredesk.formats.nitf import looks_like_nitf, nitf_body_html, parse_nitf
from wiredesk.model import Hop, ImageLink, PubStatus, Signal, Subject

SAMPLES = Path(__file__).resolve().parent / "samples"
FIXTURES = fixture_files.NEWSML_G2
SEED = fixture_files.SEED


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def minimal(docdata: str = "", body: str = "", root_attrs: str = "") -> bytes:
    return (
        f"<nitf {root_attrs}><head><docdata>{docdata}</docdata></head>"
        f"<body><body.head><hedline><hl1>Headline</hl1></hedline></body.head>"
        f"<body.content>{body}</body.content></body></nitf>"
    ).encode()


def test_hindi_seed_story_maps_every_field() -> None:
    result = parse_nitf(sample("nitf-hindi-story.xml"))
    assert result.format == "nitf"
    assert result.title == "शी चिनफिंग ने तोकायेव से मुलाकात की"
    assert result.language == "hi"
    [item] = result.items
    assert item.format == "nitf"
    assert item.guid == "IANS-20220205-0042"
    assert item.version == 2
    assert item.headline == "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति तोकायेव से मुलाकात की"
    assert item.subheadline == "बेल्ट एंड रोड के सह-निर्माण पर जोर"
    assert item.byline == "आईएएनएस"
    assert item.summary == "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति से मुलाकात की।"
    assert (item.dateline_place, item.dateline_date) == ("पेइचिंग", "5 फरवरी")
    assert item.urgency == 3
    assert item.published_at == datetime(2022, 2, 5, 11, 35, tzinfo=UTC)
    assert item.updated_at == datetime(2022, 2, 5, 11, 40, tzinfo=UTC)  # last revision
    assert item.embargo_until == datetime(2022, 2, 5, 13, 30, tzinfo=UTC)  # release > issue
    assert item.pub_status is PubStatus.USABLE
    assert item.signals == [Signal.CORRECTION]
    assert item.correction_note == (
        "तारीख ठीक की गई: 5 फरवरी दूसरे संस्करण में मुलाकात की तारीख सुधारी गई।"
    )
    assert item.subjects == [
        Subject("subj:11000000", "राजनीति", "subj"),
        Subject("medtop:11000000", "राजनीति", "medtop"),
    ]
    assert item.categories == ["राजनीति"]
    assert item.keywords == ["शी चिनफिंग", "कजाकिस्तान"]
    assert item.copyright == "© 2022 IANS"
    assert item.usage_terms == "केवल आईएएनएस ग्राहकों के लिए"
    assert item.credit_line == "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"
    assert item.provenance == [
        Hop(
            "hop",
            "संपादक डेस्क",
            time=datetime(2022, 2, 5, 11, 40, tzinfo=UTC),
            action="editor, तारीख सुधारी",
        ),
        Hop("distributor", "चाइना मीडिया ग्रुप"),  # del-list level 1 before level 2
        Hop("distributor", "IANS"),  # body.head/distributor is the same IANS: once
    ]
    seed_lines = [ln.strip() for ln in SEED.read_text("utf-8").splitlines() if ln.strip()]
    assert item.body_html == " ".join(f"<p>{ln}</p>" for ln in seed_lines)


def test_canceled_is_a_kill() -> None:
    [item] = parse_nitf(sample("nitf-canceled.xml")).items
    assert item.guid == "IWS-20240205-0007"
    assert item.pub_status is PubStatus.CANCELED
    assert item.signals == [Signal.KILL]
    assert item.version == 3
    assert item.language == "en-IN"


def test_embargoed_status_uses_the_release_time() -> None:
    [item] = parse_nitf(sample("nitf-embargoed.xml")).items
    assert item.embargo_until == datetime(2024, 2, 11, 5, 30, tzinfo=UTC)
    assert item.pub_status is PubStatus.USABLE


@pytest.mark.parametrize(
    ("docdata", "status", "embargo"),
    [
        ('<doc-id id-string="d"/>', PubStatus.USABLE, None),
        (
            '<doc-id id-string="d"/><date.issue norm="20240210T080000Z"/>'
            '<date.release norm="20240210T080000Z"/>',
            PubStatus.USABLE,
            None,
        ),
        (
            '<doc-id id-string="d"/><date.release norm="20240211T053000Z"/>',
            PubStatus.USABLE,
            datetime(2024, 2, 11, 5, 30, tzinfo=UTC),
        ),
    ],
)
def test_release_time_is_an_embargo_only_when_later_than_issue(
    docdata: str, status: PubStatus, embargo: datetime | None
) -> None:
    [item] = parse_nitf(minimal(docdata)).items
    assert item.pub_status is status
    assert item.embargo_until == embargo


def test_management_status_withheld_and_embargoed_without_time() -> None:
    withheld = minimal('<doc-id id-string="d"/>').replace(
        b"<docdata>", b'<docdata management-status="withheld">'
    )
    assert parse_nitf(withheld).items[0].pub_status is PubStatus.WITHHELD
    no_time = minimal('<doc-id id-string="d"/>').replace(
        b"<docdata>", b'<docdata management-status="embargoed">'
    )
    assert parse_nitf(no_time).items[0].pub_status is PubStatus.WITHHELD


def test_without_doc_id_the_du_key_or_a_stable_hash_identifies_the_story() -> None:
    assert parse_nitf(minimal('<du-key key="fair" version="2"/>')).items[0].guid == "fair"
    first = parse_nitf(minimal()).items[0].guid
    assert first.startswith("urn:wiredesk:sha256:")
    assert parse_nitf(minimal()).items[0].guid == first


def test_no_id_and_no_headline_is_refused() -> None:
    with pytest.raises(FormatError, match=r"neither docdata/doc-id/@id-string nor a headline"):
        parse_nitf(b"<nitf><head/><body/></nitf>")


def test_invalid_xml_and_wrong_root_are_refused() -> None:
    with pytest.raises(FormatError, match=r"^NITF document is not well-formed XML: "):
        parse_nitf(b"<nitf><head></nitf>")
    with pytest.raises(FormatError, match=r"not an NITF document: the root element is <rss>"):
        parse_nitf(b"<rss/>")


def test_doctype_pointing_at_the_web_is_not_fetched() -> None:
    # The Hindi sample declares the NITF DTD by URL; parsing it must work offline and fast.
    raw = sample("nitf-hindi-story.xml")
    assert b"http://www.nitf.org/IPTC/NITF/3.6/specification/dtd/nitf-3-6.dtd" in raw
    assert parse_nitf(raw).items


def test_billion_laughs_is_not_expanded() -> None:
    lol = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i else b"lol") for i in range(10)
    )
    raw = b"<!DOCTYPE nitf [" + lol + b"]>" + minimal('<doc-id id-string="d"/>', "<p>&lol9;</p>")
    try:
        result = parse_nitf(raw)
    except FormatError:
        return  # refusing the document is as good as not expanding it
    assert "lol" not in result.items[0].body_html


def test_body_html_conversion() -> None:
    content = etree.fromstring(
        b'<body.content xmlns="http://iptc.org/std/NITF/2006-10-18/">'
        b"<p>A <em>big</em> <person>Ravi</person> &amp; <q>quote</q> x<sup>2</sup></p>"
        b"<hl2>Section</hl2>"
        b"<block><p>In a block</p><ol><li>one</li></ol></block>"
        b'<table><tr><td colspan="2">cell</td></tr></table>'
        b"<pre>  keep   spacing</pre>"
        b'<p><a href="https://x.example/">link</a> <frac><numer>1</numer><frac-sep>/</frac-sep>'
        b"<denom>2</denom></frac></p>"
        b'<media media-type="image"><media-reference source="pic.jpg" mime-type="image/jpeg"/>'
        b"<media-caption>Cap &lt;b&gt;</media-caption></media>"
        b"<script>alert(1)</script>"
        b"</body.content>"
    )
    html = nitf_body_html(content)
    assert html == (
        "<p>A <em>big</em> Ravi &amp; <q>quote</q> x<sup>2</sup></p>"
        "<h2>Section</h2>"
        "<p>In a block</p><ol><li>one</li></ol>"
        '<table><tr><td colspan="2">cell</td></tr></table>'
        "<pre>  keep   spacing</pre>"
        '<p><a href="https://x.example/">link</a> 1/2</p>'
        '<figure><img src="pic.jpg" alt="Cap &lt;b&gt;"><figcaption>Cap &lt;b&gt;</figcaption>'
        "</figure>"
        "alert(1)"  # unknown elements keep only their text, escaped; never live markup
    )


def test_media_becomes_an_image_link() -> None:
    body = (
        '<media media-type="image"><media-reference source="https://i.example/a.jpg" '
        'mime-type="image/jpeg" width="640" height="480"/><media-caption>Caption</media-caption>'
        "</media>"
    )
    [item] = parse_nitf(minimal('<doc-id id-string="d"/>', body)).items
    assert item.images == [ImageLink("https://i.example/a.jpg", "Caption", 640, 480, "image/jpeg")]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0"?>\n<!DOCTYPE nitf SYSTEM "nitf-3-6.dtd">\n<nitf>', True),
        (b'<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/" baselang="en">', True),
        (b"\xef\xbb\xbf<nitf version='-//IPTC//DTD NITF 3.6//EN'>", True),
        ("<nitf>".encode("utf-16"), True),
        (b'<nitf xmlns="urn:other">', False),
        (b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">', False),
        (b"<rss>", False),
    ],
)
def test_looks_like_nitf(head: bytes, expected: bool) -> None:
    assert looks_like_nitf(head) is expected


def test_nitf_inside_newsml_fixture_is_not_an_nitf_document() -> None:
    raw = (FIXTURES / "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml").read_bytes()
    assert not looks_like_nitf(raw[:4096])
    with pytest.raises(FormatError, match=r"root element is <contentSet>"):
        parse_nitf(raw)


# --- bylines with titles and sluglines (issue 12) ---------------------------------------------


def test_byline_title_keeps_its_space() -> None:
    doc = (
        b"<nitf><head><docdata><doc-id id-string='b1'/></docdata></head><body><body.head>"
        b"<hedline><hl1>H</hl1></hedline><byline>By JANE DOE<byttl>AP Writer</byttl></byline>"
        b"</body.head><body.content><p>Text.</p></body.content></body></nitf>"
    )
    [item] = parse_nitf(doc).items
    assert item.byline == "By JANE DOE, AP Writer"


def test_slugline_from_meta_else_du_key() -> None:
    [item] = parse_nitf(minimal(docdata='<du-key key="US-FED-RATES" version="2"/>')).items
    assert item.slugline == "US-FED-RATES"
    with_meta = minimal(docdata='<du-key key="k"/>').replace(
        b"<head>", b'<head><meta name="slugline" content="BC-US-Fed-Rates"/>'
    )
    [item] = parse_nitf(with_meta).items
    assert item.slugline == "BC-US-Fed-Rates"


def test_windows_1252_bytes_in_a_latin_1_nitf_are_read_as_windows_1252() -> None:
    """An agency file that says ISO-8859-1 and was written in windows-1252 (the usual case):
    its curly quotes must not reach the page as C1 control characters."""
    doc = (
        b'<?xml version="1.0" encoding="iso-8859-1"?><nitf><head><title>x</title></head><body>'
        b"<body.head><hedline><hl1>It\x92s \x93quoted\x94</hl1></hedline></body.head>"
        b"<body.content><p>The minister\x92s reply \x96 in full.</p></body.content></body></nitf>"
    )
    [item] = wiredesk.parse(doc)
    assert item.headline == "It’s “quoted”"
    assert "minister’s reply – in full" in item.body_html
    assert not any("\x80" <= ch <= "\x9f" for ch in item.headline + item.body_html)
