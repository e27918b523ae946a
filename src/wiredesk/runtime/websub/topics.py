"""Which URLs are topics: this site's feeds, site-wide and per section, in every edition
(`/feed.xml`, `/desh/feed.xml`, `/en/feed.xml`, `/en/desh/feed.xml`)."""

from __future__ import annotations

import re

from wiredesk.config import Settings

_FEED = re.compile(r"/(?:([a-z0-9][a-z0-9-]*)/)?(feed\.xml|atom\.xml|feed\.json)")


def feed_path(settings: Settings, topic: str) -> str | None:
    """The site path of `topic` when it is one of this site's feed URLs, else None. A
    section's feed is a topic whether or not the section has stories yet; the publisher only
    sends what the site serves."""
    base = settings.site.base_url
    if not topic.startswith(base + "/"):
        return None
    path = topic[len(base) :]
    rest = path
    for edition in settings.site.other_editions:  # another edition's feeds, under its path
        if path.startswith(edition.path):
            rest = path[len(edition.prefix) :]
            break
    return path if _FEED.fullmatch(rest) else None
