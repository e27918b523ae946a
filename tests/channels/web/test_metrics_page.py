"""`GET /metrics` on a real server: what a Prometheus scrape of a running site finds, and who
may read it."""

from __future__ import annotations

import asyncio
import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.live_site import serving
from wiredesk.config import Settings, parse_settings
from wiredesk.errors import ConfigError
from wiredesk.ingest.outcomes import SourceReport
from wiredesk.ingest.reprocess import reprocess_envelope
from wiredesk.ingest.scheduler import Scheduler
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import quarantine

TOKEN = "m" * 32
RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
    "<link>https://agency.example/</link><description>d</description>"
    '<item><guid isPermaLink="false">{guid}</guid><title>{title}</title>'
    "<description>The text of the story about {title}.</description></item></channel></rss>"
)


def settings_for(tmp_path: Path, pushed_format: str = "auto", **site: object) -> Settings:
    good = tmp_path / "good.xml"
    good.write_text(RSS.format(guid="g-1", title="A polled story"), encoding="utf-8")
    return parse_settings(
        {
            "site": {"base_url": "https://news.example", **site},
            "sources": [
                {"id": "good", "name": "Good", "url": good.as_uri()},
                {"id": "gone", "name": "Gone", "url": (tmp_path / "missing.xml").as_uri()},
                {"id": "pushed", "name": "Pushed", "push_token": TOKEN, "format": pushed_format},
            ],
        },
        tmp_path / "wiredesk.toml",
    )


def request(
    port: int, method: str, path: str, body: bytes | None = None, **headers: str
) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response.status, text


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, text = request(port, "GET", "/metrics")
    assert status == 200, text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(
    figures: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


def poll_each_once(settings: Settings, store: Database) -> None:
    """The scheduler, as `wiredesk run` starts it, until every polled source reported."""

    async def go() -> None:
        seen: set[str] = set()
        done = asyncio.Event()

        def on_report(report: SourceReport) -> None:
            seen.add(report.source_id)
            if seen >= {"good", "gone"}:
                done.set()

        task = asyncio.create_task(Scheduler(settings, store, on_report=on_report).run())
        try:
            await asyncio.wait_for(done.wait(), 30)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(go())


@pytest.fixture
def site(store: Database, tmp_path: Path) -> Iterator[tuple[int, Settings]]:
    settings = settings_for(tmp_path)
    with serving(settings, site_app(settings, store)) as port:
        yield port, settings


def test_a_scrape_counts_polls_pushes_pages_and_reads_source_health(
    site: tuple[int, Settings], store: Database
) -> None:
    port, settings = site
    before = scrape(port)
    poll_each_once(settings, store)
    body = RSS.format(guid="p-1", title="A pushed story").encode()
    status, _ = request(port, "POST", "/ingest/pushed", body, Authorization=f"Bearer {TOKEN}")
    assert status == 202
    for _ in range(2):
        assert request(port, "GET", "/")[0] == 200
    assert request(port, "GET", "/no/such-page-abcdefgh")[0] == 404
    after = scrape(port)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("wiredesk_polls_total", source="good", outcome="ok") == 1
    assert grew("wiredesk_polls_total", source="gone", outcome="failed") == 1
    assert grew("wiredesk_payloads_total", source="good") == 1
    assert grew("wiredesk_items_total", source="good", outcome="new_story") == 1
    assert grew("wiredesk_payloads_total", source="pushed") == 1
    assert grew("wiredesk_items_total", source="pushed", outcome="new_story") == 1
    # the home page twice: one render, one answer from the cache, both counted as answered
    assert grew("wiredesk_http_requests_total", kind="home", status="2xx") == 2
    assert grew("wiredesk_page_cache_total", result="hit") >= 1
    assert grew("wiredesk_http_requests_total", kind="article", status="4xx") == 1
    assert grew("wiredesk_http_requests_total", kind="push", status="2xx") == 1
    assert grew("wiredesk_http_request_seconds_count", kind="home") == 2
    # what the database says, for every process that writes to it
    assert value(after, "wiredesk_database_up") == 1
    assert value(after, "wiredesk_source_consecutive_failures", source="gone") == 1
    assert value(after, "wiredesk_source_consecutive_failures", source="good") == 0
    assert value(after, "wiredesk_source_last_success_timestamp_seconds", source="good") > 0
    assert ("wiredesk_source_last_success_timestamp_seconds", (("source", "gone"),)) not in after
    assert value(after, "wiredesk_quarantine_open", source="good") == 0


def test_a_quarantined_payload_is_counted_until_it_is_got_through(
    store: Database, tmp_path: Path
) -> None:
    # an operator's mistake: the source is said to send JSON Feed and sends RSS
    wrong = settings_for(tmp_path, pushed_format="jsonfeed")
    with serving(wrong, site_app(wrong, store)) as port:
        body = RSS.format(guid="p-1", title="A pushed story").encode()
        request(port, "POST", "/ingest/pushed", body, Authorization=f"Bearer {TOKEN}")
        assert value(scrape(port), "wiredesk_quarantine_open", source="pushed") == 1
        [envelope_id] = quarantine.envelopes_to_retry(store)
        fixed = settings_for(tmp_path)
        assert reprocess_envelope(fixed, store, envelope_id).resolved == 1
        assert value(scrape(port), "wiredesk_quarantine_open", source="pushed") == 0


@pytest.mark.parametrize(
    "header",
    ["X-Forwarded-For", "Forwarded", "X-Real-IP"],
)
def test_a_scrape_through_a_proxy_is_refused(site: tuple[int, Settings], header: str) -> None:
    port, _ = site
    status, text = request(port, "GET", "/metrics", **{header: "203.0.113.9"})
    assert status == 403 and "metrics_allow" in text


def test_other_hosts_are_refused_unless_their_network_is_allowed(
    store: Database, tmp_path: Path
) -> None:
    # the server sees 127.0.0.1, which is always allowed; another address is checked
    # against the setting through the same test the handler makes
    from wiredesk.channels.web.metrics_page import MetricsPage
    from wiredesk.store.public.reader import PublicReader

    settings = settings_for(tmp_path, metrics_allow=["10.1.0.0/16", "2001:db8::1"])
    page = MetricsPage(settings, PublicReader(store))

    class Peer:
        def __init__(self, host: str) -> None:
            self.client = type("Client", (), {"host": host})()
            self.scope = {"headers": []}

    assert page.allowed(Peer("10.1.2.3"))  # type: ignore[arg-type]
    assert page.allowed(Peer("2001:db8::1"))  # type: ignore[arg-type]
    assert page.allowed(Peer("::1"))  # type: ignore[arg-type]
    assert not page.allowed(Peer("10.2.0.1"))  # type: ignore[arg-type]
    assert not page.allowed(Peer("testclient"))  # type: ignore[arg-type]


def test_a_network_that_is_not_one_is_a_clear_settings_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        settings_for(tmp_path, metrics_allow=["10.0.0.0/8", "intranet"])
    assert "site.metrics_allow[1]" in str(e.value) and "'intranet'" in str(e.value)
