"""Benchmark: search latency at archive sizes, and how wrong SQLite's default tokenizer is.

For each archive (the ones bench/site.py builds: Hindi and English wire copy from six
agencies, cached in `--data-dir`; built here first if missing) and each store:

- **a search copy** of the archive (SQLite: the file copied; PostgreSQL: a new database
  `wiredesk_search_<size>` made from the bench database as a template, which is only read),
  opened with the code under test, so migration 0010 makes every copy's search key there. The
  migration's time is the **backfill cost** of an existing archive; `--backfill` takes a copy
  that already has keys back to revision 0008 first, to measure it anyway;
- **latency**: a fixed labelled query set (words, two words, a phrase, names, spelling
  variants, digits, filters, English), each asked `--repeat` times through
  `PublicReader.search`, as the page asks it (the gate, the join, the versions of the page's
  20 copies); p50 and p95 over all of them, and each query's own;
- **SQLite's default FTS5 tokenizer** (`unicode61` as it comes) on the same texts, in a file of
  its own: its latency for the same queries, and its **wrong results**: on a sample of the
  archive (the first `--sample` copies), each query's true matches are decided by an oracle
  independent of both indexes (the query's words, each with the spellings it stands for,
  found as whole words in the text cut at spaces and punctuation), and each index's matches
  compared with them: false matches (found, not true) and misses (true, not found).

    .venv/bin/python bench/search.py --sizes 1k --stores sqlite,postgresql   # a quick check
    .venv/bin/python bench/search.py --sizes 100k,1m --json bench/out/search.json

Timing runs belong on a quiet machine; the wrong-result counts do not depend on one.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import re
import shutil
import sqlite3
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from wiredesk.store.database import HEAD_REVISION, Database  # noqa: E402
from wiredesk.store.public import search as public_search  # noqa: E402
from wiredesk.store.public.reader import PublicReader  # noqa: E402
from wiredesk.store.public.views import SearchQuery  # noqa: E402
from wiredesk.text.search_keys import parse_query  # noqa: E402

# Bump when the search key's format changes: cached search copies are made again.
KEY_FORMAT = 2

_spec = importlib.util.spec_from_file_location("bench_site", HERE / "site.py")
assert _spec is not None and _spec.loader is not None
bench_site = importlib.util.module_from_spec(_spec)
sys.modules["bench_site"] = bench_site
_spec.loader.exec_module(bench_site)


@dataclass(frozen=True)
class Query:
    """One labelled query: what a reader types, the filters chosen, and for each word of it
    the spellings it stands for (the oracle's truth: each word found as one of them)."""

    name: str
    text: str
    forms: tuple[tuple[str, ...], ...]
    phrase: bool = False
    filters: dict[str, str] = field(default_factory=dict)
    window: bool = False  # a 30-day date range in the middle of the archive's span


QUERIES: tuple[Query, ...] = (
    Query("common word", "सरकार", (("सरकार",),)),
    Query("two words", "मौसम विभाग", (("मौसम",), ("विभाग",))),
    Query("phrase", '"मौसम विभाग"', (("मौसम",), ("विभाग",)), phrase=True),
    Query("variant: हिन्दी", "हिन्दी", (("हिंदी", "हिन्दी"),)),
    Query("variant: no nukta", "जिले", (("ज़िले", "जिले"),)),
    Query("variant: केन्द्र", "केन्द्र", (("केंद्र", "केन्द्र"),)),
    Query("variant: कम्पनी", "कम्पनी", (("कंपनी", "कम्पनी"),)),
    Query("name", "गिल", (("गिल",),)),
    Query("two names", "राठौड़ मेनन", (("राठौड़",), ("मेनन",))),
    Query("word with a vowel sign", "मिला", (("मिला",),)),
    Query("fragment probe: मिल", "मिल", (("मिल",),)),
    Query("word: काम", "काम", (("काम",),)),
    Query("city", "दिल्ली", (("दिल्ली",),)),
    Query("digits", "८", (("8", "८"),)),
    Query("rare place", "आंवलागंज", (("आंवलागंज",),)),
    Query("section filter", "सरकार", (("सरकार",),), filters={"section": "rajniti"}),
    Query("language filter", "बारिश", (("बारिश",),), filters={"language": "hi"}),
    Query("30 days, mid-archive", "सरकार", (("सरकार",),), window=True),
    Query("english", "Government", (("government",),)),
    Query("english, two words", "government said", (("government",), ("said",))),
)

# The oracle's words: runs of letters and digits (Python's \w less the underscore) and of the
# Devanagari block's letters and signs (its dandas are punctuation): written apart from the
# search code, as a reader would cut a text.
_ORACLE_SPLIT = re.compile(r"(?:[^\w\u0900-\u0963\u0966-\u097f]|_|[\u0964\u0965])+")


def oracle_tokens(text: str) -> list[str]:
    return [t.casefold() for t in _ORACLE_SPLIT.split(unicodedata.normalize("NFC", text)) if t]


def oracle_match(query: Query, tokens: list[str], token_set: set[str]) -> bool:
    forms = [{unicodedata.normalize("NFC", f).casefold() for f in fs} for fs in query.forms]
    if not query.phrase:
        return all(fs & token_set for fs in forms)
    n = len(forms)
    return any(all(tokens[i + k] in forms[k] for k in range(n)) for i in range(len(tokens) - n + 1))


def log(message: str) -> None:
    print(message, flush=True)


def pct(values: list[float], q: float) -> float | None:
    return bench_site.percentile(values, q)


# --- the search copy -----------------------------------------------------------------------

_TEXTS = (
    "SELECT items.id, item_versions.headline, coalesce(item_versions.subheadline, ''), "
    "item_versions.summary, item_versions.body_text FROM items "
    "JOIN item_versions ON item_versions.id = items.current_version_id "
    "WHERE items.id > {after} ORDER BY items.id LIMIT {limit}"
)


def search_copy(
    archive: Any, args: argparse.Namespace, marker: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The search copy's URL, made (and migrated, timed) unless a fresh one is cached."""
    root = archive.root / "search"
    root.mkdir(parents=True, exist_ok=True)
    note_path = root / f"search-copy-{archive.store}.json"
    recipe = {
        "built_at": marker.get("built_at"),
        "head": HEAD_REVISION,
        "keys": KEY_FORMAT,
        "backfill": args.backfill,
    }
    try:
        note: dict[str, Any] = json.loads(note_path.read_text("utf-8"))
    except (OSError, ValueError):
        note = {}
    if archive.store == "sqlite":
        url = f"sqlite:///{root / 'wiredesk.db'}"
        there = (root / "wiredesk.db").exists()
    else:
        name = f"{args.pg_prefix}_search_{archive.label}"
        url = bench_site.pg_url(args, name)
        there = bench_site.pg_exists(args, name)
    if there and all(note.get(k) == v for k, v in recipe.items()) and not args.rebuild:
        log(f"{archive.name}: cached search copy (migrated in {note['migrate_seconds']:.1f} s)")
        return url, note
    t0 = time.perf_counter()
    if archive.store == "sqlite":
        for f in root.glob("wiredesk.db*"):
            f.unlink()
        for f in (archive.root / "db").glob("wiredesk.db*"):
            shutil.copyfile(f, root / f.name)
    else:
        bench_site.psql(args, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        bench_site.psql(args, f"CREATE DATABASE {name} TEMPLATE {archive.db_name}")
    copy_s = time.perf_counter() - t0
    if args.backfill:
        back_to_0008(url)
    t0 = time.perf_counter()
    db = Database.open(url)  # migrates: the keys of every stored copy (migration 0010)
    migrate_s = time.perf_counter() - t0
    with db.engine.connect() as conn:
        keys = conn.exec_driver_sql("SELECT count(*) FROM search_keys").scalar()
        items = conn.exec_driver_sql("SELECT count(*) FROM items").scalar()
    db.close()
    note = {**recipe, "copy_seconds": copy_s, "migrate_seconds": migrate_s, "keys": keys}
    note["items"] = items
    note_path.write_text(json.dumps(note, indent=2) + "\n", "utf-8")
    log(
        f"{archive.name}: search copy made in {copy_s:.1f} s, migrated in {migrate_s:.1f} s "
        f"({keys:,} keys for {items:,} copies)"
    )
    return url, note


def back_to_0008(url: str) -> None:
    """Take a copy of an archive built with search keys back to the revision before them, so
    that opening it runs migration 0010's backfill (`--backfill`)."""
    from sqlalchemy import inspect

    from wiredesk.store.database import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            for trigger in ("search_keys_added", "search_keys_removed", "search_keys_changed"):
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
            conn.exec_driver_sql("DROP TABLE IF EXISTS search_index")
        conn.exec_driver_sql("DROP TABLE IF EXISTS search_keys")
        # the revision before search: 0009 (WebSub) where the archive has it, else 0008
        before = "0009" if inspect(conn).has_table("websub_subscriptions") else "0008"
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{before}'")
    engine.dispose()


def plain_index(
    archive: Any, url: str, args: argparse.Namespace
) -> tuple[sqlite3.Connection, float]:
    """SQLite's default FTS5 tokenizer over the same texts (headline, subheadline, summary,
    body), rowid = the copy's id, in a file of its own; built once per search copy."""
    path = archive.root / "search" / f"plain-fts-{archive.store}.db"
    done = path.with_suffix(".done")
    if path.exists() and done.exists() and not args.rebuild:
        return sqlite3.connect(path), float(done.read_text())
    path.unlink(missing_ok=True)
    out = sqlite3.connect(path)
    out.execute("CREATE VIRTUAL TABLE plain USING fts5(body)")
    db = Database.open(url, run_migrations=False)
    t0 = time.perf_counter()
    after = 0
    with db.engine.connect() as conn:
        while True:
            rows = conn.exec_driver_sql(_TEXTS.format(after=after, limit=5000)).all()
            if not rows:
                break
            out.executemany(
                "INSERT INTO plain (rowid, body) VALUES (?, ?)",
                [(r[0], unicodedata.normalize("NFC", " ".join(r[1:]))) for r in rows],
            )
            after = rows[-1][0]
    out.commit()
    db.close()
    seconds = time.perf_counter() - t0
    done.write_text(str(seconds))
    return out, seconds


def plain_match(query: Query) -> str:
    words = [w for w in query.text.replace('"', " ").split() if w]
    if query.phrase:
        return '"' + " ".join(words) + '"'
    return " ".join(f'"{w}"' for w in words)


# --- measuring ---------------------------------------------------------------------------


# The window of `Query.window`, set per archive by `measure` (its middle 30 days).
WINDOW: list[datetime] = []


def search_query(query: Query) -> SearchQuery:
    f = query.filters
    since, until = (WINDOW[0], WINDOW[1]) if query.window else (None, None)
    return SearchQuery(
        parse_query(query.text),
        section=f.get("section"),
        language=f.get("language"),
        since=since,
        until=until,
    )


def ours_in_sample(db: Database, query: Query, sample: int) -> set[int]:
    """The index's own matches (no gate) among the sample's copies."""
    sq = search_query(query)
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            rows = conn.exec_driver_sql(
                "SELECT rowid FROM search_index WHERE search_index MATCH ? AND rowid <= ?",
                (public_search.match_expression(sq), sample),
            )
        else:
            like = ""
            params: dict[str, Any] = {"q": public_search.ts_query(sq), "n": sample}
            for n, phrase in enumerate(sq.terms.phrases):
                like += f" AND (' ' || key || ' ') LIKE %(p{n})s"
                params[f"p{n}"] = "% " + " ".join(phrase) + " %"
            rows = conn.exec_driver_sql(
                "SELECT item_id FROM search_keys WHERE words @@ CAST(%(q)s AS tsquery) "
                f"AND item_id <= %(n)s{like}",
                params,
            )
        return {int(r[0]) for r in rows}


def sample_texts(db: Database, sample: int) -> dict[int, tuple[list[str], set[str], dict]]:
    """Id -> the oracle's tokens of the copy's texts, and the copy's facts for filters."""
    out: dict[int, tuple[list[str], set[str], dict]] = {}
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT items.id, item_versions.headline, coalesce(item_versions.subheadline, ''), "
            "item_versions.summary, item_versions.body_text, items.section, items.language, "
            "items.published_at "
            "FROM items JOIN item_versions ON item_versions.id = items.current_version_id "
            f"WHERE items.id <= {int(sample)}"
        ).all()
    for r in rows:
        tokens = oracle_tokens(" ".join(r[1:5]))
        published = r[7] if isinstance(r[7], datetime) else datetime.fromisoformat(str(r[7]))
        facts = {"section": r[5], "language": r[6], "published": published.replace(tzinfo=UTC)}
        out[int(r[0])] = (tokens, set(tokens), facts)
    return out


def in_filters(query: Query, facts: dict[str, Any]) -> bool:
    if query.window and not WINDOW[0] <= facts["published"] < WINDOW[1]:
        return False
    return all(facts.get(k) == v for k, v in query.filters.items())


def wrong_results(
    query: Query, found: set[int], texts: dict[int, tuple[list[str], set[str], dict]]
) -> tuple[int, int, int]:
    """(true matches, false matches, misses) of `found` on the sample."""
    truth = {
        i
        for i, (tokens, token_set, facts) in texts.items()
        if oracle_match(query, tokens, token_set) and in_filters(query, facts)
    }
    return len(truth), len(found - truth), len(truth - found)


def measure(archive: Any, args: argparse.Namespace, marker: dict[str, Any]) -> dict[str, Any]:
    url, note = search_copy(archive, args, marker)
    plain, plain_build_s = plain_index(archive, url, args)
    db = Database.open(url)
    reader = PublicReader(db)
    now = datetime.now(UTC)
    sample = min(args.sample, int(note.get("items") or args.sample))
    end = datetime.fromisoformat(marker["end"])
    middle = end - bench_site.corpus.span_for(archive.size) / 2
    WINDOW[:] = [middle, middle + timedelta(days=30)]
    texts = sample_texts(db, sample)
    per_query: list[dict[str, Any]] = []
    ours_all: list[float] = []
    plain_all: list[float] = []
    for q in QUERIES:
        sq = search_query(q)
        with reader.one_connection():
            first = reader.search(now, sq, size=20)  # warm
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                reader.search(now, sq, size=20)
                times.append((time.perf_counter() - t0) * 1000)
        ours_all += times
        match = plain_match(q)
        plain_times = []
        plain.execute("SELECT rowid FROM plain WHERE plain MATCH ? LIMIT 21", (match,)).fetchall()
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            plain.execute(
                "SELECT rowid FROM plain WHERE plain MATCH ? ORDER BY rowid DESC LIMIT 21",
                (match,),
            ).fetchall()
            plain_times.append((time.perf_counter() - t0) * 1000)
        plain_all += plain_times
        sample_ids = {
            int(r[0])
            for r in plain.execute(
                "SELECT rowid FROM plain WHERE plain MATCH ? AND rowid <= ?", (match, sample)
            )
        }
        if q.filters or q.window:  # the default table has no filters: as the oracle does
            sample_ids = {i for i in sample_ids if i in texts and in_filters(q, texts[i][2])}
        ours = ours_in_sample(db, q, sample)
        if q.window:  # the index has months; the exact dates are tested on `items`
            ours = {i for i in ours if i in texts and in_filters(q, texts[i][2])}
        true_n, ours_false, ours_missed = wrong_results(q, ours, texts)
        _, plain_false, plain_missed = wrong_results(q, sample_ids, texts)
        per_query.append(
            {
                "query": q.name,
                "text": q.text,
                "first_page": len(first.copies),
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(pct(times, 0.95) or 0, 2),
                "default_p95_ms": round(pct(plain_times, 0.95) or 0, 2),
                "true_in_sample": true_n,
                "ours_false": ours_false,
                "ours_missed": ours_missed,
                "default_false": plain_false,
                "default_missed": plain_missed,
            }
        )
    db.close()
    plain.close()
    return {
        "store": archive.store,
        "size": archive.size,
        "items": note.get("items"),
        "migrate_seconds": round(note["migrate_seconds"], 1),
        "backfill_forced": bool(args.backfill),
        "default_index_build_seconds": round(plain_build_s, 1),
        "sample": sample,
        "p50_ms": round(statistics.median(ours_all), 2),
        "p95_ms": round(pct(ours_all, 0.95) or 0, 2),
        "default_p50_ms": round(statistics.median(plain_all), 2),
        "default_p95_ms": round(pct(plain_all, 0.95) or 0, 2),
        "ours_wrong": sum(r["ours_false"] + r["ours_missed"] for r in per_query),
        "default_wrong": sum(r["default_false"] + r["default_missed"] for r in per_query),
        "queries": per_query,
    }


def table(results: list[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        if "error" in r:
            lines.append(f"{r['store']} {r['size']}: FAILED: {r['error']}")
            continue
        lines.append(
            f"{r['store']} {bench_site.size_label(r['size'])}: search p50 {r['p50_ms']} ms, "
            f"p95 {r['p95_ms']} ms (default FTS5: p50 {r['default_p50_ms']} ms, p95 "
            f"{r['default_p95_ms']} ms); wrong results on a sample of {r['sample']:,}: "
            f"ours {r['ours_wrong']}, default tokenizer {r['default_wrong']}; "
            f"migration 0010 {r['migrate_seconds']} s"
        )
        head = ("query", "p50", "p95", "dflt p95", "true", "ours ✗", "dflt false", "dflt missed")
        lines.append("  " + " | ".join(head))
        for q in r["queries"]:
            lines.append(
                f"  {q['query']} | {q['p50_ms']} | {q['p95_ms']} | {q['default_p95_ms']} | "
                f"{q['true_in_sample']} | {q['ours_false'] + q['ours_missed']} | "
                f"{q['default_false']} | {q['default_missed']}"
            )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--sizes", default="1k", help="archive sizes, e.g. 100k,1m")
    ap.add_argument("--stores", default="sqlite,postgresql")
    ap.add_argument("--data-dir", type=Path, default=HERE / "out" / "site-data")
    ap.add_argument("--wiredesk", default=str(REPO / ".venv" / "bin" / "wiredesk"))
    ap.add_argument("--repeat", type=int, default=30, help="timings per query")
    ap.add_argument("--sample", type=int, default=5000, help="copies the oracle reads")
    ap.add_argument("--backfill", action="store_true", help="time migration 0010's backfill")
    ap.add_argument("--rebuild", action="store_true", help="make the search copies again")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--pg-host", default="127.0.0.1")
    ap.add_argument("--pg-port", type=int, default=5432)
    ap.add_argument("--pg-user", default="postgres")
    ap.add_argument(
        "--pg-prefix",
        default="wiredesk_bench",
        help="PostgreSQL archives are <prefix>_<size> (bench/site.py's), search copies "
        "<prefix>_search_<size>; another prefix builds archives of its own",
    )
    args = ap.parse_args(argv)
    args.site = bench_site.parse_args(
        [
            "--sizes", args.sizes, "--stores", args.stores, "--data-dir", str(args.data_dir),
            "--wiredesk", args.wiredesk, "--pg-host", args.pg_host,
            "--pg-port", str(args.pg_port), "--pg-user", args.pg_user,
        ]
    )  # fmt: skip
    return args


class NamedArchive(bench_site.Archive):  # type: ignore[name-defined,misc]
    """bench/site.py's archive, its PostgreSQL database named with `--pg-prefix`."""

    __slots__ = ("prefix",)

    @property
    def db_name(self) -> str:
        return f"{self.prefix}_{self.label}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: list[dict[str, Any]] = []
    with bench_site.torn_down():
        for size in args.site.sizes:
            for store in args.site.stores:
                archive = NamedArchive(
                    store, size, args.data_dir / f"{store}-{bench_site.size_label(size)}"
                )
                archive.prefix = args.pg_prefix
                try:
                    marker = bench_site.ensure_archive(archive, args.site)
                    results.append(measure(archive, args, marker))
                except (RuntimeError, OSError) as e:
                    log(f"{archive.name}: FAILED: {e}")
                    results.append({"store": store, "size": size, "error": str(e)})
    log("")
    log(table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        meta = bench_site.machine() | {"head": HEAD_REVISION}
        with contextlib.suppress(OSError):
            args.json.write_text(
                json.dumps({"meta": meta, "results": results}, indent=2, ensure_ascii=False) + "\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
