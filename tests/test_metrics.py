"""The kind of page a request path is, as `/metrics` labels it: bounded whatever the path."""

from __future__ import annotations

import pytest

from wiredesk.metrics import page_kind


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", "home"),
        ("/en", "home"),
        ("/en/", "home"),
        ("/desh/", "section"),
        ("/en/khel/", "section"),
        ("/source/ians/", "section"),
        ("/desh/pm-ne-kaha-ab12cd34", "article"),
        ("/en/desh/pm-said-ab12cd34", "article"),
        ("/feed.xml", "feed"),
        ("/en/desh/feed.json", "feed"),
        ("/sitemap-news.xml", "sitemap"),
        ("/en/sitemap-2026-12.xml", "sitemap"),
        ("/search", "search"),
        ("/en/search", "search"),
        ("/api/v1/items", "api"),
        ("/desk/incoming", "desk"),
        ("/ingest/pti", "push"),
        ("/static/site.css", "static"),
        ("/media/abc.webp", "media"),
        ("/health", "health"),
        ("/metrics", "metrics"),
        ("/robots.txt", "robots"),
        ("/wp-admin/../../etc/passwd", "article"),  # a scanner's path is one more article
    ],
)
def test_a_path_is_labelled_by_its_kind(path: str, kind: str) -> None:
    assert page_kind(path, ("/en",)) == kind


def test_a_path_like_an_edition_but_longer_is_not_that_edition() -> None:
    assert page_kind("/english/", ("/en",)) == "section"
