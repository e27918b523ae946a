"""Every format names its pictures the same way: address, caption, credit, size.

RSS (Media RSS `media:content`, `<enclosure>`, `media:thumbnail`), Atom (`rel="enclosure"`),
JSON Feed (`image`, attachments), ninjs (associations), NewsML-G2 (picture items) and NITF
(`media`) all come out as `ImageLink`s; what the site does with them is the source's
`images` setting.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from wiredesk.formats import parse, parse_payload
from wiredesk.model import Envelope, ImageLink, Transport

RSS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Wire</title>
<item><title>Flood waters recede</title><link>http://wire.example/a</link><guid>a</guid>
<description>Text.</description>
<media:content url="http://img.wire.example/flood.jpg" medium="image" width="1600" height="900">
  <media:description>Residents wade through a street in Patna</media:description>
  <media:credit>Photo: A. Kumar / Wire</media:credit>
</media:content>
<enclosure url="http://img.wire.example/flood-2.jpg" length="1234" type="image/jpeg"/>
<enclosure url="http://audio.wire.example/flood.mp3" length="1234" type="audio/mpeg"/>
</item>
<item><title>Only a thumbnail</title><link>http://wire.example/b</link><guid>b</guid>
<description>Text.</description>
<media:thumbnail url="http://img.wire.example/thumb.jpg" width="120" height="90"/>
</item>
</channel></rss>"""


def test_rss_media_content_and_image_enclosures_are_pictures_with_caption_and_credit() -> None:
    result = parse_payload(RSS, "rss")
    first, second = result.items
    assert first.images == [
        ImageLink(
            href="http://img.wire.example/flood.jpg",
            caption="Residents wade through a street in Patna",
            width=1600,
            height=900,
            credit="Photo: A. Kumar / Wire",
        ),
        ImageLink(href="http://img.wire.example/flood-2.jpg", mime="image/jpeg"),
    ]  # the audio enclosure is no picture
    assert [i.href for i in second.images] == ["http://img.wire.example/thumb.jpg"]


def test_the_slower_reader_finds_the_same_pictures() -> None:
    # markup inside a title sends the document to feedparser
    doc = RSS.replace(b"<title>Flood waters recede</title>", b"<title>Flood <b>waters</b></title>")
    first, second = parse_payload(doc, "rss").items
    assert first.headline == "Flood waters"
    assert [i.href for i in first.images] == [
        "http://img.wire.example/flood.jpg",
        "http://img.wire.example/flood-2.jpg",
    ]
    assert first.images[0].credit == "Photo: A. Kumar / Wire"
    assert (first.images[0].width, first.images[0].height) == (1600, 900)
    assert [i.href for i in second.images] == ["http://img.wire.example/thumb.jpg"]


def test_an_atom_enclosure_link_is_a_picture_and_relative_addresses_follow_the_feed() -> None:
    doc = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<id>urn:x</id><updated>2026-02-05T00:00:00Z</updated>
<entry><id>urn:e1</id><title>Tram</title><updated>2026-02-05T00:00:00Z</updated>
<link rel="alternate" href="https://wire.example/tram"/>
<link rel="enclosure" type="image/jpeg" href="pictures/tram.jpg" title="A tram in Kolkata"/>
<content type="html">&lt;p&gt;Text.&lt;/p&gt;</content></entry></feed>"""
    received = datetime(2026, 2, 5, tzinfo=UTC)
    over_http = Envelope("iws", doc, Transport.HTTP, "https://wire.example/feeds/atom.xml")
    [item] = parse(over_http, "atom").items
    assert item.images == [
        ImageLink(
            href="https://wire.example/feeds/pictures/tram.jpg",
            caption="A tram in Kolkata",
            mime="image/jpeg",
        )
    ]
    # a file's payload keeps the address as written: the picture fetcher reads it beside
    # the file (ingest/pictures)
    from_file = Envelope("iws", doc, Transport.FILE, "/srv/feeds/atom.xml", received_at=received)
    [item] = parse(from_file, "atom").items
    assert item.images[0].href == "pictures/tram.jpg"


def test_json_feed_image_and_image_attachments() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Portal",
        "items": [
            {
                "id": "1",
                "title": "Poets meet",
                "content_html": "<p>Text.</p>",
                "image": "https://portal.example/poets.jpg",
                "attachments": [
                    {"url": "https://portal.example/poets.jpg", "mime_type": "image/jpeg"},
                    {
                        "url": "https://portal.example/hall.png",
                        "mime_type": "image/png",
                        "title": "The hall",
                    },
                    {"url": "https://portal.example/reading.mp3", "mime_type": "audio/mpeg"},
                ],
            }
        ],
    }
    [item] = parse_payload(json.dumps(doc).encode(), "jsonfeed").items
    assert item.images == [
        ImageLink(href="https://portal.example/poets.jpg"),
        ImageLink(href="https://portal.example/hall.png", caption="The hall", mime="image/png"),
    ]


def test_ninjs_picture_credit_is_its_creditline_else_its_photographer() -> None:
    doc = {
        "uri": "urn:ninjs:1",
        "type": "text",
        "headline": "Bridge",
        "body_text": "Text.",
        "associations": {
            "featureimage": {
                "type": "picture",
                "headline": "The bridge at dawn",
                "by": "R. Singh",
                "copyrightholder": "Wire",
                "renditions": {
                    "web": {
                        "href": "https://wire.example/b.jpg",
                        "width": 1024,
                        "height": 683,
                        "mimetype": "image/jpeg",
                    },
                },
            },
            "second": {
                "type": "picture",
                "creditline": "Wire / R. Singh",
                "renditions": {"web": {"href": "https://wire.example/c.jpg"}},
            },
        },
    }
    [item] = parse_payload(json.dumps(doc).encode(), "ninjs").items
    assert [(i.href, i.caption, i.credit) for i in item.images] == [
        ("https://wire.example/b.jpg", "The bridge at dawn", "R. Singh"),
        ("https://wire.example/c.jpg", None, "Wire / R. Singh"),
    ]


def test_newsml_g2_picture_item_credit_line() -> None:
    doc = b"""<?xml version="1.0" encoding="UTF-8"?>
<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2026-02-05T10:00:00Z</sent></header>
<itemSet>
<newsItem guid="urn:text:1" version="1" standard="NewsML-G2" standardversion="2.29">
 <itemMeta><itemClass qcode="ninat:text"/><provider literal="VV"/>
  <versionCreated>2026-02-05T10:00:00Z</versionCreated><pubStatus qcode="stat:usable"/>
  <link rel="irel:seeAlso" residref="urn:pic:1"/></itemMeta>
 <contentMeta><headline>Ropeway opens</headline></contentMeta>
 <contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Text.</p></body></html></inlineXML></contentSet>
</newsItem>
<newsItem guid="urn:pic:1" version="1" standard="NewsML-G2" standardversion="2.29">
 <itemMeta><itemClass qcode="ninat:picture"/><provider literal="VV"/>
  <versionCreated>2026-02-05T10:00:00Z</versionCreated><pubStatus qcode="stat:usable"/></itemMeta>
 <contentMeta><headline>The ropeway's first car</headline>
  <creditline>VV / Meera Joshi</creditline></contentMeta>
 <contentSet><remoteContent rendition="rnd:web" href="pictures/ropeway.jpg"
  contenttype="image/jpeg" width="1024" height="683"/></contentSet>
</newsItem>
</itemSet></newsMessage>"""
    [item] = parse_payload(doc, "newsml-g2").items
    assert item.images == [
        ImageLink(
            href="pictures/ropeway.jpg",
            caption="The ropeway's first car",
            width=1024,
            height=683,
            mime="image/jpeg",
            credit="VV / Meera Joshi",
        )
    ]


def test_nitf_media_producer_is_the_credit() -> None:
    doc = b"""<?xml version="1.0" encoding="UTF-8"?>
<nitf><head><title>Fair</title><docdata><doc-id id-string="n1"/></docdata></head>
<body><body.head><hedline><hl1>Fair opens</hl1></hedline></body.head>
<body.content><p>Text.</p>
<media media-type="image">
<media-reference source="https://i.example/fair.jpg" mime-type="image/jpeg" width="800"
 height="600"/>
<media-caption>Stalls at the fair</media-caption>
<media-producer>Photo: S. Das</media-producer></media>
</body.content></body></nitf>"""
    [item] = parse_payload(doc, "nitf").items
    assert [(i.href, i.caption, i.credit) for i in item.images] == [
        ("https://i.example/fair.jpg", "Stalls at the fair", "Photo: S. Das")
    ]


def test_a_caption_before_the_item_s_own_text_is_neither_its_title_nor_its_body() -> None:
    """Media RSS puts a picture's `media:title` and `media:description` inside its
    `media:content`, often before the item's own title and description: they are the
    picture's caption, never the story's headline or body."""
    doc = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>W</title>
<item><guid>g1</guid>
<media:content url="http://img.wire.example/b.jpg" medium="image">
<media:title>Boats</media:title><media:description>Boats on the river</media:description>
</media:content>
<title>River festival opens</title><link>http://wire.example/a</link>
<description>The festival opened on Thursday with a boat race.</description>
</item></channel></rss>"""
    [item] = parse_payload(doc, "rss").items
    assert item.headline == "River festival opens"
    assert "boat race" in item.body_html and "Boats on the river" not in item.body_html
    assert item.images[0].caption == "Boats on the river"
