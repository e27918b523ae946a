"""The API's half of the authorization matrix: every route of `/api/v1`, asked with no
credentials, with a desk admin's signed-in session and nothing else, with a key scoped to
another agency, and with a key that may read it.

The desk and the API share one application and one origin, so a desk session must never be
taken as an API credential (the API is for other systems, by key only), and a key's scope
must hold on every route, not only on the lists. The routes are read from the application's
own router: a route added to the API without a row here fails until someone says what it
answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.routing import Mount, Route, Router

from tests.desk.desk_support import T0, DeskSite, make_site
from tests.store.store_support import envelope, wire_item
from wiredesk.store.ledger import api_keys, copies

# path -> (what a key that may read it gets, what a key of another agency gets)
ROUTES: dict[str, tuple[int, int]] = {
    "/api/v1/items": (200, 200),  # the list is its sources' only (test_api_v1.py)
    "/api/v1/items/{short_id}": (200, 403),
    "/api/v1/items/{short_id}/versions": (200, 403),
    "/api/v1/stories": (200, 200),
    "/api/v1/stories/{story_id}": (200, 404),  # a story is found through the key's sources
}
OPEN = {"/api/openapi.json"}  # the API's description is public, as its docs are


def api_paths(site: DeskSite) -> set[str]:
    found: set[str] = set()
    [mount] = [r for r in site.app.routes if isinstance(r, Mount) and r.path == "/api"]
    router = mount.app
    assert isinstance(router, Router)
    for route in router.routes:
        assert isinstance(route, Route), f"{route!r}: the matrix knows only plain routes"
        found.add("/api" + route.path)
    return found


@pytest.fixture
def api_site(tmp_path: Path) -> Iterator[tuple[DeskSite, dict[str, str]]]:
    with make_site(tmp_path) as site:
        site.clock.now = T0
        site.add("boss", "admin")
        [saved] = copies.save(site.db, "ians", [wire_item("g1")], envelope(site.db), now=T0)
        site.clock.advance(minutes=5)
        with site.db.engine.connect() as conn:
            story = conn.exec_driver_sql(
                "SELECT story_id FROM items WHERE short_id = ?", (saved.short_id,)
            ).scalar_one()
        yield site, {"short_id": saved.short_id, "story_id": str(story)}


def test_every_api_route_is_in_the_matrix(api_site: tuple[DeskSite, dict[str, str]]) -> None:
    site, _ = api_site
    assert api_paths(site) == set(ROUTES) | OPEN


def test_every_api_route_answers_each_caller_as_designed(
    api_site: tuple[DeskSite, dict[str, str]],
) -> None:
    site, ids = api_site
    reader = api_keys.add(site.db, "ians-reader", sources=["ians"], now=T0)
    stranger = api_keys.add(site.db, "pti-reader", sources=["pti"], now=T0)
    admin = site.signed_in("boss")  # a desk session, cookie and all
    anonymous = site.client()
    for template, (allowed, other_agency) in ROUTES.items():
        path = template.format(**ids)
        for browser, who in ((anonymous, "anonymous"), (admin, "a desk admin's session")):
            r = browser.get(path)
            assert r.status_code == 401, (path, who, r.status_code)
            assert r.headers["www-authenticate"].startswith("Bearer"), (path, who)
            assert "मुलाकात" not in r.text, (path, who)
        r = anonymous.get(path, headers={"Authorization": f"Bearer {reader}"})
        assert r.status_code == allowed, (path, r.text)
        r = anonymous.get(path, headers={"Authorization": f"Bearer {stranger}"})
        assert r.status_code == other_agency, (path, r.text)
        assert "मुलाकात" not in r.text, path  # nothing of the other agency's story leaks
    for path in OPEN:
        assert anonymous.get(path).status_code == 200
