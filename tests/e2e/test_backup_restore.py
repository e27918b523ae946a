"""A backup taken as docs/deployment.md says, restored on a new database, is the same site and
goes on taking copies: SQLite's online `.backup` while the site's database is open, and
PostgreSQL's `pg_dump -Fc` / `pg_restore` into a new database."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from starlette.testclient import TestClient

from wiredesk.config import Settings, parse_settings
from wiredesk.ingest.polling import ingest_once
from wiredesk.model import utcnow
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.public.reader import PublicReader

RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
    "<link>https://agency.example/</link><description>d</description>{items}</channel></rss>"
)
ITEM = (
    '<item><guid isPermaLink="false">{guid}</guid><title>{title}</title>'
    "<description>&lt;p&gt;The council met on day {n} and spoke of matter {n} at length, "
    "as the agency reports.&lt;/p&gt;</description></item>"
)


def drop(folder: Path, name: str, numbers: range) -> None:
    items = "".join(
        ITEM.format(guid=f"g-{n}", title=f"Council decides matter {n}", n=n) for n in numbers
    )
    (folder / name).write_text(RSS.format(items=items), encoding="utf-8")


def settings_for(tmp_path: Path, database: str) -> Settings:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    return parse_settings(
        {
            "site": {"base_url": "https://news.example", "language": "en", "database": database},
            "sources": [{"id": "wire", "name": "Wire", "folder": str(inbox), "section": "desh"}],
            "sections": {"desh": "Nation"},
        },
        tmp_path / "wiredesk.toml",
    )


def listing(db: Database) -> list[tuple[str, str]]:
    copies = PublicReader(db).list_copies(utcnow(), language="en", limit=100)
    return sorted((c.short_id, c.headline) for c in copies)


def article_paths(client: TestClient) -> list[str]:
    html = client.get("/").text
    paths = {part.split('"', 1)[0] for part in html.split('href="/desh/')[1:]}
    return sorted(p for p in paths if p)  # not the section's own link


@pytest.fixture(params=["sqlite", "postgresql"])
def backed_up(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Database, Database, Path]]:
    """(the site's database, its restored backup, the restored site's folder)."""
    original_dir, restored_dir = tmp_path / "original", tmp_path / "restored"
    original_dir.mkdir()
    restored_dir.mkdir()
    if request.param == "sqlite":
        url = f"sqlite:///{original_dir / 'wiredesk.db'}"
        settings = settings_for(original_dir, url)
        db = Database.open(url)
        drop(original_dir / "inbox", "a.xml", range(1, 6))
        ingest_once(settings, db)
        # the online backup, taken while the site's own connections are open
        target = restored_dir / "wiredesk.db"
        subprocess.run(
            ["sqlite3", str(original_dir / "wiredesk.db"), f".backup {target}"], check=True
        )
        restored = Database.open(f"sqlite:///{target}")
        yield db, restored, restored_dir
        restored.close()
        db.close()
        return
    schema_url = request.getfixturevalue("pg_schema_url")
    settings = settings_for(original_dir, schema_url.replace("+psycopg", ""))
    db = Database.open(schema_url)
    drop(original_dir / "inbox", "a.xml", range(1, 6))
    ingest_once(settings, db)
    schema = schema_url.rsplit("%3D", 1)[1]
    dump = tmp_path / "site.dump"
    subprocess.run(
        [
            "pg_dump",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-Fc",
            "-n",
            schema,
            "-f",
            str(dump),
            "test",
        ],
        check=True,
    )
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        subprocess.run(
            ["pg_restore", "-h", "127.0.0.1", "-U", "postgres", "-d", name, str(dump)], check=True
        )
        restored = Database.open(
            f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}?options=-csearch_path%3D{schema}"
        )
        yield db, restored, restored_dir
        restored.close()
        db.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_restored_backup_is_the_same_site_and_takes_new_copies(
    backed_up: tuple[Database, Database, Path],
) -> None:
    original, restored, restored_dir = backed_up
    assert len(listing(original)) == 5
    assert listing(restored) == listing(original)
    url = str(restored.engine.url.render_as_string(hide_password=False))
    settings = settings_for(restored_dir, url.replace("+psycopg", ""))
    before = TestClient(site_app(settings_for(restored_dir, url), original))
    after = TestClient(site_app(settings, restored))
    paths = article_paths(after)
    assert len(paths) == 5 and paths == article_paths(before)
    for path in paths:  # every story's address answers on the restored site, with its text
        assert "Council decides matter" in after.get(f"/desh/{path}").text
    # the restored site goes on: new copies get new ids and new addresses, none overwritten
    drop(restored_dir / "inbox", "b.xml", range(6, 9))
    [report] = ingest_once(settings, restored)
    assert report.ok and report.new_stories == 3
    now = listing(restored)
    assert len(now) == 8 and set(listing(original)) < set(now)
