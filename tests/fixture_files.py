"""Where the test fixtures live: inside the repository, each corpus with its licence.

A lone clone of the repository must pass its tests, so nothing here points outside it
(`tests/fixtures/README.md` says where each corpus comes from and under which licence).
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = FIXTURES / "seed" / "seed-story.hi.txt"  # the story the project started from
FEEDPARSER = FIXTURES / "feedparser"  # feedparser's test corpus, BSD-2-Clause
NEWSML_G2 = FIXTURES / "newsml-g2"  # IPTC's NewsML-G2 specification examples, CC BY 4.0


def iptc_news_message() -> bytes:
    """Two of IPTC's own newsItems (LISTING_1 and LISTING_22) in one newsMessage: a real
    agency message of several items, for the tests that cut one short."""
    items = [
        (NEWSML_G2 / name).read_bytes().split(b"?>", 1)[1]
        for name in (
            "LISTING_1_A_NewsML-G2_News_Item.xml",
            "LISTING_22_Sports_story_in_NewsML-G2NITF.xml",
        )
    ]
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header>'
        b"<sent>2018-10-21T16:25:32-05:00</sent></header><itemSet>"
        + b"".join(items)
        + b"</itemSet></newsMessage>\n"
    )
