"""Shared fixtures: real databases (a SQLite file and the local PostgreSQL), real paths."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests import fixture_files
from wiredesk.store.database import Database, make_engine, migrate

REPO = Path(__file__).resolve().parents[1]
SEED = fixture_files.SEED
PG_URL = os.environ.get("WIREDESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        with create_engine(PG_URL).connect() as conn:
            conn.execute(text("select 1"))
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The PostgreSQL URL; CI starts the server, so its absence is a failure, not a skip."""
    if not _pg_available():
        if os.environ.get("WIREDESK_ALLOW_NO_PG"):
            pytest.skip("PostgreSQL not reachable and WIREDESK_ALLOW_NO_PG is set")
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL}; start it (see .ci/run)")
    return PG_URL


@pytest.fixture
def pg_schema_url(pg_url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema per test, dropped afterwards: tests never see each other."""
    yield from _schema(pg_url)


@pytest.fixture(scope="module")
def pg_module_schema_url(pg_url: str) -> Iterator[str]:
    """A PostgreSQL schema shared by one module's tests (a database they only read)."""
    yield from _schema(pg_url)


def _schema(pg_url: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    yield f"{pg_url}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on a real SQLite file and on real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'wiredesk.db'}"
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def store(db_url: str) -> Iterator[Database]:
    engine = make_engine(db_url)
    migrate(engine)
    s = Database(engine)
    yield s
    s.close()
