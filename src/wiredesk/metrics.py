"""What the process counts for Prometheus: polls, payloads, items, requests, the page cache.

The instruments live here, at the bottom of the layers, so ingest and the channels can count
without knowing who reads the figures; `wiredesk.runtime.metrics_page` serves them at
`/metrics`, with what the database says at the moment of the scrape (sources' health,
quarantine, subscribers) beside them.

They are the figures of this process. In `wiredesk run` that is the whole site; where
`wiredesk ingest` runs beside `wiredesk serve`, the poll and payload counters of the other
process are not here, and the database's figures are the ones to watch
(docs/operations.md, "Metrics").

Labels are bounded: a source id (from the settings), an outcome from a short fixed list, and
the kind of page a path is (`page_kind`), never the path itself, which a scanner could make
infinite.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

POLLS = Counter(
    "wiredesk_polls",
    "Polls of a source, by outcome: ok (something new or nothing new), not_modified, failed.",
    ["source", "outcome"],
    registry=REGISTRY,
)
POLL_SECONDS = Histogram(
    "wiredesk_poll_seconds",
    "Time from the start of a poll to its last copy saved.",
    ["source"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
PAYLOADS = Counter(
    "wiredesk_payloads",
    "New payloads stored (polled, dropped or pushed); the same bytes again are not counted.",
    ["source"],
    registry=REGISTRY,
)
ITEMS = Counter(
    "wiredesk_items",
    "Items by what became of them: new_story, new_version, dropped (by a routing rule), "
    "quarantined, problem (saved with a problem noted).",
    ["source", "outcome"],
    registry=REGISTRY,
)
REQUESTS = Counter(
    "wiredesk_http_requests",
    "HTTP requests answered, by the kind of page and status class (2xx, 3xx, 4xx, 5xx).",
    ["kind", "status"],
    registry=REGISTRY,
)
REQUEST_SECONDS = Histogram(
    "wiredesk_http_request_seconds",
    "Time from a request's arrival to the end of its answer, by the kind of page.",
    ["kind"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
PAGE_CACHE = Counter(
    "wiredesk_page_cache",
    "Pages and feeds answered from the page cache (hit) or rendered (miss).",
    ["result"],
    registry=REGISTRY,
)

# Paths at the root that are a kind of their own.
_ROOT_KINDS = {
    "/health": "health",
    "/metrics": "metrics",
    "/robots.txt": "robots",
    "/favicon.ico": "static",
}
_PREFIX_KINDS = (
    ("/api/", "api"),
    ("/desk/", "desk"),
    ("/ingest/", "push"),
    ("/websub", "websub"),
    ("/static/", "static"),
    ("/media/", "media"),
)
_FEED_NAMES = ("feed.xml", "feed.json", "atom.xml")


def page_kind(path: str, edition_prefixes: tuple[str, ...] = ()) -> str:
    """What a request path asks for, as a label: home, section (any list), article, feed,
    sitemap, search, api, desk, push, static, media, health, metrics, websub or robots.
    An edition's prefix (`/en`) is not part of the kind."""
    if path in _ROOT_KINDS:
        return _ROOT_KINDS[path]
    for prefix, kind in _PREFIX_KINDS:
        if path.startswith(prefix):
            return kind
    for prefix in edition_prefixes:
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix) :] or "/"
            break
    last = path.rsplit("/", 1)[-1]
    if path == "/":
        return "home"
    if last in _FEED_NAMES:
        return "feed"
    if last.startswith("sitemap"):
        return "sitemap"
    if path == "/search":
        return "search"
    return "section" if path.endswith("/") else "article"


def count_poll(
    source: str,
    *,
    ok: bool,
    not_modified: bool,
    payloads: int,
    new_stories: int,
    new_versions: int,
    dropped: int,
    problems: int,
    seconds: float | None = None,
) -> None:
    """One poll of `source` (the scheduler's report of it)."""
    outcome = "failed" if not ok else "not_modified" if not_modified and not payloads else "ok"
    POLLS.labels(source, outcome).inc()
    if seconds is not None:
        POLL_SECONDS.labels(source).observe(seconds)
    count_items(
        source,
        payloads=payloads,
        new_stories=new_stories,
        new_versions=new_versions,
        dropped=dropped,
        problems=problems,
    )


def count_items(
    source: str,
    *,
    payloads: int = 0,
    new_stories: int = 0,
    new_versions: int = 0,
    dropped: int = 0,
    quarantined: int = 0,
    problems: int = 0,
) -> None:
    """What a poll or a push of `source` stored."""
    if payloads:
        PAYLOADS.labels(source).inc(payloads)
    for outcome, n in (
        ("new_story", new_stories),
        ("new_version", new_versions),
        ("dropped", dropped),
        ("quarantined", quarantined),
        ("problem", problems),
    ):
        if n:
            ITEMS.labels(source, outcome).inc(n)
