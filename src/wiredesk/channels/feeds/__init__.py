"""Outbound feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 from the same public copies.

`entry` computes what a feed says about each copy once; `rss`, `atom` and `jsonfeed` only
serialize it. `FORMATS` maps each feed's file name to its serializer and media type.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from wiredesk.channels.feeds import atom, jsonfeed, rss
from wiredesk.channels.feeds.entry import Entry, FeedInfo
from wiredesk.config import Settings

Serializer = Callable[[Settings, FeedInfo, Sequence[Entry]], bytes]

# file name -> (serializer, media type, label shown in <link rel="alternate"> titles)
FORMATS: dict[str, tuple[Serializer, str, str]] = {
    "feed.xml": (rss.rss, rss.MEDIA_TYPE, "RSS"),
    "atom.xml": (atom.atom, atom.MEDIA_TYPE, "Atom"),
    "feed.json": (jsonfeed.json_feed, jsonfeed.MEDIA_TYPE, "JSON Feed"),
}
