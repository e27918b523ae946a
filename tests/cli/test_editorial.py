"""`wiredesk approve`: a story held for editors goes live on every channel, audited."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.cli.test_main import TWO_STORIES, write_config
from wiredesk.cli.main import cli
from wiredesk.config import load_settings
from wiredesk.runtime.embedded import site_app
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_a_held_story_is_public_only_after_approval(tmp_path: Path, db_url: str) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(TWO_STORIES, encoding="utf-8")
    source = (
        f'[[sources]]\nid = "wire"\nname = "Wire"\nurl = "{feed.as_uri()}"\nauto_publish = false\n'
    )
    cfg = write_config(tmp_path, db_url, source)
    assert invoke("ingest", "--once", "--config", str(cfg)).exit_code == 0
    settings = load_settings(cfg)
    store = Database.open(settings.site.database)
    client = TestClient(site_app(settings, store, follow_changes_every=0))
    try:
        assert "पहली खबर" not in client.get("/").text
        assert "पहली खबर" not in client.get("/feed.xml").text
        [held] = [
            r for r in operator.copy_statuses(store, state="held") if r.headline == "पहली खबर"
        ]

        done = invoke("approve", held.short_id, "--config", str(cfg))
        assert done.exit_code == 0, done.output
        assert f"approved {held.short_id}" in done.output

        assert "पहली खबर" in client.get("/").text
        assert "पहली खबर" in client.get("/feed.xml").text
        assert "दूसरी खबर" not in client.get("/").text  # the other one is still held
        assert client.get(held.path).status_code == 200
        [entry] = operator.audit_entries(store, editorial.find_copy(store, held.short_id))
        assert entry.action == "approve" and entry.actor.startswith("editor ")

        again = invoke("approve", held.short_id, "--config", str(cfg))
        assert again.exit_code == 0 and "was not held" in again.output
        unknown = invoke("approve", "no-such-story", "--config", str(cfg))
        assert unknown.exit_code == 2 and "no story matches" in unknown.output
    finally:
        store.close()
