from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import inspect

from wiredesk.model import Envelope, EnvelopeStatus, Item, Transport
from wiredesk.store import Store
from wiredesk.store.schema import metadata

T0 = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)


def _env(store: Store, payload: bytes = b"<rss/>", source: str = "ians") -> int:
    env_id, _ = store.record_envelope(
        Envelope(source_id=source, payload=payload, transport=Transport.HTTP, location="x")
    )
    return env_id


def _item(
    guid: str = "g1", headline: str = "शी चिनफिंग की मुलाकात", body: str = "<p>एक</p>", **kw
) -> Item:
    kw.setdefault("published_at", T0)
    return Item(
        guid=guid,
        headline=headline,
        body_html=body,
        body_text=body[3:-4],
        slug="shi-chinfing-ki-mulakat",
        section="videsh",
        **kw,
    )


def test_migrations_create_every_table_of_the_schema(store: Store) -> None:
    names = set(inspect(store.engine).get_table_names())
    assert set(metadata.tables) <= names


def test_same_payload_is_stored_once(store: Store) -> None:
    first, new1 = store.record_envelope(
        Envelope(source_id="ians", payload=b"abc", transport=Transport.HTTP, location="u")
    )
    second, new2 = store.record_envelope(
        Envelope(source_id="ians", payload=b"abc", transport=Transport.HTTP, location="u")
    )
    assert (new1, new2) == (True, False)
    assert first == second
    assert store.count_envelopes("ians") == 1
    assert store.envelope(first)["payload"] == b"abc"


def test_new_story_is_public_at_version_one_with_a_stable_url(store: Store) -> None:
    env = _env(store)
    [out] = store.save_items("ians", [_item()], env, now=T0 + timedelta(minutes=1))
    assert out.created and out.version == 1
    [story] = store.list_stories(T0 + timedelta(minutes=2))
    assert story.path == f"/videsh/shi-chinfing-ki-mulakat-{out.short_id}"
    assert story.headline == "शी चिनफिंग की मुलाकात"
    assert story.updated_at is None
    assert store.get_article(out.short_id, T0 + timedelta(minutes=2)).story.version == 1


def test_replaying_an_item_changes_nothing(store: Store) -> None:
    env = _env(store)
    store.save_items("ians", [_item()], env, now=T0)
    [again] = store.save_items("ians", [_item()], env, now=T0 + timedelta(hours=1))
    assert not again.created and not again.changed
    art = store.get_article(again.short_id, T0 + timedelta(hours=2))
    assert len(art.versions) == 1


def test_changed_content_makes_a_new_version_with_history(store: Store) -> None:
    env = _env(store)
    [v1] = store.save_items("ians", [_item()], env, now=T0)
    later = T0 + timedelta(hours=1)
    [v2] = store.save_items(
        "ians", [_item(headline="नई सुर्खी", body="<p>दो</p>", updated_at=later)], env, now=later
    )
    assert v2.short_id == v1.short_id and v2.version == 2 and v2.changed
    art = store.get_article(v1.short_id, later + timedelta(minutes=1))
    assert art.story.headline == "नई सुर्खी"
    assert art.story.updated_at == later
    assert [v.version for v in art.versions] == [2, 1]
    # the slug (and so the URL) does not follow the new headline
    assert art.story.path.endswith(f"shi-chinfing-ki-mulakat-{v1.short_id}")


def test_an_older_version_arriving_late_is_kept_but_not_shown(store: Store) -> None:
    env = _env(store)
    store.save_items("ians", [_item(body="<p>new</p>", version=3)], env, now=T0)
    [late] = store.save_items("ians", [_item(body="<p>old</p>", version=2)], env, now=T0)
    art = store.get_article(late.short_id, T0 + timedelta(minutes=1))
    assert art.story.body_html == "<p>new</p>"
    assert len(art.versions) == 2


def test_held_stories_are_not_public(store: Store) -> None:
    env = _env(store)
    [out] = store.save_items("ians", [_item()], env, auto_publish=False, now=T0)
    assert store.list_stories(T0 + timedelta(days=1)) == []
    assert store.count_stories(T0 + timedelta(days=1)) == 0
    assert store.get_article(out.short_id, T0 + timedelta(days=1)) is None


def test_lists_filter_by_section_and_source_and_paginate(store: Store) -> None:
    env = _env(store)
    batch = [
        _item(guid=f"g{i}", headline=f"h{i}", published_at=T0 + timedelta(minutes=i))
        for i in range(5)
    ]
    for i, it in enumerate(batch):
        it.section = "khel" if i % 2 else "desh"
    store.save_items("ians", batch, env, now=T0 + timedelta(hours=1))
    now = T0 + timedelta(hours=2)
    assert [s.headline for s in store.list_stories(now, limit=2)] == ["h4", "h3"]
    assert [s.headline for s in store.list_stories(now, limit=2, offset=2)] == ["h2", "h1"]
    assert store.count_stories(now, section="khel") == 2
    assert store.count_stories(now, source_id="ians") == 5
    assert store.count_stories(now, source_id="pti") == 0
    assert dict(store.sections(now)) == {"desh": 3, "khel": 2}


def test_times_come_back_aware_utc(store: Store) -> None:
    env = _env(store)
    store.save_items("ians", [_item()], env, now=T0)
    [story] = store.list_stories(T0 + timedelta(minutes=1))
    assert story.published_at == T0 and story.published_at.tzinfo is not None


def test_envelope_status_is_recorded(store: Store) -> None:
    env = _env(store)
    store.finish_envelope(env, EnvelopeStatus.FAILED, error="not a feed", fmt=None)
    row = store.envelope(env)
    assert row["status"] == "failed" and row["error"] == "not a feed"


def test_source_state_roundtrip(store: Store) -> None:
    assert store.source_state("ians") is None
    store.update_source_state("ians", etag='"abc"', last_success_at=T0)
    store.update_source_state("ians", last_modified="Sat, 05 Feb 2022 10:00:00 GMT")
    st = store.source_state("ians")
    assert st.etag == '"abc"' and st.last_success_at == T0
    assert st.last_modified.startswith("Sat")


def test_migrations_match_the_schema_the_code_uses(store: Store) -> None:
    """A column added to schema.py without a migration would fail here, not in production."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_a_later_pubdate_on_the_same_guid_is_the_update_time(store: Store) -> None:
    """RSS has no update time: the new pubDate says when the agency updated the story."""
    env = _env(store)
    store.save_items("ians", [_item()], env, now=T0)
    at = T0 + timedelta(hours=3)
    [out] = store.save_items(
        "ians", [_item(body="<p>तीन</p>", published_at=at)], env, now=T0 + timedelta(days=300)
    )
    story = store.get_article(out.short_id, T0 + timedelta(days=301)).story
    assert story.updated_at == at
    assert story.published_at == T0  # first publication time does not move


def test_a_big_first_poll_files_every_story_under_its_own_content(store: Store) -> None:
    # More stories than one bulk statement's id list holds, and the same guids already used by
    # another source: every story must still show its own headline and body at version 1.
    other = _env(store, payload=b"<rss>pti</rss>", source="pti")
    store.save_items("pti", [_item(guid=f"g{i}", headline=f"pti {i}") for i in range(3)], other)
    env = _env(store)
    batch = [_item(guid=f"g{i}", headline=f"h{i}", body=f"<p>b{i}</p>") for i in range(1203)]
    batch.append(_item(guid="g7", headline="h7 updated", body="<p>b7 updated</p>"))
    outcomes = store.save_items("ians", batch, env, now=T0 + timedelta(hours=1))
    assert [o.created for o in outcomes] == [True] * 1203 + [False]
    assert outcomes[-1].version == 2 and outcomes[-1].short_id == outcomes[7].short_id
    now = T0 + timedelta(hours=2)
    for i in (0, 499, 500, 1202):
        article = store.get_article(outcomes[i].short_id, now)
        assert article is not None
        assert (article.story.headline, article.story.body_html) == (f"h{i}", f"<p>b{i}</p>")
        assert [v.version for v in article.versions] == [1]
    updated = store.get_article(outcomes[7].short_id, now)
    assert updated is not None and updated.story.headline == "h7 updated"
    assert [v.version for v in updated.versions] == [2, 1]
    assert store.count_stories(now, source_id="ians") == 1203
    assert store.count_stories(now, source_id="pti") == 3


def test_source_state_first_write_may_set_every_column(store: Store) -> None:
    store.update_source_state("pti", consecutive_failures=3, last_error="HTTP 500")
    st = store.source_state("pti")
    assert st.consecutive_failures == 3 and st.last_error == "HTTP 500"


def test_times_keep_their_stored_form_and_come_back_as_aware_utc(store: Store) -> None:
    """Databases written by earlier versions hold SQLAlchemy's DATETIME text; the store
    must keep writing exactly that on SQLite (it compares times as text), and hand back
    aware UTC times on both engines."""
    ist = timezone(timedelta(hours=5, minutes=30))
    sent = datetime(2026, 2, 5, 15, 30, 0, 250, ist)
    store.save_items("ians", [_item(published_at=sent)], _env(store))
    with store.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT published_at FROM items").scalar_one()
    if store.engine.dialect.name == "sqlite":
        assert raw == "2026-02-05 10:00:00.000250"
    [row] = store.list_items(T0 + timedelta(days=1))
    assert row.published_at == datetime(2026, 2, 5, 10, 0, 0, 250, UTC)
    assert row.published_at.tzinfo is not None


def test_the_head_revision_the_store_checks_is_alembics_head(store: Store) -> None:
    """Starts skip Alembic when the database is at HEAD_REVISION: a migration added without
    moving it would never run."""
    from importlib import resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from wiredesk.store.engine import HEAD_REVISION, at_head

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("wiredesk.store") / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION
    assert at_head(store.engine)  # the store migrated it


def test_a_database_behind_head_is_migrated_at_the_next_start(db_url: str) -> None:
    from wiredesk.store.engine import at_head, make_engine, migrate

    engine = make_engine(db_url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # as if the last migration had not been released yet
            conn.exec_driver_sql("DROP INDEX ix_stories_lead_item_id")
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0005'")
        assert not at_head(engine)
        migrate(engine)
        assert at_head(engine)
        assert "ix_stories_lead_item_id" in {
            ix["name"] for ix in inspect(engine).get_indexes("stories")
        }
    finally:
        engine.dispose()


def test_short_ids_are_the_prefix_of_the_whole_digest_in_base32() -> None:
    """Story URLs hold the short id: encoding only the bytes it needs must give exactly the
    id every earlier version gave, at every length a collision may push it to."""
    import base64
    import hashlib

    from wiredesk.store.store import short_id_for

    for guid in ("urn:ians:1", "https://example.com/story?id=९", ""):
        digest = hashlib.sha256(f"ians\x00{guid}".encode()).digest()
        whole = base64.b32encode(digest).decode("ascii").lower()
        for length in range(1, 52):
            assert short_id_for("ians", guid, length) == whole[:length]


def test_a_new_sqlite_database_has_16_kb_pages_and_an_old_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    """Bigger pages hold a version's body without overflow chains; a database created by an
    earlier wiredesk keeps its page size (changing it would need a VACUUM)."""
    import sqlite3

    new = Store.open(f"sqlite:///{tmp_path / 'new.db'}")
    with new.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar_one() == 16384
    new.engine.dispose()

    old_path = tmp_path / "old.db"
    with sqlite3.connect(old_path) as raw:
        raw.execute("PRAGMA page_size=4096")
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE t (x)")
    old = Store.open(f"sqlite:///{old_path}")
    with old.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar_one() == 4096
    assert old.count_envelopes() == 0  # migrated and usable
    old.engine.dispose()
