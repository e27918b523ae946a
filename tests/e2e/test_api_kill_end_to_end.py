"""An agency's kill, through the real ingest path, reaches a subscriber as `canceled`: the
demo's NewsML-G2 messages dropped into a source's folder, `wiredesk ingest --once`, a key
made with `wiredesk apikey add`, and the API of the site over the same SQLite file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from click.testing import CliRunner
from starlette.testclient import TestClient

from wiredesk.cli.main import cli
from wiredesk.config import load_settings
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database

SAMPLES = Path(__file__).parents[2] / "src" / "wiredesk" / "demo" / "samples"
STADIUM = "पुराने स्टेडियम की जमीन पर मॉल बनाने की योजना"


def drop(src: Path, inbox: Path) -> None:
    """A file as an agency leaves it: complete, written a while ago (no settling to wait)."""
    text = src.read_text(encoding="utf-8").replace("__EMBARGO__", "2026-02-05T10:00:00+05:30")
    target = inbox / src.name
    target.write_text(text, encoding="utf-8")
    os.utime(target, (1_700_000_000, 1_700_000_000))


def test_an_agency_kill_is_canceled_in_the_api_after_ingest(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = tmp_path / "wiredesk.toml"
    config.write_text(
        '[site]\nname = "t"\nlanguage = "hi"\nbase_url = "https://news.example"\n'
        'data_dir = "data"\n'
        '[[sources]]\nid = "vv"\nname = "वार्ता वाहिनी"\nfolder = "inbox"\n',
        encoding="utf-8",
    )
    run = CliRunner()
    drop(SAMPLES / "vartavahini" / "001-message.xml", inbox)
    ingested = run.invoke(cli, ["ingest", "--once", "--config", str(config)])
    assert ingested.exit_code == 0, ingested.output
    made = run.invoke(cli, ["apikey", "add", "partner", "--sources", "vv", "--config", str(config)])
    assert made.exit_code == 0, made.output
    auth = {"Authorization": f"Bearer {made.stdout.strip()}"}

    settings = load_settings(config)
    db = Database.open(settings.site.database)
    try:
        api = TestClient(site_app(settings, db))

        def stadium() -> dict:  # type: ignore[type-arg]
            listed = api.get("/api/v1/items?source=vv&limit=100", headers=auth).json()["items"]
            [found] = [o for o in listed if "stadium" in str(o["altids"])]
            return found

        before = stadium()
        assert before["pubstatus"] == "usable"
        assert before["headlines"][0]["value"].startswith(STADIUM)

        shutil.rmtree(inbox)
        inbox.mkdir()
        drop(SAMPLES / "vartavahini-updates" / "003-kill.xml", inbox)
        again = run.invoke(cli, ["ingest", "--once", "--config", str(config)])
        assert again.exit_code == 0, again.output

        after = stadium()
        assert after["uri"] == before["uri"]
        assert after["pubstatus"] == "canceled"
        assert "bodies" not in after and STADIUM not in str(after)
        canceled = api.get("/api/v1/items?state=canceled", headers=auth).json()["items"]
        assert [o["uri"] for o in canceled] == [before["uri"]]
    finally:
        db.close()
