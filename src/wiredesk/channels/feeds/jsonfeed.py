"""JSON Feed 1.1, with wiredesk's provenance under the `_wiredesk` extension key.

JSON Feed names its kinds of text, so nothing is escaped: `title`, `summary`, author names and
`tags` are plain text as the spec defines them (a headline about `<img>` is those characters,
for the reader to escape), and the body goes only in `content_html`, sanitized at ingest.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from wiredesk.channels.feeds.entry import Entry, FeedInfo
from wiredesk.channels.timefmt import iso
from wiredesk.config import Settings

MEDIA_TYPE = "application/feed+json; charset=utf-8"


def json_feed(settings: Settings, info: FeedInfo, entries: Sequence[Entry]) -> bytes:
    site = settings.site
    feed: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "description": info.description,
        "home_page_url": site.base_url + info.home_path,
        "feed_url": site.base_url + info.feed_dir + "feed.json",
        "language": info.language or site.language,
        "items": [],
    }
    if settings.websub.enabled:  # JSON Feed 1.1 `hubs`: WebSub, to be told of changes
        feed["hubs"] = [{"type": "WebSub", "url": site.base_url + settings.websub.path}]
        feed["items"] = feed.pop("items")  # kept last: the entries are spliced in after it
    head = _dumps(feed)
    assert head.endswith('"items":[]}')
    items = ",".join(_item(settings, e) for e in entries)
    return (head[: -len("]}")] + items + "]}").encode("utf-8")


def _item(settings: Settings, e: Entry) -> str:
    """The entry's JSON, written once per entry (`Entry.written`)."""
    written = e.written.get("json")
    if written is None:
        written = e.written["json"] = _dumps(
            {
                "id": e.url,
                "url": e.url,
                "title": e.title,
                "content_html": e.content_html,
                "summary": e.teaser,
                "date_published": iso(e.published),
                "date_modified": iso(e.modified),
                "language": e.language or settings.site.language,
                "authors": [{"name": e.author}],
                "tags": e.tags,
                "_wiredesk": e.provenance,
            }
        )
    return written


def _dumps(value: object) -> str:
    # Compact: with `indent`, Python's json falls back to its pure-Python encoder, which took
    # most of a feed's render time (and every push waits for the feed to render again).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
