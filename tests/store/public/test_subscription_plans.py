"""The subscribers' API's queries read an index, never the whole archive: the same site and
the same checks as test_query_plans.py, for store/public/subscriptions.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.store.public.test_query_plans import NOW, captured, plan, reads_no_archive, site
from wiredesk.store.database import Database
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.subscriptions import Filters, SubscriberReader

__all__ = ["site"]  # the module's fixture, used here


def _second_page(r: SubscriberReader) -> Any:
    _, cursor = r.copies(NOW, Filters(), limit=40)
    return r.copies(NOW, Filters(), limit=20, after=cursor)


QUERIES: dict[str, tuple[Callable[[SubscriberReader], Any], tuple[str, ...]]] = {
    "items": (lambda r: r.copies(NOW, Filters(), limit=20), ("ix_items_listing",)),
    "items, page 3": (_second_page, ("ix_items_listing",)),
    "items of a source": (
        lambda r: r.copies(NOW, Filters(sources=frozenset({"ani"})), limit=20),
        ("ix_items_source_listing", "ix_items_listing"),
    ),
    "items of a section": (
        lambda r: r.copies(NOW, Filters(section="khel"), limit=20),
        ("ix_items_section_listing", "ix_items_listing"),
    ),
    "canceled items": (lambda r: r.copies(NOW, Filters(state="canceled"), limit=20), ()),
    "items since": (
        lambda r: r.copies(NOW, Filters(since=NOW - timedelta(days=30)), limit=20),
        ("ix_items_listing",),
    ),
    "items updated since": (
        lambda r: r.copies(NOW, Filters(updated_since=NOW - timedelta(days=3)), limit=20),
        (),
    ),
    "one item": (lambda r: r.copy("nothing1", NOW), ()),
    "stories": (lambda r: r.stories(NOW, Filters(), limit=20), ("ix_items_listing",)),
    "one story": (lambda r: r.story(5, NOW, None), ()),
}


# Read through indexes, then sorted: what was taken down, what changed since the poll. The
# sort is of those copies alone (kills, the changes of a polling interval), never of the
# archive; a scan without an index still fails.
SORTED_MATCHES = {"canceled items", "items updated since"}


def scans(lines: list[str]) -> list[str]:
    return [
        line
        for line in lines
        if "Seq Scan on item" in line or (line.startswith("SCAN item") and "INDEX" not in line)
    ]


@pytest.mark.parametrize("name", list(QUERIES))
def test_every_api_query_reads_an_index_never_the_archive(site: Database, name: str) -> None:
    run, walks = QUERIES[name]
    for statement, params in captured(site, lambda: run(SubscriberReader(PublicReader(site)))):
        lines = plan(site, statement, params)
        if name in SORTED_MATCHES:
            assert not scans(lines), (statement, lines)
            continue
        assert not reads_no_archive(lines, site.dialect), (statement, lines)
        if walks and "ORDER BY items.published_at DESC" in statement:
            assert any(ix in line for line in lines for ix in walks), (statement, lines)
