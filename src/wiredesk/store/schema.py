"""The one schema, for SQLite and PostgreSQL alike.

Raw payloads (`envelopes`) are written before anything parses them; stories (`items`) hold
identity, URL and public state; every version a source ever sent is a row in `item_versions`
and is never overwritten, so history and provenance survive updates.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class _SQLiteDateTimeText(sqlite.DATETIME):
    """SQLite's DATETIME, given its text ready-made by `UTCDateTime` (read back as usual)."""

    def bind_processor(self, dialect: Dialect) -> None:
        return None


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python, whatever the engine keeps.

    SQLite has no time zones and hands back naive values; normalizing here means no caller
    ever compares a naive time with an aware one. For SQLite the text is written here, in
    the very format SQLAlchemy's DATETIME writes (`2026-02-05 04:30:00.000000`), with
    `isoformat`, which costs a fifth of SQLAlchemy's `%`-formatting of seven fields: a
    stored story has a dozen times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SQLiteDateTimeText())  # type: ignore[no-untyped-call]
        return dialect.type_descriptor(self.impl)

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC times")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")
        return value

    def bind_processor(self, dialect: Dialect) -> Any:
        """For SQLite, `process_bind_param` as one plain function: SQLAlchemy's wrapper around
        it costs as much again, and a batch of new stories binds a dozen times per story."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        # The last time converted and its text: a batch of new copies binds the same `now`
        # (arrival, first seen, public from) several times per copy. One tuple, replaced
        # whole, so threads sharing the processor never pair a time with another's text.
        last: list[tuple[datetime | None, str | None]] = [(None, None)]

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            seen, text = last[0]
            if seen is value:
                return text
            if value.tzinfo is not UTC:
                if value.tzinfo is None:
                    raise ValueError("naive datetime given to the store; use aware UTC times")
                value = value.astimezone(UTC)
            text = value.replace(tzinfo=None).isoformat(" ", "microseconds")
            last[0] = (value, text)
            return text

        return process

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


source_state = Table(
    "source_state",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("url", Text),  # the URL currently polled (may differ from config after redirects)
    # the URL in the settings when `url` and the validators were recorded: a change in the
    # settings starts afresh, a permanent redirect only changes `url`
    Column("configured_url", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_polled_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("last_error", Text),
    Column("last_error_at", UTCDateTime),
    Column("next_poll_at", UTCDateTime),
    Column("consecutive_failures", Integer, nullable=False, default=0),
)

envelopes = Table(
    "envelopes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(64), nullable=False),
    Column("transport", String(16), nullable=False),
    Column("location", Text, nullable=False),
    Column("content_type", Text),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("error", Text),
    Column("format", String(16)),
    Column("item_count", Integer, nullable=False, default=0),
    Column("processed_at", UTCDateTime),
    # set when the raw bytes left the database (`wiredesk archive prune`, migration 0017)
    Column("payload_pruned_at", UTCDateTime),
    Column("payload_moved_to", Text),  # the file that holds them; None: deleted
    UniqueConstraint("source_id", "sha256"),
    # the payloads not processed yet, which cluster workers look for every half minute
    # (store/job_queue.py): a few rows, wherever the archive's million are (migration 0023)
    Index(
        "ix_envelopes_unprocessed",
        "id",
        postgresql_where=text("status = 'received'"),
        sqlite_where=text("status = 'received'"),
    ),
)

# The raw bytes live apart from the envelope's bookkeeping: SQLite rewrites a whole row,
# overflow pages and all, when an update changes its size, so keeping a multi-megabyte
# payload in `envelopes` made every status update write the payload again (a large share of
# the store's time per item on a multi-megabyte feed).
envelope_payloads = Table(
    "envelope_payloads",
    metadata,
    Column(
        "envelope_id",
        Integer,
        ForeignKey("envelopes.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("payload", LargeBinary, nullable=False),
)

# Every list reads (scope, published_at, id) in order and tests the gate's two columns from
# the same index entry: no table row is read for a copy the list skips. A public list is one
# edition's, so its index leads with the language (migration 0012); the index without one
# serves operators' lists of every copy.
_LISTING = ("published_at", "id", "public_from", "outranked_at")

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("short_id", String(16), nullable=False, unique=True),
    Column("source_id", String(64), nullable=False),
    Column("guid", Text, nullable=False),
    Column("slug", String(100), nullable=False),
    Column("section", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("language", String(16)),
    Column("current_version_id", Integer),
    Column("version_count", Integer, nullable=False, default=1),
    Column("published_at", UTCDateTime, nullable=False),  # first published (source's or ours)
    Column("updated_at", UTCDateTime),  # time of the current version if it is not the first
    Column("first_seen_at", UTCDateTime, nullable=False),
    # Lifecycle, derived from the current version (the newest by the agency's order) and
    # from editors' actions; the visibility gate reads these columns and nothing else.
    Column("pub_status", String(16), nullable=False, default="usable"),
    Column("embargo_until", UTCDateTime),
    Column("killed_at", UTCDateTime),
    Column("killed_by", Text),  # "agency <source id>" or "editor <name>"
    Column("kill_reason", Text),
    Column("kill_manual", Boolean, nullable=False, default=False),  # editors' kills are final
    # The story this item tells (one row in `stories` per story; most have one member).
    # NULL only for rows written before migration 0004 ran: the gate treats them as alone.
    Column("story_id", Integer),
    # The gate's columns (store/public/gate.py), kept in step on every write: from when the
    # public may see the copy (NULL: not until a later write), and from when a better-ranked
    # copy of its story is public (NULL: never). Lists read them from their indexes.
    Column("public_from", UTCDateTime),
    Column("outranked_at", UTCDateTime),
    Column("originator", Text),  # of the current version, as compared (NFC, spaces folded)
    # The copy's pictures the site hosts, as JSON [{href, sha256, width, height, widths}]:
    # written by the picture fetcher (store/ledger/pictures.py) when one arrives, read with
    # the copy, so a page needs no other query to show them. "[]" until then.
    Column("pictures", Text, nullable=False, default="[]", server_default="[]"),
    # What decided the copy's state when it arrived: the name of the routing rule that
    # matched (`[[rules]]`), or "source mode" (its source's `auto_publish`; every copy
    # stored before migration 0018). Written once; editors' actions are in `audit_log`.
    Column("decided_by", Text, nullable=False, server_default="source mode"),
    UniqueConstraint("source_id", "guid"),
    Index("ix_items_listing", *_LISTING),
    Index("ix_items_language_listing", "language", *_LISTING),
    Index("ix_items_language_section_listing", "language", "section", *_LISTING),
    Index("ix_items_language_source_listing", "language", "source_id", *_LISTING),
    Index("ix_items_source_listing", "source_id", *_LISTING),  # the API, every language
    Index("ix_items_language_originator_listing", "language", "originator", *_LISTING),
    Index(None, "public_from"),
    Index(None, "outranked_at"),
    Index(None, "story_id"),
    Index(None, "first_seen_at"),  # the syndication index rebuilt at start: by arrival
    # the subscribers' API (migration 0015): take-downs, and `updated_since`'s other branches
    Index(None, "killed_at"),
    Index(None, "updated_at"),
)

item_versions = Table(
    "item_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),  # ours: 1, 2, 3 in order of arrival
    Column("source_version", Integer),  # the source's own number, if its format has one
    Column("content_hash", String(64), nullable=False),
    Column("envelope_id", Integer, ForeignKey("envelopes.id"), nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("format", String(16)),
    Column("headline", Text, nullable=False),
    Column("summary", Text, nullable=False, default=""),
    Column("body_html", Text, nullable=False),
    Column("body_text", Text, nullable=False),
    Column("byline", Text),
    Column("link", Text),
    Column("language", String(16)),
    Column("categories", Text, nullable=False, default="[]"),  # JSON list of strings
    Column("source_published_at", UTCDateTime),
    Column("source_updated_at", UTCDateTime),
    Column("credit_line", Text),
    Column("originator", Text),
    Column("upstream_disclaimer", Text),
    Column("upstream_source", Text),
    Column("dateline_place", Text),
    Column("dateline_date", Text),
    Column("pub_status", String(16), nullable=False, default="usable"),
    Column("signals", Text, nullable=False, default="[]"),  # JSON list of Signal values
    Column("embargo_until", UTCDateTime),
    Column("urgency", Integer),
    Column("priority", Integer),
    Column("subheadline", Text),
    Column("slugline", Text),
    Column("subjects", Text, nullable=False, default="[]"),  # JSON [{code, name, scheme}]
    Column("keywords", Text, nullable=False, default="[]"),
    Column("copyright", Text),
    Column("usage_terms", Text),
    Column("provenance", Text, nullable=False, default="[]"),  # JSON [{role, name, ...}]
    Column("images", Text, nullable=False, default="[]"),
    Column("correction_note", Text),
    UniqueConstraint("item_id", "version"),
    UniqueConstraint("item_id", "content_hash"),
    Index(None, "received_at"),  # what arrived in the last day, per source (`/health`)
)

# Append-only: triggers refuse UPDATE and DELETE on both engines (migration 0014).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    # the copy acted on; NULL for the desk's own acts (a sign-in, a user added)
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE")),
    Column("action", String(32), nullable=False),  # kill, revive, sign-in, user-add, ...
    Column("actor", Text, nullable=False),  # "agency <source id>", "editor <name>"
    Column("reason", Text),
    Column("envelope_id", Integer, ForeignKey("envelopes.id")),
    Column("address", Text),  # the client's address, for acts done over HTTP
    Column("subject", Text),  # what a desk act was about when not a copy: "user <name>"
    Index(None, "item_id", "at"),
    Index(None, "subject", "at"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("envelope_id", Integer, ForeignKey("envelopes.id"), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("item_index", Integer),  # position in the payload; None: the payload as a whole
    Column("guid", Text),
    Column("stage", String(32), nullable=False),  # parse, pipeline, store
    Column("reason", Text, nullable=False),
    Column("raw_item", Text),  # what the parser read, as JSON, when there was an item
    Column("quarantined_at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime),  # set when a reprocess got it through
    Index(None, "resolved_at", "quarantined_at"),
    Index(None, "envelope_id"),
)

# A story: the same news told by one or more items (copies from several wires). The lead the
# public sees is decided at query time (store/stories.py); `lead_item_id` records the lead as of
# the last change, for operators. No foreign keys to items, so deleting items never fails on it.
stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("lead_item_id", Integer),
    Column("created_at", UTCDateTime, nullable=False),
    # An editor's takedown of the whole story (store/ledger/takedowns.py): while set, no copy
    # of it is public, including copies that join it later (migration 0013).
    Column("taken_down_at", UTCDateTime),
    Column("taken_down_by", Text),  # "editor <name>"
    Column("takedown_reason", Text),
    Index(None, "lead_item_id"),
)

# Near-duplicate fingerprints of each item's current version, so a new process can rebuild its
# syndication index without re-reading every body.
item_fingerprints = Table(
    "item_fingerprints",
    metadata,
    Column(
        "item_id",
        Integer,
        ForeignKey("items.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("exact", String(64), nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("features", LargeBinary, nullable=False),
    Column("language", String(16)),
    Column("published_at", UTCDateTime, nullable=False),
    # The number of the grouping that wrote it, or that moved its copy by a merge (migration
    # 0022): a process catches up on other processes' groupings by it (ingest/grouping.py).
    Column("grouping_seq", BigInteger, nullable=False, server_default="0"),
    Index(None, "published_at"),
    Index(None, "grouping_seq"),
)

# One row: the number of the last grouping committed, and its token (`seq`, `token`) and the
# token of the one before (`prev_token`). A grouping takes its turn by updating it: on
# PostgreSQL that row lock is what puts groupings of all processes one after another; on
# SQLite the writer holds the database anyway (ingest/grouping.py, migration 0022).
grouping_clock = Table(
    "grouping_clock",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("token", BigInteger, nullable=False),
    Column("prev_token", BigInteger, nullable=False),
)

# Copies saved without grouping while this process's syndication index was still loading
# (ingest/grouping.py): grouped, and their row deleted, once it is ready, by this process or
# by the next one to start. Written in the transaction that saves the copy, so a restart
# before they are grouped loses nothing (migration 0020).
grouping_pending = Table(
    "grouping_pending",
    metadata,
    Column(
        "item_id",
        Integer,
        ForeignKey("items.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

# Each copy's search key (wiredesk.text.search_keys): the folded words of its current version
# and its filter tokens, written with the copy and rewritten whenever its current version
# changes (store/ledger/search_index.py). Search reads the gate's columns from `items`, so a
# kill or a withheld version leaves the key as it is and the copy out of results at once.
# The index over the keys is each database's own, made by migration 0010 and not described
# by this metadata (SEARCH_INDEX_OBJECTS): SQLite's FTS5 table `search_index` (kept in step
# by triggers), PostgreSQL's generated `words` tsvector with a GIN index.
search_keys = Table(
    "search_keys",
    metadata,
    Column(
        "item_id",
        Integer,
        ForeignKey("items.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("key", Text, nullable=False),
)
SEARCH_INDEX = "search_index"  # SQLite: the FTS5 table over `search_keys.key`
SEARCH_WORDS = "words"  # PostgreSQL: the tsvector column generated from `search_keys.key`
# The tables, columns, indexes and triggers of the search index, on either database: made by
# migration 0010 alone (a test compares everything else with this metadata).
SEARCH_INDEX_OBJECTS = frozenset(
    {
        SEARCH_INDEX,
        *(f"{SEARCH_INDEX}_{part}" for part in ("data", "idx", "docsize", "config", "content")),
        SEARCH_WORDS,
        "ix_search_keys_words",
    }
)

# Every section that has had a copy: the navigation reads this, not the archive.
sections = Table(
    "sections",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("first_at", UTCDateTime, nullable=False),
)

# What each write changed, as page-cache tags (store/ledger/changes.py), for the processes
# that did not make the write; `writer` tells a process its own rows apart. Pruned after a day.
changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("writer", String(32), nullable=False),
    Column("tags", Text, nullable=False),  # JSON list
)

# WebSub subscriptions to the site's own feeds (runtime/websub): one row per (topic, callback),
# made when the subscriber has confirmed its intent; a renewal moves the lease on.
websub_subscriptions = Table(
    "websub_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("topic", String(2048), nullable=False),  # the feed's absolute URL
    Column("callback", String(2048), nullable=False),
    Column("secret", String(200), nullable=True),  # for X-Hub-Signature, as the subscriber gave it
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),  # end of the lease
    Column("delivered_at", UTCDateTime, nullable=True),  # last notification it accepted
    # SHA-256 of the feed as the subscriber last has it (sent, or as it was at subscription):
    # a feed whose content differs is sent, after a restart too
    Column("content_hash", String(64), nullable=True),
    Column("failures", Integer, nullable=False, default=0),  # notifications failed in a row
    Column("last_error", Text, nullable=True),
    UniqueConstraint("topic", "callback", name="uq_websub_topic_callback"),
    Index("ix_websub_expires_at", "expires_at"),
)

# Facts about the database as a whole: the lead ranking `items.outranked_at` was computed with.
site_meta = Table(
    "site_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# --- pictures (store/ledger/pictures.py) -----------------------------------------------------

# A picture the site hosts, by the SHA-256 of the bytes the agency sent: its renditions are
# files under `<data_dir>/media/` named after it (store/public/media.py). The same picture
# sent under two addresses, or by two agencies, is stored and sized once.
pictures = Table(
    "pictures",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("width", Integer, nullable=False),  # upright (EXIF orientation applied)
    Column("height", Integer, nullable=False),
    Column("format", String(8), nullable=False),  # of the original: JPEG, PNG, WEBP, GIF
    Column("size", Integer, nullable=False),  # bytes of the original
    Column("widths", Text, nullable=False),  # JSON list: the renditions' widths, ascending
    Column("made_at", UTCDateTime, nullable=False),
)

# Every picture address a source's copies named, and what became of fetching it: "hosted"
# (`sha256` says which picture), "waiting" (a failure worth another try at `next_try_at`) or
# "failed" (for good; `error` says why, and source health shows it).
picture_urls = Table(
    "picture_urls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(64), nullable=False),
    Column("url_hash", String(64), nullable=False),  # SHA-256 of `url`: URLs can be long
    Column("url", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("sha256", String(64)),
    Column("error", Text),
    Column("tries", Integer, nullable=False, default=0),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_tried_at", UTCDateTime, nullable=False),
    Column("next_try_at", UTCDateTime),
    UniqueConstraint("source_id", "url_hash"),
    Index(None, "next_try_at"),
    Index(None, "source_id", "last_tried_at"),
)

# Which copy names which address, and how it wrote it (`href`, perhaps relative): a picture
# that arrives later, after a retry, finds the copies to show it in.
picture_refs = Table(
    "picture_refs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("url_id", Integer, ForeignKey("picture_urls.id", ondelete="CASCADE"), nullable=False),
    Column("href", Text, nullable=False),
    Index(None, "item_id"),
    Index(None, "url_id"),
)

# How far the picture fetcher has read each hosting source's versions (by version id).
picture_cursors = Table(
    "picture_cursors",
    metadata,
    Column("source_id", String(64), primary_key=True),
    Column("version_id", Integer, nullable=False),
)

# The desk's people (docs/desk.md). Names are lowercase; `role` is viewer, editor or admin;
# `password_hash` is an argon2id string (its parameters inside it). Never deleted: a person
# who leaves is disabled, so the audit log's names keep meaning someone.
desk_users = Table(
    "desk_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
)

# Signed-in sessions, server side. The cookie holds a random 256-bit id; only its SHA-256 is
# kept, so a copy of this table signs nobody in. Deleted at sign-out, when they expire, and
# all of a person's at once at "sign out everywhere", a password change or a disable.
desk_sessions = Table(
    "desk_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column(
        "user_id",
        Integer,
        ForeignKey("desk_users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("csrf_secret", String(64), nullable=False),  # hex; forms carry it masked
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("address", Text),
    Column("user_agent", Text),
    Index(None, "user_id"),
)

# Sign-in attempts, for throttling per account (the name as typed, folded) and per address
# over a sliding window. `outcome`: failed, ok, refused (asked while locked, not counted),
# unlock (an operator's reset: failures before it no longer count). Pruned after a day.
desk_signins = Table(
    "desk_signins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("name", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    Index(None, "name", "at"),
    Index(None, "address", "at"),
)

# Subscribers' API keys (`wiredesk apikey`): only the SHA-256 of each key is kept, so a copy of
# the database gives nobody a working key. `sources` is a JSON list of source ids the key may
# read (NULL: every source); `rate_per_minute` its request budget (channels/api_v1/limits.py).
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("sources", Text),
    Column("rate_per_minute", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
)
