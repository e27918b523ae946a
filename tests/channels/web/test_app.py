"""The site's HTTP surface against hostile requests, on a real server (issue 13, item 6):
numbers too long for a cursor, and a `Host` header that must not steer a redirect."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.channels.channels_support import make_settings
from tests.live_site import serving
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database


@pytest.fixture
def port(tmp_path: Path) -> Iterator[int]:
    settings = make_settings(tmp_path, "en")
    db = Database.open(f"sqlite:///{tmp_path / 'wiredesk.db'}")
    try:
        with serving(settings, site_app(settings, db)) as port:
            yield port
    finally:
        db.close()


def get(port: int, target: str, **headers: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", target, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.mark.parametrize(
    "target",
    [
        "/?older=20260101000000000000-" + "9" * 5000,  # past int()'s 4,300 digits
        "/?older=20260101000000000000-9223372036854775808",  # one past a 64-bit id
        "/?older=20260101000000000000-99999999999999999999",
        "/videsh/?older=20260101000000000000-" + "9" * 5000,
    ],
)
def test_a_page_cursor_with_a_number_too_long_answers_404(port: int, target: str) -> None:
    assert get(port, target).status == 404


def test_an_old_numbered_page_of_any_length_goes_to_the_newest_page(port: int) -> None:
    """`?page=N` is from before cursors: whatever N, the newest page (docs/design-notes.md)."""
    response = get(port, "/?page=" + "9" * 5000)
    assert response.status == 301
    assert response.getheader("location") == "/"


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/videsh", "/videsh/"),
        ("/videsh/some-story-abcd2345/?x=1", "/videsh/some-story-abcd2345?x=1"),
    ],
)
def test_the_trailing_slash_redirect_ignores_the_host_header(
    port: int, target: str, location: str
) -> None:
    response = get(port, target, Host="evil.example")
    assert response.status == 307
    assert response.getheader("location") == location


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example/"])
def test_no_redirect_to_another_site_from_a_path(port: int, target: str) -> None:
    response = get(port, target)
    location = response.getheader("location") or ""
    assert not location.startswith(("//", "/\\", "http")), location
