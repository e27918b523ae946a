"""Issue 12, item 12: where feedparser's corpus showed wiredesk reading a feed wrong. Each
case is the minimal document of a corpus file on which the two parsers disagreed and
feedparser was right (bench/fidelity.py; docs/formats.md, "Measured against feedparser")."""

from __future__ import annotations

import pytest

from wiredesk.formats import parse_payload
from wiredesk.model import Item

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_03_NS = "http://purl.org/atom/ns#"
MRSS_NS = "http://search.yahoo.com/mrss/"


def atom(entry: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="{ATOM_NS}">'
        "<title>Wire</title><id>urn:wire</id><updated>2024-01-01T00:00:00Z</updated>"
        f"<entry><id>urn:wire:1</id>{entry}</entry></feed>"
    ).encode()


def atom03(entry: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed version="0.3" xmlns="{ATOM_03_NS}">'
        f"<title>Wire</title><entry><id>urn:wire:1</id>{entry}</entry></feed>"
    ).encode()


def rss(item: str, root_attrs: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"{root_attrs}><channel>'
        "<title>Wire</title><link>https://wire.example/</link><description>d</description>"
        f"<item>{item}</item></channel></rss>"
    ).encode()


def only_item(payload: bytes) -> Item:
    [item] = parse_payload(payload).items
    return item


# --- double-encoded-html.xml ------------------------------------------------------------


@pytest.mark.parametrize(
    "description", ["&#226;&#128;&#166; and more", "&acirc;&#128;&brvbar; and more"]
)
def test_utf8_read_as_latin1_and_encoded_again_is_repaired(description: str) -> None:
    item = only_item(rss(f"<title>T</title><guid>g</guid><description>{description}</description>"))
    assert item.body_html == "… and more"


def test_latin1_text_without_a_c1_control_is_left_alone() -> None:
    # "Ã©" could be meant; only a C1 control, which is never text, marks the mistake
    item = only_item(rss("<title>T</title><guid>g</guid><description>&#195;&#169;</description>"))
    assert item.body_html == "Ã©"
