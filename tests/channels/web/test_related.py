"""Related stories at the end of an article: its section's stories, those sharing its
subjects first; cached with the article and gone from it when one is killed. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import lxml.html
from starlette.testclient import TestClient

from tests.channels.channels_support import T0, Clock, Filler, make_settings, story_item
from wiredesk.channels.web.related import related_stories
from wiredesk.model import Subject
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial, stories
from wiredesk.store.ledger.stories import GroupingPlan
from wiredesk.store.public.reader import PublicReader

NOW = T0 + timedelta(days=1)
CRICKET = Subject(code="15017000", name="cricket", scheme="medtop")


def _related(client: TestClient, path: str) -> list[str]:
    page = client.get(path)
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.text)
    return [a.text_content() for a in doc.xpath("//section[@class='related']//h3/a")]


def _path(store: Database, short_id: str) -> str:
    copy = PublicReader(store).copy_detail(short_id, NOW)
    assert copy is not None
    return copy.copy.path


def test_stories_sharing_subjects_come_first_then_the_nearest_in_time(
    store: Database, fill: Filler
) -> None:
    fill(story_item(1, section="khel", subjects=[CRICKET]))  # an hour before: shares a subject
    article = fill(story_item(60, section="khel", subjects=[CRICKET], keywords=["IPL", "मुंबई"]))
    fill(story_item(61, section="khel", keywords=["ipl"]))  # just after: a keyword, any case
    for n in (55, 59, 62, 120):  # near in time, sharing nothing
        fill(story_item(n, section="khel"))
    fill(story_item(57, section="videsh", subjects=[CRICKET]))  # another section: not looked at
    reader = PublicReader(store)
    detail = reader.copy_detail(article, NOW)
    assert detail is not None
    candidates = reader.around(NOW, detail.copy, older=20, newer=10)
    chosen = [c.headline for c in related_stories(detail.copy, candidates, shown=4)]
    assert chosen == ["ख़बर संख्या 1", "ख़बर संख्या 61", "ख़बर संख्या 59", "ख़बर संख्या 62"]


def test_never_the_article_itself_nor_its_own_story_nor_a_story_twice(
    store: Database, fill: Filler
) -> None:
    article = fill(story_item(10))
    same = fill(story_item(11, guid="pti-10"), source="pti")  # the article's own story
    other = fill(story_item(12))
    other_too = fill(story_item(13, guid="pti-12"), source="pti")  # the other story, again
    ids = [editorial.find_copy(store, s) for s in (article, same, other, other_too)]
    assert None not in ids
    joins = [(ids[1], ids[0]), (ids[3], ids[2])]
    stories.apply(store, GroupingPlan(joins=joins), T0)  # type: ignore[arg-type]
    reader = PublicReader(store)
    details = [reader.copy_detail(s, NOW) for s in (article, same, other_too, other)]
    a, *candidates = [d.copy for d in details if d is not None]
    assert len(candidates) == 3
    assert [c.short_id for c in related_stories(a, [a, *candidates])] == [other]


def test_an_article_ends_with_related_stories_and_loses_one_that_is_killed(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    app = site_app(make_settings(tmp_path, "hi"), store, clock=clock, follow_changes_every=3600)
    client = TestClient(app)
    ids = {n: fill(story_item(n)) for n in range(1, 6)}
    article = _path(store, ids[3])
    # nearest in time first, the newer of two as near
    assert _related(client, article) == [f"ख़बर संख्या {n}" for n in (4, 2, 5, 1)]
    [title] = lxml.html.fromstring(client.get(article).text).xpath("//h2[@id='related-title']")
    assert title.text_content() == "संबंधित ख़बरें"

    killed = editorial.find_copy(store, ids[4])
    assert killed is not None
    editorial.kill(store, killed, reason="legal", actor="editor t", now=NOW)
    # the cached article page went with the kill: rendered again without it
    assert _related(client, article) == [f"ख़बर संख्या {n}" for n in (2, 5, 1)]


def test_a_story_alone_in_its_section_has_no_related_block(
    hi_client: TestClient, store: Database, fill: Filler
) -> None:
    fill(story_item(1, section="khel"), story_item(2))
    path = _path(store, fill(story_item(1, section="khel")))
    assert _related(hi_client, path) == []
    assert "संबंधित ख़बरें" not in hi_client.get(path).text
