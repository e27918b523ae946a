"""Every response carries a Content-Security-Policy (and nosniff, Referrer-Policy), and the
pages use nothing that policy forbids, so it protects readers without breaking the site."""

from __future__ import annotations

import lxml.html
import pytest
from starlette.testclient import TestClient

from tests.channels.channels_support import Filler, story_item
from wiredesk.channels.web.security import CONTENT_SECURITY_POLICY


def directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_secured(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    policy = directives(headers["content-security-policy"])
    assert policy["script-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_every_kind_of_response_carries_the_security_headers(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1))
    home = hi_client.get("/")
    article_path = lxml.html.fromstring(home.text).xpath("//h2[@class='headline']/a/@href")[0]
    css = lxml.html.fromstring(home.text).xpath("//link[@rel='stylesheet']/@href")[0]
    responses = {
        "home": home,
        "section": hi_client.get("/videsh/"),
        "article": hi_client.get(article_path),
        "rss": hi_client.get("/feed.xml"),
        "atom": hi_client.get("/atom.xml"),
        "json feed": hi_client.get("/feed.json"),
        "stylesheet": hi_client.get(css),
        "health": hi_client.get("/health"),
        "not found": hi_client.get("/no-such-section/"),
        "push refused": hi_client.post("/ingest/ians", content=b"x"),
    }
    for name, response in responses.items():
        assert response.status_code < 500, name
        assert_secured(response)
    assert responses["article"].status_code == 200
    assert responses["not found"].status_code == 404


@pytest.mark.parametrize("path", ["/", "/videsh/", "article"])
def test_pages_use_only_what_the_policy_allows(
    hi_client: TestClient, fill: Filler, path: str
) -> None:
    """No inline script or style, no third-party stylesheet, font or script: under
    `style-src 'self'; script-src 'none'` the page looks exactly as without the policy."""
    fill(story_item(1, body_html="<p>पाठ <a href='https://example.org/x'>कड़ी</a></p>"))
    if path == "article":
        home = lxml.html.fromstring(hi_client.get("/").text)
        path = home.xpath("//h2[@class='headline']/a/@href")[0]
    page = hi_client.get(path)
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.text)
    # no script but an article's JSON-LD, a data block browsers never run
    for script in doc.xpath("//script"):
        assert script.get("type") == "application/ld+json" and script.get("src") is None
    assert doc.xpath("//style") == []
    assert doc.xpath("//@style") == []
    assert [a for a in doc.xpath("//@*") if a.attrname.lower().startswith("on")] == []
    for href in doc.xpath("//link[@rel='stylesheet' or @rel='preload']/@href"):
        assert href.startswith("/"), href  # same origin
        assert hi_client.get(href).status_code == 200


def test_the_policy_names_no_other_origin_for_scripts_or_styles() -> None:
    policy = directives(CONTENT_SECURITY_POLICY)
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'"]  # hosted pictures and the favicon; no agency host
