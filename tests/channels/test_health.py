"""`GET /health` for monitors: the database, and which sources are failing."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from wiredesk.config import Settings, parse_settings
from wiredesk.ingest.polling import ingest_once
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database

RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
    "<link>https://agency.example/</link><description>d</description>"
    '<item><guid isPermaLink="false">g-1</guid><title>A story</title>'
    "<description>The text of the story.</description></item></channel></rss>"
)


def settings_for(tmp_path: Path, *, broken_feed: bool) -> Settings:
    good = tmp_path / "good.xml"
    good.write_text(RSS, encoding="utf-8")
    bad = tmp_path / ("missing.xml" if broken_feed else "good.xml")
    return parse_settings(
        {
            "site": {"base_url": "https://news.example"},
            "sources": [
                {"id": "good", "name": "Good", "url": good.as_uri()},
                {"id": "flaky", "name": "Flaky", "url": bad.as_uri()},
                {"id": "pushed", "name": "Pushed", "push_token": "p" * 32},
            ],
        },
        tmp_path / "wiredesk.toml",
    )


def test_all_sources_well_is_ok(store: Database, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, broken_feed=False)
    client = TestClient(site_app(settings, store))
    before = client.get("/health")
    assert before.status_code == 200
    assert before.json()["sources"]["never_polled"] == ["good", "flaky"]
    assert before.json()["last_poll_at"] is None

    ingest_once(settings, store)
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["database"] is True
    assert body["sources"] == {
        "total": 3,
        "failing": [],
        "never_polled": [],
        "pictures_failing": [],
    }
    assert body["last_poll_at"] is not None


def test_a_failing_source_makes_it_degraded_but_still_200(store: Database, tmp_path: Path) -> None:
    settings = settings_for(tmp_path, broken_feed=True)
    ingest_once(settings, store)
    response = TestClient(site_app(settings, store)).get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["sources"]["failing"] == ["flaky"]
    assert response.headers["cache-control"] == "no-store"

    # It recovers: the next successful poll clears it.
    (tmp_path / "missing.xml").write_text(RSS, encoding="utf-8")
    ingest_once(settings, store)
    assert TestClient(site_app(settings, store)).get("/health").json()["status"] == "ok"


def test_an_unreachable_database_is_503_down(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, broken_feed=False)
    broken = Database.open(f"sqlite:///{tmp_path}/missing-dir/none.db", run_migrations=False)
    response = TestClient(site_app(settings, broken)).get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "down" and response.json()["database"] is False
    assert response.json()["error"]
