"""Rendered once per change: pages and feeds come from the cache until what they show changes,
and a kill leaves every cached page at once. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import lxml.html
from sqlalchemy import event
from starlette.testclient import TestClient

from tests.channels.channels_support import T0, Clock, Filler, make_settings, story_item
from wiredesk.channels.web.cache import Entry, PageCache
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial
from wiredesk.store.public.reader import PublicReader

PAGES = ("/", "/videsh/", "/source/ians/", "/feed.xml", "/atom.xml", "/feed.json")


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL the database receives inside the block."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(db.reader_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.reader_engine, "before_cursor_execute", note)


def client_for(store: Database, tmp_path: Path, clock: Clock) -> TestClient:
    app = site_app(make_settings(tmp_path, "hi"), store, clock=clock, follow_changes_every=3600)
    return TestClient(app, follow_redirects=False)


def article_path(client: TestClient, headline: str) -> str:
    doc = lxml.html.fromstring(client.get("/").text)
    [href] = [a.get("href") for a in doc.xpath("//h2/a") if a.text_content() == headline]
    return str(href)


def test_a_page_is_rendered_once_and_then_served_without_the_database(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    fill(story_item(1), story_item(2))
    client = client_for(store, tmp_path, clock)
    path = article_path(client, "ख़बर संख्या 1")
    for page in (*PAGES, path):
        first = client.get(page)
        assert first.status_code == 200, page
        with statements(store) as sql:
            again = client.get(page)
        assert sql == [], (page, sql)  # a hit asks the database nothing
        assert again.content == first.content
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["content-security-policy"]  # the headers it was sent with
        revalidated = client.get(page, headers={"if-none-match": first.headers["etag"]})
        assert revalidated.status_code == 304 and revalidated.content == b""
        since = client.get(page, headers={"if-modified-since": first.headers["last-modified"]})
        assert since.status_code == 304


def test_a_kill_leaves_every_cached_page_at_once(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    fill(story_item(1), story_item(2))
    client = client_for(store, tmp_path, clock)
    path = article_path(client, "ख़बर संख्या 1")
    for page in (*PAGES, path):  # every page that shows the story is now cached
        assert "ख़बर संख्या 1" in client.get(page).text

    item_id = editorial.find_copy(store, path)
    assert item_id is not None
    editorial.kill(store, item_id, reason="legal", actor="editor asha", now=clock.now)

    assert client.get(path).status_code == 410  # not the cached 200
    for page in PAGES:
        text = client.get(page).text
        assert "ख़बर संख्या 1" not in text, page
        assert "ख़बर संख्या 2" in text, page  # the rest of the page is still there


def test_an_update_replaces_the_cached_article_and_lists(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    fill(story_item(1))
    client = client_for(store, tmp_path, clock)
    path = article_path(client, "ख़बर संख्या 1")
    before = client.get(path).headers["etag"]
    fill(story_item(1, headline="ख़बर संख्या 1, नया संस्करण", body_html="<p>नया पाठ।</p>"))
    after = client.get(path)
    assert "नया संस्करण" in after.text and after.headers["etag"] != before
    assert "नया संस्करण" in client.get("/").text
    assert "नया संस्करण" in client.get("/feed.json").text
    assert client.get(path, headers={"if-none-match": before}).status_code == 200


def test_an_embargo_ends_on_a_cached_page_with_no_write(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    lift = clock.now + timedelta(minutes=30)
    fill(story_item(1), story_item(2, headline="प्रतिबंधित ख़बर", embargo_until=lift))
    client = client_for(store, tmp_path, clock)
    assert "प्रतिबंधित" not in client.get("/").text  # cached, with the embargo's end as its limit
    clock.now = lift + timedelta(seconds=1)
    with statements(store) as sql:
        home = client.get("/").text
    assert "प्रतिबंधित ख़बर" in home and sql  # rendered again, by itself


def test_an_embargo_written_after_a_render_still_ends_on_time(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    """The site remembers when cached pages must next expire until something is written:
    a later write with an earlier embargo brings that moment forward (both well within the
    time a page is kept at most)."""
    late, early = clock.now + timedelta(hours=2), clock.now + timedelta(minutes=3)
    fill(story_item(1), story_item(2, headline="देर से खुलने वाली", embargo_until=late))
    client = client_for(store, tmp_path, clock)
    client.get("/")  # cached until `late`, which the site now remembers
    fill(story_item(3, headline="जल्दी खुलने वाली", embargo_until=early))
    assert "जल्दी खुलने वाली" not in client.get("/").text
    clock.now = early + timedelta(seconds=1)
    home = client.get("/").text
    assert "जल्दी खुलने वाली" in home and "देर से खुलने वाली" not in home


def test_another_process_s_write_reaches_the_cache_through_the_changes_log(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    """`wiredesk kill` in another process: its write is in the `changes` log, which the site
    reads (here on every request; `follow_changes_every` seconds apart in production)."""
    fill(story_item(1), story_item(2))
    app = site_app(make_settings(tmp_path, "hi"), store, clock=clock, follow_changes_every=0)
    client = TestClient(app, follow_redirects=False)
    path = article_path(client, "ख़बर संख्या 1")
    client.get(path)
    other = Database(store.engine)  # another process's handle: its own writer id, no listeners
    item_id = editorial.find_copy(other, path)
    assert item_id is not None
    editorial.kill(other, item_id, reason="legal", actor="editor cli", now=clock.now)
    assert client.get(path).status_code == 410
    assert "ख़बर संख्या 1" not in client.get("/").text


def test_pages_that_must_not_be_kept_are_not() -> None:
    """The cache's own rules: entries go by tag, by time, and a render that overlapped a
    change of its tags is not kept."""
    cache = PageCache(max_entries=2)

    def entry(*tags: str, until: int | None = None) -> Entry:
        when = T0 + timedelta(seconds=until) if until is not None else None
        return Entry(200, (), b"x", b'"e"', T0, frozenset(tags), when)

    gen = cache.generation
    assert cache.put("/a", entry("copy:a", "home"), gen)
    assert cache.put("/b", entry("copy:b", until=10), gen)
    assert cache.get("/b", T0 + timedelta(seconds=10)) is None  # its time is up
    assert cache.invalidate({"home"}) == 1 and cache.get("/a", T0) is None

    started = cache.generation
    cache.invalidate({"copy:c"})  # a change while "/c" was being rendered
    assert not cache.put("/c", entry("copy:c"), started)
    assert cache.put("/d", entry("copy:d"), started)  # another change: nothing to fear
    cache.put("/e", entry("copy:e"), cache.generation)
    cache.put("/f", entry("copy:f"), cache.generation)
    assert len(cache) == 2 and cache.get("/d", T0) is None  # the least recently used went


def test_the_reader_says_when_cached_pages_must_expire(
    store: Database, fill: Filler, clock: Clock
) -> None:
    lift = clock.now + timedelta(hours=2)
    fill(story_item(1, embargo_until=lift))
    assert PublicReader(store).next_change_after(clock.now) == lift
    assert PublicReader(store).next_change_after(lift) is None


def test_readers_asking_for_a_page_at_once_share_one_render(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    """Twenty readers arriving together at a page nobody has seen since a change: it is
    rendered once and all twenty get it (without that, a busy ingest's every change had every
    connected reader render the home page at the same moment)."""
    fill(story_item(1), story_item(2))
    app = site_app(make_settings(tmp_path, "hi"), store, clock=clock, follow_changes_every=3600)

    async def twenty_at_once() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://site") as client:
            return list(await asyncio.gather(*(client.get("/") for _ in range(20))))

    with statements(store) as once:
        TestClient(app).get("/videsh/")  # what one render of a list asks, as a yardstick
    with statements(store) as sql:
        answers = asyncio.run(twenty_at_once())
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert "ख़बर संख्या 2" in answers[0].text
    assert 0 < len(sql) <= len(once) + 2  # one render, not twenty


def test_the_navigation_is_kept_too_and_follows_a_new_section(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    """Every page not yet cached and every 404 shows the section navigation, which costs a
    query per section: it is kept like a page, and a copy in a new section brings it back."""
    fill(story_item(1))
    client = client_for(store, tmp_path, clock)
    client.get("/no-such/page-abcdefgh")
    with statements(store) as sql:
        missing = client.get("/no-such/page-bcdefghi")  # another dead link: not cached itself
    assert missing.status_code == 404
    assert len(sql) <= 4  # the copy looked up, the next gate change; not a query per section
    fill(story_item(2, section="vigyan"))
    nav = lxml.html.fromstring(client.get("/no-such/page-abcdefgh").text)
    assert "/vigyan/" in nav.xpath("//nav//a/@href")
    assert client.get("/vigyan/").status_code == 200


def test_a_dead_link_is_kept_until_something_could_bring_it_to_life(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    """A link many readers follow to a story that is not public (yet, or any more) is answered
    from the cache; the embargo's end, a new copy and a kill each reach it."""
    lift = clock.now + timedelta(minutes=30)
    fill(story_item(1))
    short_id = fill(story_item(2, embargo_until=lift))
    client = client_for(store, tmp_path, clock)
    path = f"/videsh/khabar-2-{short_id}"
    assert client.get(path).status_code == 404
    with statements(store) as sql:
        assert client.get(path).status_code == 404
    assert sql == []
    fill(story_item(3))  # any new copy could be the one a 404 was waiting for
    with statements(store) as sql:
        assert client.get(path).status_code == 404
    assert sql
    clock.now = lift + timedelta(seconds=1)  # the embargo ends by itself, with no write
    assert client.get(path).status_code == 200
    item_id = editorial.find_copy(store, short_id)
    assert item_id is not None
    editorial.kill(store, item_id, reason="legal", actor="editor cli", now=clock.now)
    assert client.get(path).status_code == 410
    with statements(store) as sql:
        assert client.get(path).status_code == 410
    assert sql == []


def test_error_pages_cannot_push_pages_out_of_the_cache() -> None:
    """A scanner's made-up paths fill at most `max_errors` places."""
    cache = PageCache(max_errors=3)
    now = T0

    def entry(status: int) -> Entry:
        return Entry(status, (), b"x", b'"e"', now, frozenset({"home"}), None)

    cache.put("/", entry(200), cache.generation)
    for n in range(10):
        cache.put(f"/nothing-{n}", entry(404), cache.generation)
    assert cache.get("/", now) is not None
    assert [n for n in range(10) if cache.get(f"/nothing-{n}", now) is not None] == [7, 8, 9]


def test_the_desk_is_passed_by_even_if_one_of_its_answers_were_tagged() -> None:
    """The editors' desk (/desk/) shows who is signed in: none of it is ever served from or
    kept in the cache, whatever its handler says, while the same answer elsewhere is kept."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from wiredesk.channels.web.cache import TAGS, CachedPages

    served: list[str] = []

    def page(request: Request) -> PlainTextResponse:
        served.append(request.url.path)
        request.scope.setdefault("state", {})[TAGS] = {"home"}  # as a public page tags itself
        return PlainTextResponse(f"for {request.headers.get('x-who')}")

    cache = PageCache()
    inner = Starlette(routes=[Route("/desk/", page), Route("/news/", page)])
    client = TestClient(CachedPages(inner, cache=cache, clock=lambda: T0))
    assert client.get("/desk/", headers={"x-who": "asha"}).text == "for asha"
    assert client.get("/desk/", headers={"x-who": "bina"}).text == "for bina"
    assert client.get("/news/", headers={"x-who": "asha"}).text == "for asha"
    assert client.get("/news/", headers={"x-who": "bina"}).text == "for asha"  # kept
    assert served == ["/desk/", "/desk/", "/news/"] and len(cache) == 1
