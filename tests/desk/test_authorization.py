"""The authorization matrix: every route of the desk, asked by anonymous, viewer, editor and
admin, answers as designed.

The routes are read from the site application's own router, so a route added to the desk
without an entry in `ROUTES` fails here until someone says which role it needs; and a route
whose handler skipped `guard.require` fails the anonymous and lower-role rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from tests.desk.desk_support import DeskSite, csrf_of, make_site
from tests.desk.desk_wire import wire
from wiredesk.desk.roles import Role
from wiredesk.store.ledger import desk_views

# (method, path) -> (the least role that may, what that role gets when it may)
ROUTES: dict[tuple[str, str], tuple[Role | None, int]] = {
    ("GET", "/desk/"): (Role.VIEWER, 200),
    ("GET", "/desk/login"): (None, 200),
    ("POST", "/desk/login"): (None, 401),  # an empty name and password: wrong, but asked
    ("POST", "/desk/logout"): (Role.VIEWER, 303),
    ("GET", "/desk/sessions"): (Role.VIEWER, 200),
    ("POST", "/desk/sessions"): (Role.VIEWER, 303),
    ("GET", "/desk/users"): (Role.ADMIN, 200),
    ("POST", "/desk/users"): (Role.ADMIN, 400),  # an empty form: refused for what it says
    ("POST", "/desk/users/{name}/disable"): (Role.ADMIN, 303),
    ("POST", "/desk/users/{name}/enable"): (Role.ADMIN, 303),
    ("GET", "/desk/rules"): (Role.VIEWER, 200),
    ("GET", "/desk/desk.css"): (None, 200),
    ("GET", "/desk/held"): (Role.VIEWER, 200),
    # no such copy waiting: refused for what it names, after the role and token checks
    ("POST", "/desk/held/{item:int}/approve"): (Role.EDITOR, 404),
    ("POST", "/desk/held/{item:int}/fix"): (Role.EDITOR, 404),
    ("POST", "/desk/held/{item:int}/reject"): (Role.EDITOR, 404),
    ("GET", "/desk/sources"): (Role.VIEWER, 200),
    ("POST", "/desk/sources/reprocess"): (Role.EDITOR, 400),  # an empty form: which payload?
    ("GET", "/desk/audit"): (Role.VIEWER, 200),
    ("GET", "/desk/incoming"): (Role.VIEWER, 200),
    ("GET", "/desk/stories/{story_id}"): (Role.VIEWER, 200),
    # an empty form: refused for what it says (no reason), the story left as it was
    ("POST", "/desk/stories/{story_id}/take-down"): (Role.EDITOR, 400),
    ("POST", "/desk/stories/{story_id}/restore"): (Role.EDITOR, 400),
    ("GET", "/desk/copies/{short_id}"): (Role.VIEWER, 303),  # on to its story
    ("POST", "/desk/copies/{short_id}/kill"): (Role.EDITOR, 400),
}
# What a signed-in browser gets from the open routes, where that differs.
SIGNED_IN = {
    ("GET", "/desk/login"): 303,  # on to the desk
    # the sign-in form takes only its own token, which a signed-in browser never has
    ("POST", "/desk/login"): 403,
}
IDENTITIES = ("anonymous", "viewer", "editor", "admin")


def desk_routes(site: DeskSite) -> set[tuple[str, str]]:
    """Every (method, path) the site's application routes to the desk."""
    found: set[tuple[str, str]] = set()
    [mount] = [r for r in site.app.routes if isinstance(r, Mount) and r.path == "/desk"]
    for route in mount.routes:
        assert isinstance(route, Route), f"{route!r}: the matrix knows only plain routes"
        for method in route.methods or ():
            if method != "HEAD":  # Starlette adds HEAD to every GET
                found.add((method, "/desk" + route.path))
    return found


@pytest.fixture
def matrix_site(tmp_path: Path) -> DeskSite:  # type: ignore[misc]
    with make_site(tmp_path) as made:
        for role in ("viewer", "editor", "admin"):
            made.add(role, role)
        made.add("target", "editor")
        wire(made.db, "ians", "i1", 0)  # a copy, in a story of its own, to ask about
        yield made


def test_every_desk_route_is_in_the_matrix(matrix_site: DeskSite) -> None:
    routed = desk_routes(matrix_site)
    missing = sorted(routed - set(ROUTES))
    assert not missing, f"desk routes with no expected role in ROUTES: {missing}"
    gone = sorted(set(ROUTES) - routed)
    assert not gone, f"ROUTES names routes the desk no longer has: {gone}"


def _browser(site: DeskSite, identity: str) -> tuple[TestClient, str]:
    """A browser as `identity` and a form token it would have from a page of its own."""
    if identity == "anonymous":
        browser = site.client()
        return browser, csrf_of(browser.get("/desk/login").text)
    browser = site.signed_in(identity)
    return browser, csrf_of(browser.get("/desk/").text)


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize(("method", "path"), sorted(ROUTES), ids=lambda v: str(v))
def test_the_matrix(matrix_site: DeskSite, method: str, path: str, identity: str) -> None:
    needed, granted = ROUTES[(method, path)]
    browser, token = _browser(matrix_site, identity)
    [copy] = desk_views.incoming(matrix_site.db, matrix_site.clock()).copies
    url = (
        path.replace("{name}", "target")
        .replace("{item:int}", "999")
        .replace("{story_id}", str(copy.story_id))
        .replace("{short_id}", copy.short_id)
    )
    answer = browser.get(url) if method == "GET" else browser.post(url, data={"csrf": token})

    role = None if identity == "anonymous" else Role(identity)
    may = needed is None or (role is not None and role.allows(needed))
    if may:
        expected = granted if role is None else SIGNED_IN.get((method, path), granted)
        assert answer.status_code == expected, answer.text[:300]
        location = answer.headers.get("location", "")
        assert "next=" not in location, "sent to sign in although allowed"
    elif role is None and method == "GET":
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/desk/login?next={url}"
    else:
        assert answer.status_code == 403, answer.text[:300]
        if path == "/desk/users/{name}/disable":
            [target] = [p for p in matrix_site.accounts.people() if p.account.name == "target"]
            assert not target.account.disabled  # refused means nothing happened
        if method == "POST" and ("/desk/stories/" in path or "/desk/copies/" in path):
            [after] = desk_views.incoming(matrix_site.db, matrix_site.clock()).copies
            assert after.state == "published"
