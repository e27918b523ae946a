"""Every hostile case met so far, as files, through the whole path (issue 13, item 8).

`tests/hostile/cases/<name>/` holds what an agency sent (`payload.<ext>`, the exact bytes)
and what must come of it (`expect.toml`). A payload case is accepted the way a poll or a
push accepts it (`ingest.accept`: raw first, parse, pipeline, store, group) on SQLite and on
PostgreSQL, and then read back everywhere a reader or a subscriber meets it: the stored
headlines, every article page, the home page, the three outbound feeds parsed by feedparser
with its own sanitizing off (so what a careless consumer would render is what is checked),
and the subscribers' API (`/api/v1/items`). Whatever a case expects, no page, feed or API
answer may carry a live `<script>`, an event handler or a `javascript:` URL, and no page may
fail.

A feed entry's fields are read as the most careless consumer reads them. RSS never says what
is text, and most readers render its title, description, author and categories as HTML, so
those are parsed as HTML and must make no element at all (feedparser's own guess would call
`<img src=x onerror=…>` without an end tag "text/plain" and let it through). Atom and JSON
Feed say which fields are HTML; an Atom title or summary that says so must make no element
either. The body (`content:encoded`, Atom `content`, `content_html`) may hold only elements
some stored body holds: a feed adds no element the story did not contain as markup.

Cases that are not payloads (a full disk, two processes, slow clients, the CLI on a closed
pipe) are covered by tests elsewhere that need their own set-up; their `expect.toml` names
that test (`test = "tests/…::name"`), and this file checks that the named test exists, so
the corpus stays a complete list of what the project defends against.

Keys of `expect.toml`: `issue` (0: the founding work's own hostile tests), `item`, `summary`
(required); `kind` ("payload" when
omitted, else anything, with `test`); for payloads `format`, and optionally `headlines`
(exact, in order), `body_contains`, `body_excludes`, `problems_contain` (substrings of the
envelope's problem lines), `feeds_no_elements` (elements no outbound feed's HTML may hold),
`stories` (how many stories the payload makes).
"""

from __future__ import annotations

import ast
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.channels.channels_support import make_settings
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport, utcnow
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import api_keys, envelopes
from wiredesk.store.schema import item_versions, items

CASES = Path(__file__).parent / "cases"
REPO = Path(__file__).resolve().parents[2]
_REQUIRED = ("issue", "item", "summary")
_PAYLOAD_KEYS = {
    "format",
    "headlines",
    "body_contains",
    "body_excludes",
    "problems_contain",
    "feeds_no_elements",
    "stories",
}


def _cases() -> Iterator[tuple[str, dict[str, Any], Path | None]]:
    for folder in sorted(p for p in CASES.iterdir() if p.is_dir()):
        expect = tomllib.loads((folder / "expect.toml").read_text("utf-8"))
        payloads = sorted(folder.glob("payload.*"))
        yield folder.name, expect, payloads[0] if payloads else None


ALL = list(_cases()) if CASES.is_dir() else []
PAYLOADS = [c for c in ALL if c[1].get("kind", "payload") == "payload"]
ELSEWHERE = [c for c in ALL if c[1].get("kind", "payload") != "payload"]


def test_the_corpus_is_complete_and_every_case_says_what_it_expects() -> None:
    assert ALL, f"no cases under {CASES}"
    for name, expect, payload in ALL:
        missing = [k for k in _REQUIRED if k not in expect]
        assert not missing, f"{name}: expect.toml lacks {missing}"
        if expect.get("kind", "payload") == "payload":
            assert payload is not None, f"{name}: a payload case needs a payload.<ext> file"
            unknown = set(expect) - _PAYLOAD_KEYS - set(_REQUIRED) - {"kind"}
            assert not unknown, f"{name}: unknown keys {sorted(unknown)}"
        else:
            assert "test" in expect, f"{name}: a {expect['kind']} case names the test covering it"


@pytest.mark.parametrize(("name", "expect"), [(n, e) for n, e, _ in ELSEWHERE], ids=str)
def test_a_case_covered_elsewhere_names_a_test_that_exists(
    name: str, expect: dict[str, Any]
) -> None:
    path, _, test = str(expect["test"]).partition("::")
    source = REPO / path
    assert source.is_file(), f"{name}: {path} does not exist"
    if test:
        wanted = test.split("[")[0].split("::")[-1]
        tree = ast.parse(source.read_text("utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert wanted in names, f"{name}: no test {wanted} in {path}"


@pytest.mark.parametrize(("name", "expect", "payload"), PAYLOADS, ids=[c[0] for c in PAYLOADS])
def test_a_hostile_payload_through_the_whole_path(
    name: str, expect: dict[str, Any], payload: Path, store: Database, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, "hi", editions=("en",))  # the cases are in both
    source = settings.source("ians")
    assert source is not None
    env = Envelope(
        source_id="ians",
        payload=payload.read_bytes(),
        transport=Transport.PUSH,
        location=f"hostile case {name}",
    )
    outcome = accept(settings, store, source, env)
    assert outcome.new, f"{name}: the payload was not taken"

    stored = _stored(store)
    headlines = [h for h, _ in stored]
    if "headlines" in expect:
        assert headlines == expect["headlines"], name
    if "stories" in expect:
        assert outcome.new_stories == expect["stories"], name
    bodies = " ".join(b for _, b in stored)  # each body's HTML and its text
    for text in expect.get("body_contains", []):
        assert text in bodies, f"{name}: no {text!r} in the stored bodies"
    for text in expect.get("body_excludes", []):
        assert text not in bodies, f"{name}: {text!r} is in a stored body"
    record = envelopes.get(store, outcome.envelope_id) or {}
    problems = "\n".join([*(outcome.problems or []), str(record.get("error") or "")])
    for text in expect.get("problems_contain", []):
        assert text in problems, f"{name}: no problem line with {text!r}: {problems!r}"

    client = TestClient(site_app(settings, store), follow_redirects=False)
    pages = []
    for edition in settings.site.editions:  # each copy is on its language's edition
        home = client.get(edition.prefix + "/")
        assert home.status_code == 200, name
        pages.append(home.text)
        for href in lxml.html.fromstring(home.text).xpath("//h2/a/@href"):
            page = client.get(str(href))
            assert page.status_code == 200, f"{name}: {href} answered {page.status_code}"
            pages.append(page.text)
    for page in pages:
        assert not _live_script(page), f"{name}: live script on a page: {_live_script(page)}"

    banned = {e.lower() for e in expect.get("feeds_no_elements", [])} | {"script"}
    in_bodies = set().union(*(_elements(body) for _, body in stored))
    for kind in ("/feed.xml", "/atom.xml", "/feed.json"):
        listed = 0
        for edition in settings.site.editions:
            path = edition.prefix + kind
            feed = client.get(path)
            assert feed.status_code == 200, f"{name}: {path} answered {feed.status_code}"
            entries = _entries(path, feed.content)
            listed += len(entries)
            for texts, bodies in entries:
                for markup in texts:  # a headline, teaser, byline or category
                    found = _elements(markup)
                    assert not found, f"{name}: {path}: {markup!r} makes {sorted(found)}"
                for markup in bodies:
                    found = _elements(markup) & banned
                    assert not found, f"{name}: {path} carries {sorted(found)}"
                    added = _elements(markup) - in_bodies
                    assert not added, f"{name}: {path} adds {sorted(added)} to the story"
                    assert not _live_script(markup), f"{name}: {path}: {_live_script(markup)}"
        assert listed == len(stored), f"{name}: the {kind} feeds list {listed}"

    # the subscribers' API: every copy, its headline as stored (JSON text), its HTML body as
    # careful as the feeds' (its text/plain body is text by its content type)
    key = api_keys.add(store, "hostile", sources=None, now=utcnow())
    served = _api_items(client, key)
    assert sorted(_headline(i) for i in served) == sorted(headlines), name
    for item in served:
        for body in item.get("bodies", []):
            if body["contenttype"] != "text/html":
                continue
            markup = str(body["value"])
            found = _elements(markup) & banned
            assert not found, f"{name}: /api/v1/items carries {sorted(found)}"
            added = _elements(markup) - in_bodies
            assert not added, f"{name}: /api/v1/items adds {sorted(added)} to the story"
            assert not _live_script(markup), f"{name}: /api/v1/items: {_live_script(markup)}"


def _api_items(client: TestClient, key: str) -> list[dict[str, Any]]:
    """Every copy /api/v1/items lists, page after page."""
    out: list[dict[str, Any]] = []
    url: str | None = "/api/v1/items"
    while url:
        page = client.get(url, headers={"Authorization": f"Bearer {key}"})
        assert page.status_code == 200, page.text
        out += page.json()["items"]
        url = page.json()["next"]
    return out


def _headline(item: dict[str, Any]) -> str:
    return next(str(h["value"]) for h in item["headlines"] if h["role"] == "main")


def _stored(store: Database) -> list[tuple[str, str]]:
    """(headline, body HTML and text) of every stored copy's current version, oldest first:
    an expectation may quote either."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(item_versions.c.headline, item_versions.c.body_html, item_versions.c.body_text)
            .select_from(
                items.join(item_versions, item_versions.c.id == items.c.current_version_id)
            )
            .order_by(items.c.id)
        ).all()
    return [(str(h), f"{html or ''}\n{text or ''}") for h, html, text in rows]


def _entries(path: str, data: bytes) -> list[tuple[list[str], list[str]]]:
    """Each entry of an outbound feed as (its text fields a consumer may render as HTML, its
    body fields): RSS and Atom through feedparser (its sanitizing off), JSON Feed by its own
    keys (its title, summary, authors and tags are plain text by the spec)."""
    if path.endswith(".json"):
        return [
            ([], [str(item["content_html"])] if "content_html" in item else [])
            for item in json.loads(data)["items"]
        ]
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    rss = path.endswith("/feed.xml")
    return [(list(_text_fields(entry, rss=rss)), _bodies(entry)) for entry in parsed.entries]


def _text_fields(entry: Any, *, rss: bool) -> Iterator[str]:
    """The entry's headline, teaser, byline and categories that a consumer renders as HTML:
    in RSS every one of them (it never says), in Atom those whose type says HTML."""
    for key in ("title", "summary"):
        detail = entry.get(f"{key}_detail")
        if detail is not None and (rss or "html" in str(detail.get("type", ""))):
            yield str(detail.get("value", ""))
    if rss:
        yield from (str(a.get("name", "")) for a in entry.get("authors", []))
        yield from (str(t.get("term", "")) for t in entry.get("tags", []))


def _bodies(entry: Any) -> list[str]:
    return [str(c.get("value", "")) for c in entry.get("content", [])]


def _tree(markup: str) -> Any:
    return lxml.html.fragment_fromstring(markup, create_parent="div")


def _elements(markup: str) -> set[str]:
    if "<" not in markup:
        return set()
    return {str(e.tag).lower() for e in _tree(markup).iter() if isinstance(e.tag, str)} - {"div"}


def _inert_script(e: Any) -> bool:
    """The site's own scripts: a file from /static/, or structured data for search engines
    (`application/ld+json`) that is whole JSON — a story that broke out of it would leave a
    fragment that does not parse, or a second script element."""
    if str(e.get("src", "")).startswith("/static/"):
        return True
    if e.get("type") != "application/ld+json":
        return False
    try:
        json.loads(e.text or "")
    except ValueError:
        return False
    return True


def _live_script(markup: str) -> list[str]:
    """What in this HTML would run: script elements (but the site's own: see `_inert_script`),
    event-handler attributes, `javascript:` URLs. Read from the parsed document, so a story
    that only talks about `onerror=` in its text is not mistaken for one."""
    found: list[str] = []
    root = lxml.html.document_fromstring(markup) if "<html" in markup[:500] else _tree(markup)
    for e in root.iter():
        if not isinstance(e.tag, str):
            continue
        if e.tag.lower() == "script" and not _inert_script(e):
            found.append("<script>")
        for attr, value in e.attrib.items():
            if attr.lower().startswith("on"):
                found.append(f"{e.tag} {attr}")
            if value.strip().lower().startswith("javascript:"):
                found.append(f"{e.tag} {attr}={value[:30]}")
    return found
