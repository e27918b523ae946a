"""`wiredesk approve`, `kill` and `restore`: editors' acts from the command line, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.cli.test_main import TWO_STORIES, ingested_site, items_json, write_config
from tests.cli.test_main import invoke as run
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


def test_a_story_is_killed_by_its_id_and_restored_from_the_command_line(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "asha")
    cfg = ingested_site(tmp_path, db_url)
    victim = next(r for r in items_json(cfg) if r["headline"] == "पहली खबर")
    story, url = victim["story_id"], str(victim["url"])

    done = run("kill", f"story:{story}", "--reason", "court order", "--config", str(cfg))
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == (
        f"story {story}: 1 copy down (wire {url}); later copies of it will stay down"
    )
    again = run("kill", str(story), "--reason", "x", "--config", str(cfg))
    assert again.exit_code == 0 and again.stdout.strip().endswith("already down, nothing to do")
    assert [r["headline"] for r in items_json(cfg, "--state", "withdrawn")] == ["पहली खबर"]

    back = run("restore", str(victim["short_id"]), "--reason", "order lifted", "--config", str(cfg))
    assert back.exit_code == 0, back.output
    assert back.stdout.strip() == f"story {story} restored: 1 of 1 copies public (wire {url})"
    assert items_json(cfg, "--state", "withdrawn") == []
    store = Database.open(load_settings(cfg).site.database)
    try:
        entries = operator.audit_entries(store, editorial.find_copy(store, url))
    finally:
        store.close()
    assert [(e.action, e.actor, e.reason) for e in entries] == [
        ("story taken down", "editor asha", "court order"),
        ("story restored", "editor asha", "order lifted"),
    ]

    up = run("restore", f"story:{story}", "--reason", "x", "--config", str(cfg))
    assert up.exit_code == 0
    assert up.stdout.strip() == f"story {story} is not taken down; nothing to do"
    unknown = run("restore", "story:99999", "--reason", "x", "--config", str(cfg))
    assert unknown.exit_code == 2 and "no story matches 'story:99999'" in unknown.stderr
    blank = run("kill", url, "--reason", "  ", "--config", str(cfg))
    assert blank.exit_code == 2 and "--reason: must not be empty" in blank.stderr
