"""The demo's site: the Hindi agencies at `/`, the English one as an edition at `/en/`, and
each subject one section whichever language an agency files it in (no देश beside नेशनल)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
from click.testing import CliRunner
from starlette.testclient import TestClient

from wiredesk.cli.main import cli
from wiredesk.config import load_settings
from wiredesk.demo.runner import write_demo_files
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database


def nav_names(html: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    return [a.text_content() for a in doc.xpath("//nav[@class='section-nav']//a")]


def cards(html: str) -> list[tuple[str, str]]:
    """(the card's lang, its kicker) of each story on a list page."""
    doc = lxml.html.fromstring(html)
    return [
        (li.get("lang"), li.findtext(".//p[@class='kicker']/a"))
        for li in doc.xpath("//li[contains(@class,'story-card')]")
    ]


def test_the_demo_publishes_hindi_at_the_root_and_english_at_en_in_four_sections(
    tmp_path: Path,
) -> None:
    config = write_demo_files(tmp_path, 8000)
    result = CliRunner().invoke(cli, ["ingest", "--once", "--config", str(config)])
    assert result.exit_code == 0, result.output
    settings = load_settings(config)
    store = Database.open(settings.site.database)
    try:
        client = TestClient(site_app(settings, store))
        hi, en = client.get("/").text, client.get("/en/").text
        assert nav_names(hi) == ["होम", "देश", "विदेश", "खेल", "व्यापार"]
        assert nav_names(en) == ["Home", "National", "World", "Sports", "Business"]
        assert cards(hi) and {lang for lang, _ in cards(hi)} == {"hi"}
        assert cards(en) and {lang for lang, _ in cards(en)} == {"en"}
        assert {kicker for _, kicker in cards(en)} <= {"National", "World", "Sports", "Business"}
        assert client.get("/national/").status_code == 404
    finally:
        store.close()
