"""WebSub in cluster mode: a subscriber subscribes at a `wiredesk web`, an agency pushes to it,
and a `wiredesk worker` processes the payload and sends the changed feed (the web process
sends nothing itself). Real processes, PostgreSQL and a subscriber on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cluster.cluster_support import (
    PUSH_TOKEN,
    SERVING,
    STARTED,
    alive,
    answers,
    free_port,
    push_source,
    running,
    wait_until,
    web,
    worker,
    write_config,
)
from tests.e2e.crash_agency import Version, rss
from tests.runtime.websub.websub_support import Subscriber, serving_subscriber

pytestmark = pytest.mark.postgres


@pytest.fixture
def subscriber() -> Iterator[Subscriber]:
    with serving_subscriber() as sub:
        yield sub


def test_a_worker_tells_subscribers_of_a_story_pushed_to_a_web_process(
    tmp_path: Path, pg_schema_url: str, subscriber: Subscriber
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cfg = write_config(
        tmp_path,
        pg_schema_url,
        push_source("pushy"),
        base_url=url,
        more="[websub]\nallow_private_callbacks = true\n",
    )
    site, one = web(cfg, tmp_path / "web.log", port), worker(cfg, tmp_path / "worker.log")
    with running(site, one):
        site.start(SERVING)
        wait_until(lambda: answers(port), "the site to answer", on_wait=site.check_alive)
        one.start(STARTED)
        form = {
            "hub.mode": "subscribe",
            "hub.topic": url + "/feed.xml",
            "hub.callback": subscriber.url,
        }
        assert httpx.post(url + "/websub", data=form, timeout=30).status_code == 202
        wait_until(lambda: bool(subscriber.checks), "the hub to check the intent")
        pushed = httpx.post(
            url + "/ingest/pushy",
            content=rss("pushy", [Version("pushy-1", 1)]),
            headers={"Authorization": f"Bearer {PUSH_TOKEN}"},
            timeout=30,
        )
        assert pushed.json()["status"] == "queued"
        wait_until(
            lambda: any(b"Story pushy-1 v1" in body for _, _, body in subscriber.notes),
            "the worker to send the changed feed",
            on_wait=alive(site, one),
        )
    assert "Starting job wiredesk.websub" in one.text()  # the worker sends, in a job
