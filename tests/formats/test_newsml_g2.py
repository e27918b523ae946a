"""NewsML-G2 parser: the IPTC examples, our own samples, and the documents it must refuse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests import fixture_files
from wiredesk.errors import FormatError
from wiredesk.formats.newsml_g2 import looks_like_newsml_g2, parse_newsml_g2
from wiredesk.model import Hop, ImageLink, PubStatus, Signal, Subject

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = fixture_files.NEWSML_G2
SAMPLES = Path(__file__).resolve().parent / "samples"
SEED = fixture_files.SEED


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


# --- the IPTC examples ------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.xml")), ids=lambda p: p.name)
def test_every_iptc_example_parses_or_is_refused_with_one_line(path: Path) -> None:
    try:
        result = parse_newsml_g2(path.read_bytes())
    except FormatError as e:  # the fragments (contentSet, contentMeta) are not documents
        assert "\n" not in str(e)
        assert "not a NewsML-G2 document" in str(e)
        return
    assert result.format == "newsml-g2"
    for item in result.items:
        assert item.guid and item.format == "newsml-g2"


def test_fragments_are_refused_naming_their_root() -> None:
    with pytest.raises(FormatError, match=r"root element is <contentSet>"):
        parse_newsml_g2(fixture("LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml"))
    with pytest.raises(FormatError, match=r"root element is <contentMeta>"):
        parse_newsml_g2(fixture("LISTING_28_Illustrating_Located_Subject_and_Dateline.xml"))


def test_listing_1_metadata_lifecycle_and_rights() -> None:
    result = parse_newsml_g2(fixture("LISTING_1_A_NewsML-G2_News_Item.xml"))
    [item] = result.items
    assert item.guid == "urn:newsml:acmenews.com:20161018:US-FINANCE-FED"
    assert item.version == 11
    assert item.headline == 'Fed to halt QE to avert "bubble"'
    assert item.slugline == "US-Finance-Fed"
    assert item.language == "en-GB"
    assert item.published_at == datetime(2016, 10, 18, 18, 12, 21, tzinfo=UTC)
    assert item.updated_at == datetime(2018, 10, 21, 21, 25, 32, tzinfo=UTC)
    assert item.embargo_until == datetime(2018, 10, 23, 12, 0, tzinfo=UTC)
    assert item.signals == [Signal.UPDATE]
    assert item.correction_note is None  # the edNote is about the embargo, not a correction
    assert item.subjects == [
        Subject("medtop:04000000", "economy, business and finance", "medtop"),
        Subject("medtop:20000523", "labour market", "medtop"),  # the en-GB name, not the German
    ]
    assert "Interview" in item.categories
    assert item.copyright == "Copyright 2017-18 Example Enews LLP, all rights reserved"
    assert item.usage_terms == "Not for use outside the United States"
    assert item.dateline_place == "Berlin"
    assert item.provenance[-1] == Hop("distributor", "REUTERS", uri="nprov:REUTERS")
    assert item.link is None  # irel:seeAlso points at a video, not at the story


def test_listing_22_inline_nitf_body_summary_and_subjects() -> None:
    [item] = parse_newsml_g2(fixture("LISTING_22_Sports_story_in_NewsML-G2NITF.xml")).items
    assert item.guid == "tag:xmlteam.com,2016:xt.5932656-preview"
    assert item.headline == (
        "Preview: Arizona Diamondbacks (29-23) at Philadelphia Phillies (26-24), 7:05 p.m."
    )
    assert item.slugline == "AAV!PREVIEW-ARI-PHI"
    assert item.summary.startswith("A pair of teams coming off big weekend sweeps will square")
    assert item.byline == "Sports Network"
    assert item.body_html.startswith("<p>(Sports Network) - A pair of teams")
    assert item.body_html.count("<p>") == 6
    assert Subject("medtop:20000849", "Baseball", "medtop") in item.subjects
    assert Subject("team:l.mlb.com-t.19", "Philadelphia Phillies", "team") in item.subjects
    assert Subject("event:l.mlb.com-2016-e.19358", None, "event") in item.subjects


def test_listing_2_nitf_byline_and_located_place() -> None:
    [item] = parse_newsml_g2(fixture("LISTING_2_NewsML-G2_Text_Document.xml")).items
    assert item.byline == "By Meredith Jameson, Staff Reporter"
    assert item.dateline_place == "New York, NY"
    assert [s.code for s in item.subjects] == [
        "medtop:04000000",
        "medtop:20000350",
        "medtop:20000379",
    ]
    assert item.copyright == "Copyright 2017-18 Acme News and Media LLC"
    assert item.provenance[0] == Hop("distributor", "Associated Press", uri="is:AP")
    assert item.body_html.count("<p>") == 2


def test_listing_29_hop_history_in_order() -> None:
    raw = fixture("LISTING_29_Hop_History.xml")
    # As published, the example has no content at all: nothing to publish, said once.
    result = parse_newsml_g2(raw)
    assert result.items == []
    assert result.problems == [
        "newsItem urn:newsml:acmenews.com:20161019T1205:HOP-HISTORY-EXAMPLE: "
        "no headline and no content to publish; skipped"
    ]
    # With a headline where the example says "metadata and content", its hops are kept.
    with_headline = raw.replace(
        b"<!-- metadata and content -->",
        b"<contentMeta><headline>Hop history</headline></contentMeta>",
        1,
    )
    [item] = parse_newsml_g2(with_headline).items
    assert item.guid == "urn:newsml:acmenews.com:20161019T1205:HOP-HISTORY-EXAMPLE"
    assert item.version == 11
    assert item.updated_at == datetime(2018, 10, 19, 20, 15, tzinfo=UTC)
    hops = [h for h in item.provenance if h.role == "hop"]
    assert hops == [
        Hop(
            "hop",
            "Thomson Reuters",
            "comp:TR",
            datetime(2018, 10, 19, 16, 15, tzinfo=UTC),
            "created content",
        ),
        Hop(
            "hop",
            "bwire",
            "comp:bwire",
            datetime(2018, 10, 19, 16, 18, tzinfo=UTC),
            "transformed content, enhanced metadata",
        ),
        Hop(
            "hop",
            "aquiremedia",
            "comp:aquiremedia",
            datetime(2018, 10, 19, 18, 15, tzinfo=UTC),
            "created metadata",
        ),
        Hop(
            "hop",
            "AP",
            "comp:AP",
            datetime(2018, 10, 19, 19, 15, tzinfo=UTC),
            "enhanced content, enhanced metadata",
        ),
    ]
    assert item.provenance[-1] == Hop("distributor", "reuters", uri="nprov:reuters")


def test_picture_item_alone_is_not_a_story() -> None:
    result = parse_newsml_g2(fixture("LISTING_3_Photo_in_NewsML-G2.xml"))
    assert result.items == []
    assert len(result.problems) == 1
    assert "tag:gettyimages.com,2010:GYI0062134533" in result.problems[0]
    assert "picture" in result.problems[0]


def test_package_alone_only_references_others() -> None:
    result = parse_newsml_g2(fixture("LISTING_6_Simple_NewsML-G2_Package.xml"))
    assert result.items == []
    assert len(result.problems) == 1
    assert result.problems[0].startswith(
        "packageItem tag:example.com,2008:UK-NEWS-TOPTEN:UK20081220098658: only references"
    )
    assert "urn:newsml:iptc.org:20081007:tutorial-item-A" in result.problems[0]


def test_listing_24_message_of_placeholders_reports_each_item() -> None:
    result = parse_newsml_g2(
        fixture("LISTING_24_News_Message_conveying_a_complete_News_Package.xml")
    )
    assert result.items == []
    assert len(result.problems) == 5
    assert "packageItem without a guid" in result.problems[0]
    assert "newsItem N1 has no itemMeta" in result.problems[1]


# --- our samples ------------------------------------------------------------------------------


def test_hindi_seed_story_maps_every_field() -> None:
    result = parse_newsml_g2(sample("newsml-hindi-story.xml"))
    assert result.problems == []
    [item] = result.items
    assert item.guid == "urn:newsml:ians.in:20220205:xi-tokayev-meeting"
    assert item.version == 1
    assert item.language == "hi"
    assert item.headline == "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति तोकायेव से मुलाकात की"
    assert item.subheadline == "बेल्ट एंड रोड के सह-निर्माण पर जोर"
    assert item.slugline == "CHINA-KAZAKHSTAN/"
    assert item.byline == "आईएएनएस"
    assert item.urgency == 3
    assert item.dateline_place == "पेइचिंग"
    assert item.dateline_date == "5 फरवरी"
    assert item.summary.startswith("चीनी राष्ट्रपति शी चिनफिंग ने शीतकालीन")
    assert item.link == "https://ians.example/hindi/xi-tokayev-meeting"
    assert item.published_at == datetime(2022, 2, 5, 11, 35, tzinfo=UTC)
    assert item.updated_at == datetime(2022, 2, 5, 11, 40, tzinfo=UTC)
    assert item.pub_status is PubStatus.USABLE and item.signals == []
    assert item.subjects == [
        Subject("medtop:11000000", "राजनीति", "medtop"),  # the Hindi name is chosen
        Subject("medtop:20000565", "कूटनीति", "medtop"),  # from the NewsCodes URI
    ]
    assert item.keywords == ["शी चिनफिंग", "तोकायेव", "कजाकिस्तान"]
    assert item.categories == ["राजनीति", "कूटनीति", "समाचार"]
    assert item.credit_line == "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"
    assert item.originator == "चाइना मीडिया ग्रुप, पेइचिंग"
    assert item.copyright == "© 2022 Indo-Asian News Service"
    assert item.usage_terms == "केवल आईएएनएस ग्राहकों के लिए"
    assert [(h.role, h.name) for h in item.provenance] == [
        ("originator", "चाइना मीडिया ग्रुप, पेइचिंग"),
        ("hop", "चाइना मीडिया ग्रुप"),
        ("hop", "IANS"),
        ("distributor", "IANS"),  # the provider is the same IANS: listed once
    ]
    assert item.images == [
        ImageLink(
            "https://ians.example/photos/xi-tokayev.jpg",
            "शी चिनफिंग और कसीम जोमार्ट तोकायेव",
            1200,
            800,
            "image/jpeg",
        )
    ]
    # The body is the seed story, line for line, ending with the agency's trailer lines.
    seed_lines = [ln.strip() for ln in SEED.read_text("utf-8").splitlines() if ln.strip()]
    assert item.body_html.count("<p>") == len(seed_lines) == 8
    assert item.body_html.startswith(f"<p>{seed_lines[0]}</p>")
    assert item.body_html.endswith("<p>Source : IANS</p>")
    assert "<p>(साभार : चाइना मीडिया ग्रुप, पेइचिंग)</p>" in item.body_html
    assert "डिस्क्लेमरः" in item.body_html


def test_version_2_correction_with_inline_nitf() -> None:
    [item] = parse_newsml_g2(sample("newsml-correction-v2.xml")).items
    assert item.version == 2
    assert item.signals == [Signal.CORRECTION, Signal.UPDATE]
    assert item.correction_note == (
        "CORRECTS attendance figure in second paragraph to 40,000 (not 4,000)."
    )
    assert item.headline == "Camel fair draws record crowds to Kesargarh"  # contentMeta wins
    assert item.subheadline == "Traders report brisk sales on opening day"  # from NITF hl2
    assert item.byline == "By Asha Rao, Correspondent"
    assert (item.dateline_place, item.dateline_date) == ("KESARGARH", "Feb 4")
    assert item.summary == "A record 40,000 visitors came on the first day."
    assert item.credit_line == "(Additional reporting by IWS staff)"
    assert item.copyright == "India Wire Service"
    body = item.body_html
    assert "<p>Organisers counted 40,000 visitors, said R. Singh of the Fair Committee.</p>" in body
    assert "<h2>Prices</h2>" in body
    assert '<a href="https://example.org/prices">last year</a>' in body
    assert "10\u2009%" in body  # a thin space is content, not indentation
    assert "<ul><li>Camels</li><li>Horses</li></ul>" in body
    assert '<img src="https://img.example.org/fair.jpg"' in body
    assert "<td>40,000</td>" in body
    assert "<blockquote><p>Best fair in years.</p><p><cite>A trader</cite></p></blockquote>" in body
    assert item.images[0].href == "https://img.example.org/fair.jpg"


def test_withheld_version_is_returned_without_content() -> None:
    [item] = parse_newsml_g2(sample("newsml-withheld.xml")).items
    assert item.version == 3
    assert item.pub_status is PubStatus.WITHHELD
    assert item.headline == "" and item.body_html == ""


def test_canceled_version_is_a_kill_even_with_uri_codes() -> None:
    [item] = parse_newsml_g2(sample("newsml-canceled.xml")).items
    assert item.version == 4
    assert item.pub_status is PubStatus.CANCELED
    assert item.signals == [Signal.KILL]


def test_embargoed_item_with_plain_text_body() -> None:
    [item] = parse_newsml_g2(sample("newsml-embargoed.xml")).items
    assert item.embargo_until == datetime(2024, 2, 11, 5, 30, tzinfo=UTC)
    assert item.pub_status is PubStatus.USABLE
    assert item.version == 1  # NewsML-G2's default when the attribute is absent
    assert item.body_html == (
        "<p>NEW DELHI, Feb 10 (IWS) - The budget will raise rural spending &amp; jobs.</p>"
        "<p>Officials said the plan<br>\nhas three parts.</p>"
    )


def test_embargoed_until_further_notice_is_withheld() -> None:
    raw = sample("newsml-embargoed.xml").replace(
        b"<embargoed>2024-02-11T05:30:00Z</embargoed>", b"<embargoed/>"
    )
    [item] = parse_newsml_g2(raw).items
    assert item.pub_status is PubStatus.WITHHELD
    assert item.embargo_until is None


def test_broken_item_in_message_does_not_stop_the_other() -> None:
    result = parse_newsml_g2(sample("newsml-message-two-items.xml"))
    assert [i.guid for i in result.items] == ["urn:newsml:indiawire.example:20240205:metro-line"]
    [item] = result.items
    assert item.body_html == "<p>The line has 14 stations.</p>"
    assert item.priority == 2  # from the message header
    assert result.problems == [
        "item 2 in newsMessage: NewsML-G2 newsItem without a guid attribute; skipped"
    ]


def test_package_lends_headline_and_grouped_picture() -> None:
    result = parse_newsml_g2(sample("newsml-message-package.xml"))
    assert result.problems == []
    [item] = result.items
    assert item.guid == "urn:newsml:indiawire.example:20240205:floods-text"
    assert item.headline == "Floods in Assam"
    assert item.images == [
        ImageLink(
            "https://img.example.org/floods-web.jpg",
            "Villagers wade through flood water near Guwahati.",
            800,
            533,
            "image/jpeg",
        )
    ]


# --- refusals and safety ----------------------------------------------------------------------


def test_newsitem_without_guid_is_refused() -> None:
    raw = sample("newsml-embargoed.xml").replace(
        b'guid="urn:newsml:indiawire.example:20240210:budget-preview"', b""
    )
    with pytest.raises(FormatError, match=r"^NewsML-G2 newsItem without a guid attribute$"):
        parse_newsml_g2(raw)


def test_invalid_xml_is_refused_with_the_position() -> None:
    with pytest.raises(FormatError, match=r"not well-formed XML: .*line 2") as e:
        parse_newsml_g2(b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">\n<itemMeta>')
    assert "\n" not in str(e.value)


iptc_message = fixture_files.iptc_news_message


def test_a_newsmessage_cut_mid_item_keeps_the_items_before_the_cut() -> None:
    whole = parse_newsml_g2(iptc_message())
    assert [i.guid for i in whole.items] == [
        "urn:newsml:acmenews.com:20161018:US-FINANCE-FED",
        "tag:xmlteam.com,2016:xt.5932656-preview",
    ]
    message = iptc_message()
    cut = message[: message.index(b"<body.content>") + 200]  # in the second item's body
    result = parse_newsml_g2(cut)
    first, second = result.items
    assert first == whole.items[0]  # whole: read exactly as from the whole message
    assert second.guid == whole.items[1].guid  # recovered, for ingest to hold
    assert len(second.body_html) < len(whole.items[1].body_html)
    assert len(result.problems) == 1
    assert "not well-formed XML" in result.problems[0] and "breaks off" in result.problems[0]


def test_a_newsmessage_broken_in_its_middle_is_still_refused() -> None:
    # it still ends with its end tag: not cut short, but broken, and nothing of it is trusted
    broken = iptc_message().replace(b"</itemMeta>", b"</itemMetaX>", 1)
    with pytest.raises(FormatError, match="not well-formed XML"):
        parse_newsml_g2(broken)


def test_a_single_newsitem_cut_short_is_still_refused() -> None:
    item = fixture("LISTING_1_A_NewsML-G2_News_Item.xml")
    with pytest.raises(FormatError, match="not well-formed XML"):
        parse_newsml_g2(item[: len(item) // 2])


def test_wrong_root_and_wrong_namespace_are_refused() -> None:
    with pytest.raises(FormatError, match=r"root element is <rss> without a namespace"):
        parse_newsml_g2(b"<rss version='2.0'><channel/></rss>")
    with pytest.raises(FormatError, match=r"root element is <newsItem> in namespace urn:other"):
        parse_newsml_g2(b'<newsItem xmlns="urn:other" guid="x"/>')
    with pytest.raises(FormatError, match=r"empty"):
        parse_newsml_g2(b"  ")


def test_billion_laughs_is_not_expanded() -> None:
    lol = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i else b"lol") for i in range(10)
    )
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE newsItem [' + lol + b"]>"
        b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g1">'
        b"<itemMeta><itemClass qcode='ninat:text'/></itemMeta>"
        b"<contentMeta><headline>Laughs &lol9;</headline></contentMeta>"
        b"<contentSet><inlineData>a &lol9; b</inlineData></contentSet></newsItem>"
    )
    try:
        result = parse_newsml_g2(raw)
    except FormatError:
        return  # refusing the document is as good as not expanding it
    [item] = result.items
    assert "lol" not in item.headline and "lol" not in item.body_html
    assert item.headline == "Laughs"


def test_internal_entities_are_left_unexpanded() -> None:
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY a "SHOUT"><!ENTITY b "&a;&a;">]>'
        b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g1">'
        b"<itemMeta/><contentMeta><headline>Quiet &b; please</headline></contentMeta></newsItem>"
    )
    [item] = parse_newsml_g2(raw).items
    assert item.headline == "Quiet please"


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    raw = (
        f'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g1">'
        "<itemMeta/><contentMeta><headline>A &x; B</headline></contentMeta></newsItem>"
    ).encode()
    [item] = parse_newsml_g2(raw).items
    assert "TOP-SECRET" not in item.headline


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<?xml version="1.0"?>\n<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">', True),
        (b'<!-- c --><newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">', True),
        (b'<g2:packageItem xmlns:g2="http://iptc.org/std/nar/2006-10-01/" guid="x">', True),
        (b'\xef\xbb\xbf<knowledgeItem xmlns="http://iptc.org/std/nar/2006-10-01/">', True),
        (b'<newsItem xmlns="urn:other">', False),
        (b"<contentSet><inlineXML>", False),
        (b'<rss version="2.0">', False),
        (b"<nitf>", False),
        (b"", False),
    ],
)
def test_looks_like_newsml_g2(head: bytes, expected: bool) -> None:
    assert looks_like_newsml_g2(head) is expected


def test_looks_like_newsml_g2_on_real_files() -> None:
    assert looks_like_newsml_g2(fixture("LISTING_3_Photo_in_NewsML-G2.xml")[:4096])
    assert looks_like_newsml_g2(sample("newsml-message-package.xml")[:4096])
    assert not looks_like_newsml_g2(sample("nitf-hindi-story.xml")[:4096])


# --- headline from the inline NITF title, a missing namespace (issue 12) ----------------------


def test_headline_only_in_inline_nitf_title_is_used() -> None:
    doc = (
        b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:t:1" version="1">'
        b'<itemMeta><itemClass qcode="ninat:text"/></itemMeta><contentMeta/>'
        b"<contentSet><inlineXML contenttype='application/nitf+xml'>"
        b'<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><head><title>Title in NITF</title>'
        b"</head><body><body.content><p>Story.</p></body.content></body></nitf>"
        b"</inlineXML></contentSet></newsItem>"
    )
    [item] = parse_newsml_g2(doc).items
    assert item.headline == "Title in NITF"
    assert item.body_html == "<p>Story.</p>"


def test_namespace_less_news_message_says_the_namespace_is_missing() -> None:
    from wiredesk.formats import parse_payload

    doc = (
        b'<?xml version="1.0"?><newsMessage><header/><itemSet><newsItem guid="urn:a">'
        b"<itemMeta/></newsItem></itemSet></newsMessage>"
    )
    for fmt in ("auto", "newsml-g2"):
        with pytest.raises(FormatError, match=r"<newsMessage> without its namespace.*xmlns="):
            parse_payload(doc, fmt)
