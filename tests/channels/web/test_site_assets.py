"""The stylesheet and the self-hosted Devanagari font: served, typed, cached, referenced."""

from __future__ import annotations

import re

import fontpkg_noto_sans_devanagari as noto
from starlette.testclient import TestClient


def test_font_is_served_with_its_type_and_a_far_future_cache(hi_client: TestClient) -> None:
    resp = hi_client.get("/static/fonts/NotoSansDevanagari.ttf")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "font/ttf"
    assert "max-age=31536000" in resp.headers["cache-control"]
    assert resp.content == (noto.ROOT / "files" / "NotoSansDevanagari[wdth,wght].ttf").read_bytes()


def test_font_licence_is_served(hi_client: TestClient) -> None:
    resp = hi_client.get("/static/fonts/OFL.txt")
    assert resp.status_code == 200
    assert "SIL Open Font License" in resp.text


def test_pages_link_a_stylesheet_that_declares_the_font(hi_client: TestClient) -> None:
    page = hi_client.get("/").text
    [href] = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    css = hi_client.get(href)
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    face = re.search(r"@font-face\s*{([^}]*)}", css.text)
    assert face is not None
    assert 'font-family: "Noto Sans Devanagari"' in face.group(1)
    assert 'url(/static/fonts/NotoSansDevanagari.ttf) format("truetype")' in face.group(1)
    assert "U+0900-097F" in face.group(1) and "font-display: swap" in face.group(1)
    assert re.search(r'--sans:\s*"Noto Sans Devanagari"', css.text)


def test_unknown_static_files_are_404(hi_client: TestClient) -> None:
    for path in ("/static/nope.css", "/static/../web/app.py", "/static/fonts/"):
        assert hi_client.get(path).status_code == 404, path
