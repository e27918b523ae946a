"""The running API against its own OpenAPI document, with schemathesis: every operation,
with generated parameters and a valid key, answers only statuses, headers and bodies the
document names. Examples are bounded so the whole run stays well under a minute."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from schemathesis import checks
from starlette.testclient import TestClient

from tests.channels.channels_support import T0, Clock, make_settings, story_item
from wiredesk.model import Envelope, Signal, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database, make_engine, migrate
from wiredesk.store.ledger import api_keys, copies, envelopes

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
EXAMPLES = 15


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A site with public, updated and killed copies, and a key that may read them all."""
    tmp = tmp_path_factory.mktemp("api")
    engine = make_engine(f"sqlite:///{tmp / 'wiredesk.db'}")
    migrate(engine)
    db = Database(engine)
    env, _ = envelopes.record(db, Envelope("ians", b"p", Transport.HTTP, "x"))
    saved = copies.save(
        db,
        "ians",
        [
            *(story_item(n, summary=f"सार {n}", byline="संवाददाता") for n in range(1, 6)),
            story_item(1, version=2, headline="अद्यतन", updated_at=T0 + timedelta(minutes=30)),
            story_item(2, version=2, signals=[Signal.KILL]),
        ],
        env,
        now=T0 + timedelta(hours=2),
    )
    key = api_keys.add(db, "schemathesis", sources=None, now=T0, rate_per_minute=100_000)
    app = site_app(make_settings(Path(tmp), "hi"), db, clock=Clock())
    yield {"app": app, "key": key, "short_ids": sorted({c.short_id for c in saved})}
    db.close()
    # schemathesis keeps one event-loop thread for ASGI apps until the interpreter exits; stop
    # it here, so no later test runs beside a stray thread (ingest forks its worker only from a
    # process with one thread: tests/ingest/test_workers.py)
    from schemathesis.python import asgi as schemathesis_asgi

    schemathesis_asgi._shutdown()


def run(operation: Any, headers: dict[str, str], **fixed: Any) -> None:
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(**fixed))
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_every_operation_answers_as_its_document_says(site: dict[str, Any]) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", site["app"])
    headers = {"Authorization": f"Bearer {site['key']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/v1/items",
        "/api/v1/items/{short_id}",
        "/api/v1/items/{short_id}/versions",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
    }
    for op in operations:
        run(op, headers)
        if "{short_id}" in op.path:  # generated ids are all unknown: real ones answer 200
            for sid in site["short_ids"]:
                run(op, headers, path_parameters={"short_id": sid})


def test_the_document_is_openapi_3_1_and_names_the_bearer_scheme(site: dict[str, Any]) -> None:
    doc = TestClient(site["app"]).get("/api/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    assert doc["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A key made with `wiredesk apikey add NAME`.",
    }
    assert doc["servers"] == [{"url": "https://news.example.com"}]
