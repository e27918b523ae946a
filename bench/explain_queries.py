"""Print how the database runs every public query: the plans an operator checks at scale.

The plan tests (tests/store/public/test_query_plans.py) pin that each public query reads an
index and never the archive, on a small database made for them. This runs the same queries,
as the pages run them, against a real archive (bench/site.py's, say, at a million stories) and
prints the planner's own account of each statement: `EXPLAIN (ANALYZE, BUFFERS)` on
PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite. docs/operations.md keeps one run's output.

    .venv/bin/python bench/explain_queries.py postgresql://postgres@127.0.0.1/wiredesk_bench_1m

It only reads (ANALYZE runs each SELECT once more). The queries' fixed choices (a section
"khel", an agency "ani", a copy of the "vyapar" section) are the plan tests'; `--now` is the
moment the pages are asked for (the newest copy's time by default).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from tests.store.public import test_query_plans as plans  # noqa: E402
from wiredesk.store.database import Database  # noqa: E402
from wiredesk.store.public.reader import PublicReader  # noqa: E402


def statements(db: Database, run: Any) -> list[tuple[str, Any]]:
    """The statements `run` sends, as the plan tests capture them, without the time limit's."""
    return [(sql, params) for sql, params in plans.captured(db, run) if "set_config" not in sql]


def explain(db: Database, statement: str, params: Any, analyze: bool) -> list[str]:
    with db.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if db.dialect == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, params)
            return [str(row[-1]) for row in cursor.fetchall()]
        how = "(ANALYZE, BUFFERS, COSTS OFF)" if analyze else "(COSTS OFF)"
        cursor.execute(f"EXPLAIN {how} " + statement, params)
        return [str(row[0]) for row in cursor.fetchall()]


def newest(db: Database) -> datetime:
    with db.engine.connect() as conn:
        when = conn.exec_driver_sql("SELECT max(public_from) FROM items").scalar()
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    if when is None:
        raise SystemExit("the database has no copies")
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def oldest(db: Database) -> datetime:
    with db.engine.connect() as conn:
        when = conn.exec_driver_sql("SELECT min(published_at) FROM items").scalar()
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("database", help="a wiredesk database URL (sqlite:///… or postgresql://…)")
    ap.add_argument("--languages", default="hi,en")
    ap.add_argument("--now", help="ISO time the pages are asked at (default: the newest copy)")
    ap.add_argument("--no-analyze", action="store_true", help="plans only, nothing run")
    args = ap.parse_args()
    db = Database.open(args.database, run_migrations=False)
    plans.NOW = datetime.fromisoformat(args.now) if args.now else newest(db)
    plans.T0 = oldest(db)
    reader = PublicReader(db)
    print(f"<!-- bench/explain_queries.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, ")
    print(f"     {db.dialect}, pages asked at {plans.NOW.isoformat()} -->")
    for name, (run, _indexes) in plans.QUERIES.items():
        for language in args.languages.split(","):
            try:
                seen = statements(db, lambda: run(reader, language))  # noqa: B023
            except Exception as e:  # a choice of the plan tests' this archive lacks
                print(f"\n#### {name} ({language}): not run here ({type(e).__name__}: {e})")
                continue
            print(f"\n#### {name} ({language})\n")
            for statement, params in seen:
                print("```")
                print("\n".join(explain(db, statement, params, not args.no_analyze)))
                print("```")
    db.close()


if __name__ == "__main__":
    main()
