"""`wiredesk sources`: the operator's view of every source after real polls."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from wiredesk.cli.main import cli
from wiredesk.config import load_settings
from wiredesk.runtime import embedded
from wiredesk.store.ledger import source_state

RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>एजेंसी</title>'
    "<link>https://agency.example/</link><description>d</description><language>hi</language>"
    "{items}</channel></rss>"
)
ITEM = (
    '<item><guid isPermaLink="false">g-{n}</guid><title>खबर {n}</title>'
    "<pubDate>Thu, 05 Feb 2026 10:00:00 +0530</pubDate>"
    "<description>नई दिल्ली, 5 फरवरी (एसबी)। खबर {n} का पाठ।</description></item>"
)
TOKEN = "t" * 32


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_config(tmp_path: Path, db_url: str, *, extra: str = "") -> Path:
    feed = tmp_path / "ians.xml"
    feed.write_text(RSS.format(items=ITEM.format(n=1) + ITEM.format(n=2)), encoding="utf-8")
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        f"""[site]
language = "hi"
base_url = "https://news.example"
timezone = "Asia/Kolkata"
database = "{db_url}"

[[sources]]
id = "ians"
name = "IANS"
url = "{feed.as_uri()}"

[[sources]]
id = "gone"
name = "Gone Wire"
url = "{(tmp_path / "missing.xml").as_uri()}"

[[sources]]
id = "pushed"
name = "Push Wire"
push_token = "{TOKEN}"
{extra}""",
        encoding="utf-8",
    )
    return cfg


def rows(result: Result) -> dict[str, dict[str, object]]:
    return {r["id"]: r for r in map(json.loads, result.output.splitlines())}


def test_each_source_shows_its_state_last_error_and_recent_items(
    tmp_path: Path, db_url: str
) -> None:
    cfg = write_config(tmp_path, db_url)
    assert invoke("ingest", "--once", "--config", str(cfg)).exit_code == 1  # "gone" failed

    first = rows(invoke("sources", "--config", str(cfg), "--json"))
    assert list(first) == ["ians", "gone", "pushed"]  # the settings' order
    assert first["ians"]["state"] == "ok" and first["ians"]["items_24h"] == 2
    assert first["ians"]["last_success_at"] is not None and first["ians"]["last_error"] is None
    assert first["gone"]["state"] == "failing"
    assert "missing.xml does not exist" in str(first["gone"]["last_error"])
    assert first["gone"]["last_success_at"] is None
    assert first["pushed"]["state"] == "push-only" and first["pushed"]["next_poll_at"] is None

    invoke("ingest", "--once", "--config", str(cfg))  # a second failure in a row
    again = rows(invoke("sources", "--config", str(cfg), "--json"))
    assert again["gone"]["state"] == "backing off"
    assert again["gone"]["consecutive_failures"] == 2
    assert again["ians"]["items_24h"] == 2  # nothing new arrived: the same two stories

    text = invoke("sources", "--config", str(cfg))
    assert text.exit_code == 0
    lines = text.output.splitlines()
    assert lines[0].split()[:2] == ["SOURCE", "STATE"]
    ians = next(line for line in lines if line.startswith("ians "))
    assert " ok " in ians and " IST (" in ians  # the site's time zone, with "... ago"
    gone = next(line for line in lines if line.startswith("gone "))
    assert "backing off" in gone and gone.endswith("; create it or fix sources.gone.url")


def test_a_source_added_later_is_never_polled_and_a_redirect_shows_the_new_url(
    tmp_path: Path, db_url: str
) -> None:
    cfg = write_config(tmp_path, db_url)
    invoke("ingest", "--once", "--config", str(cfg))
    later = (tmp_path / "later.xml").as_uri()
    write_config(
        tmp_path, db_url, extra=f'\n[[sources]]\nid = "later"\nname = "Later"\nurl = "{later}"\n'
    )
    # What the poller records after a permanent redirect: the new URL, for these settings.
    settings = load_settings(cfg)
    store = embedded.open_database(settings)
    ians_url = settings.source("ians").location  # type: ignore[union-attr]
    source_state.update_state(store, "ians", url="file:///moved/ians.xml", configured_url=ians_url)
    store.close()

    out = rows(invoke("sources", "--config", str(cfg), "--json"))
    assert out["later"]["state"] == "never polled" and out["later"]["last_polled_at"] is None
    assert out["ians"]["url"] == "file:///moved/ians.xml" and out["ians"]["moved"] is True
    assert out["gone"]["moved"] is False
    text = invoke("sources", "--config", str(cfg)).output
    assert f"file:///moved/ians.xml (moved from {ians_url})" in text


def test_a_bad_settings_file_is_one_line(tmp_path: Path) -> None:
    result = invoke("sources", "--config", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "file not found" in result.output
