"""Which URLs a subscriber may subscribe to: the site's feeds in each of its editions."""

from __future__ import annotations

from pathlib import Path

from tests.channels.channels_support import BASE_URL
from tests.channels.web.test_editions import settings_for
from wiredesk.runtime.websub.topics import feed_path


def test_every_edition_s_feeds_are_topics(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, english=True)
    for path in ("/feed.xml", "/desh/feed.json", "/en/atom.xml", "/en/desh/feed.xml"):
        assert feed_path(settings, BASE_URL + path) == path
    for path in ("/en/desh/x/feed.xml", "/desh/khel/feed.xml", "/en/desh/", "/sitemap.xml"):
        assert feed_path(settings, BASE_URL + path) is None
    assert feed_path(settings, "https://elsewhere.example/en/feed.xml") is None


def test_a_site_of_one_edition_has_no_edition_feeds(tmp_path: Path) -> None:
    """Without an English edition, `/en/` is no edition: `/en/feed.xml` could be a section's
    feed, `/en/desh/feed.xml` is nothing."""
    settings = settings_for(tmp_path, english=False)
    assert feed_path(settings, BASE_URL + "/en/desh/feed.xml") is None
