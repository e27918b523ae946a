"""`wiredesk ingest --once` hosts the pictures of what it stored, and `wiredesk sources`
(and `/health`) say which picture could not be hosted and why: the story went up without."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from starlette.testclient import TestClient

from tests.ingest.pictures.picture_support import photo
from wiredesk.cli.main import cli
from wiredesk.config import load_settings
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>एजेंसी</title><link>https://agency.example/</link>
<description>d</description><language>hi</language>
<item><guid isPermaLink="false">g-1</guid><title>मेला शुरू</title>
<pubDate>Thu, 05 Feb 2026 10:00:00 +0530</pubDate>
<description>नई दिल्ली, 5 फरवरी (एसबी)। मेला शुरू हुआ।</description>
<enclosure url="pictures/mela.jpg" type="image/jpeg" length="1"/></item>
<item><guid isPermaLink="false">g-2</guid><title>पुल खुला</title>
<pubDate>Thu, 05 Feb 2026 10:05:00 +0530</pubDate>
<description>नई दिल्ली, 5 फरवरी (एसबी)। पुल खुला।</description>
<enclosure url="pictures/missing.jpg" type="image/jpeg" length="1"/></item>
</channel></rss>"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def ingested(tmp_path: Path) -> Path:
    """A settings file whose one source's feed names two pictures, one of them missing,
    after `wiredesk ingest --once`."""
    feed = tmp_path / "wire" / "feed.xml"
    (feed.parent / "pictures").mkdir(parents=True)
    feed.write_text(RSS, encoding="utf-8")
    (feed.parent / "pictures" / "mela.jpg").write_bytes(photo(900, 600))
    config = tmp_path / "wiredesk.toml"
    config.write_text(
        f"""[site]
language = "hi"
base_url = "https://news.example"
data_dir = "data"

[[sources]]
id = "sb"
name = "SB"
url = "{feed.as_uri()}"
images = "host"
""",
        encoding="utf-8",
    )
    assert invoke("ingest", "--once", "--config", str(config)).exit_code == 0
    return config


def test_ingest_once_hosts_pictures_and_sources_names_the_one_that_failed(
    tmp_path: Path,
) -> None:
    config = ingested(tmp_path)
    assert len(list((tmp_path / "data" / "media").rglob("*.webp"))) == 3

    table = invoke("sources", "--config", str(config))
    assert "1 picture(s) not hosted in 24 h; last: picture pictures/missing.jpg: no file" in (
        " ".join(table.output.split())
    )
    [row] = [json.loads(line) for line in invoke("sources", "--json", "--config", str(config))
             .output.splitlines()]  # fmt: skip
    assert row["pictures_failed_24h"] == 1
    assert row["last_picture_error"].startswith("picture pictures/missing.jpg: no file ")

    settings = load_settings(config)
    db = Database.open(settings.site.database)
    try:
        client = TestClient(site_app(settings, db))
        health = client.get("/health").json()
        assert health["status"] == "ok"  # the stories are up; a picture is no outage
        assert health["sources"]["pictures_failing"] == ["sb"]
        home = client.get("/").text
        assert "मेला शुरू" in home and "पुल खुला" in home
    finally:
        db.close()


def test_the_pictures_command_counts_them_and_remakes_their_sizes(tmp_path: Path) -> None:
    config = ingested(tmp_path)
    shown = invoke("pictures", "--config", str(config)).output
    assert "1 picture(s) hosted in " in shown and "sources hosting pictures: sb" in shown
    assert "sb: 1 picture(s) not hosted in 24 h; last: picture pictures/missing.jpg" in shown

    media = tmp_path / "data" / "media"
    [largest] = [p for p in media.rglob("*-900.jpg")]
    largest.unlink()  # damage: a rendition lost
    remade = invoke("pictures", "--remake", "--config", str(config))
    assert "re-made the sizes of 1 picture(s)" in remade.output
    assert largest.is_file()

    [original] = list(media.rglob("*.original"))
    original.unlink()  # pruned to save room: the sizes stay, and can no longer be re-made
    remade = invoke("pictures", "--remake", "--config", str(config))
    assert "re-made the sizes of 0 picture(s)" in remade.output
    assert "1 picture(s) have no original left" in remade.output
    assert largest.is_file()
