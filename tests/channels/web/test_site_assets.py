"""The stylesheet and the self-hosted web font: served, typed, cached, referenced, small."""

from __future__ import annotations

import io
import re

import brotli
from fontTools.ttLib import TTFont
from starlette.testclient import TestClient

from wiredesk.channels.i18n import strings
from wiredesk.channels.web.assets import FONT_FILE

FONT_PATH = "/static/fonts/NotoSansDevanagari-subset.woff2"


def font_href(client: TestClient) -> str:
    [href] = re.findall(r'<link rel="preload" href="([^"]+)" as="font"', client.get("/").text)
    return str(href)


def test_font_is_a_small_woff2_served_with_its_type_and_a_far_future_cache(
    hi_client: TestClient,
) -> None:
    href = font_href(hi_client)
    assert href.startswith(FONT_PATH + "?v=")
    resp = hi_client.get(href, headers={"accept-encoding": "br, gzip"})
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "font/woff2"
    assert "content-encoding" not in resp.headers  # WOFF2 is brotli inside already
    assert "max-age=31536000" in resp.headers["cache-control"]
    assert resp.content == FONT_FILE.read_bytes() and resp.content[:4] == b"wOF2"
    assert len(resp.content) <= 120 * 1024  # every weight the site uses, in one file
    font = TTFont(io.BytesIO(resp.content))
    assert [a.axisTag for a in font["fvar"].axes] == ["wght"]
    [wght] = font["fvar"].axes
    assert (wght.minValue, wght.maxValue) == (400, 800)


def test_the_old_ttf_is_not_preloaded_or_served(hi_client: TestClient) -> None:
    page = hi_client.get("/").text
    assert ".ttf" not in page and 'type="font/woff2"' in page
    assert hi_client.get("/static/fonts/NotoSansDevanagari.ttf").status_code == 404


def test_the_font_has_every_letter_the_site_s_own_words_use() -> None:
    cmap = TTFont(FONT_FILE).getBestCmap()
    for language in ("hi", "en"):
        for text in strings(language).values():
            missing = {c for c in text if ord(c) not in cmap}
            assert not missing, (language, text, missing)
    for sign in "₹–—‘’“”…·×०१२३४५६७८९।॥ऩ़ँंःॐ\u200c\u200d\u25cc":
        assert ord(sign) in cmap, sign


def test_font_licence_is_served(hi_client: TestClient) -> None:
    resp = hi_client.get("/static/fonts/OFL.txt")
    assert resp.status_code == 200
    assert "SIL Open Font License" in resp.text
    font = TTFont(FONT_FILE)  # the subset keeps the notices the licence asks to keep
    assert "Noto Project Authors" in font["name"].getDebugName(0)
    assert "Open Font License" in font["name"].getDebugName(13)


def test_pages_link_a_stylesheet_that_declares_the_font(hi_client: TestClient) -> None:
    page = hi_client.get("/").text
    [href] = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    css = hi_client.get(href)
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    face = re.search(r"@font-face\s*{([^}]*)}", css.text)
    assert face is not None
    assert 'font-family: "Noto Sans Devanagari"' in face.group(1)
    # the very URL the page preloads, or the browser fetches the font twice
    assert f'url({font_href(hi_client)}) format("woff2")' in face.group(1)
    assert "U+0900-097F" in face.group(1) and "U+0020-007E" in face.group(1)
    assert "font-display: swap" in face.group(1) and "font-weight: 400 800" in face.group(1)
    assert re.search(r'--sans:\s*"Noto Sans Devanagari"', css.text)


def test_the_stylesheet_goes_out_compressed(hi_client: TestClient) -> None:
    page = hi_client.get("/").text
    [href] = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    plain = hi_client.get(href, headers={"accept-encoding": "identity"})
    with hi_client.stream("GET", href, headers={"accept-encoding": "br"}) as resp:
        packed = b"".join(resp.iter_raw())
        assert resp.headers["content-encoding"] == "br"
        assert resp.headers["vary"] == "Accept-Encoding"
        assert int(resp.headers["content-length"]) == len(packed)
    assert brotli.decompress(packed) == plain.content
    assert len(packed) < len(plain.content) / 3


def test_unknown_static_files_are_404(hi_client: TestClient) -> None:
    for path in ("/static/nope.css", "/static/../web/app.py", "/static/fonts/"):
        assert hi_client.get(path).status_code == 404, path
