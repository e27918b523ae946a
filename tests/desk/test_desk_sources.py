"""The sources page over HTTP, through the site's real application: each source's settings and
health as the poller left them, its quarantined payloads, and the Reprocess button, which
really reads a payload again (ingest's reprocess, handed to the desk by the runtime)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.desk.desk_support import T0, DeskSite, csrf_of, make_site, post, push, rss
from wiredesk.config import parse_settings
from wiredesk.ingest.polling import ingest_once
from wiredesk.store.ledger import desk_queue, pictures, quarantine, source_state
from wiredesk.store.public.reader import PublicReader


class Unavailable(BaseHTTPRequestHandler):
    """An agency's feed server that is down."""

    def do_GET(self) -> None:
        self.send_response(503)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def feed_down() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    server.shutdown()
    server.server_close()


def sources(feed_url: str) -> list[dict[str, Any]]:
    return [
        {
            "id": "wire",
            "name": "The Wire Agency",
            "push_token": "t" * 24,
            "auto_publish": False,
            "disclaimer": "Unedited copy from the agency's feed.",
            "section": "national",
            "images": "host",
        },
        {"id": "polled", "name": "Polled Agency", "url": feed_url, "allow_private": True},
    ]


SECTIONS = {"national": "National"}


@pytest.fixture
def sources_site(tmp_path: Path, feed_down: str) -> Iterator[DeskSite]:
    with make_site(tmp_path, sources=sources(feed_down), sections=SECTIONS) as made:
        made.add("asha", "editor")
        made.add("vik", "viewer")
        yield made


def misconfigured(site: DeskSite, feed_url: str) -> Any:
    """The same settings with the mistake an operator made before fixing it: the wire sends
    RSS, the settings said JSON Feed."""
    wrong = sources(feed_url)
    wrong[0] = {**wrong[0], "format": "jsonfeed"}
    return parse_settings(
        {
            "site": {"name": "Desk test", "database": site.settings.site.database},
            "sources": wrong,
            "sections": SECTIONS,
        },
        site.settings.path,
    )


def section_of(html: str, source_id: str) -> str:
    return html.split(f'id="source-{source_id}"', 1)[1].split("</section>", 1)[0]


def test_each_source_shows_its_settings_and_health(sources_site: DeskSite) -> None:
    for _ in range(2):  # the real poller, against a feed server answering 503
        ingest_once(sources_site.settings, sources_site.db)
    pictures.record_attempt(
        sources_site.db,
        "wire",
        "https://agency.example/photos/flood.jpg",
        now=T0,
        error="HTTP 404 from agency.example",
    )
    viewer = sources_site.signed_in("vik")
    page = viewer.get("/desk/sources")
    assert page.status_code == 200

    wire = section_of(page.text, "wire")
    assert "The Wire Agency" in wire and "push-only" in wire
    assert "hold: every copy waits for an editor" in wire
    assert "National (national)" in wire
    assert "Unedited copy from the agency&#39;s feed." in wire
    assert "https://agency.example/photos/flood.jpg" in wire
    assert "HTTP 404 from agency.example" in wire
    assert "Nothing quarantined." in wire

    polled = section_of(page.text, "polled")
    assert "backing off" in polled
    assert "backing off: 2 failures in a row" in polled
    assert "503" in polled  # the last error, as the poller recorded it
    assert "publish: copies go up as they arrive" in polled
    assert 'Disclaimer</th><td class="desk-disclaimer">none' in polled
    state = source_state.get(sources_site.db, "polled")
    assert state is not None and state.next_poll_at is not None
    assert f"Next poll</th><td>{state.next_poll_at:%Y-%m-%d %H:%M} UTC" in polled


def test_reprocess_gets_a_quarantined_payload_published_after_the_fix(
    sources_site: DeskSite, feed_down: str
) -> None:
    wrong = misconfigured(sources_site, feed_down)
    envelope = push(sources_site, "wire", rss(("w-1", "Flood waters recede")), settings=wrong)
    [row] = quarantine.list_rows(sources_site.db)
    assert row.envelope_id == envelope and row.stage == "parse"

    editor = sources_site.signed_in("asha")
    page = editor.get("/desk/sources")
    wire = section_of(page.text, "wire")
    assert f"envelope {envelope}" in wire and "not a readable JSON Feed" in wire
    assert f'name="envelope" value="{envelope}"' in wire and "Reprocess</button>" in wire

    # the settings are fixed (the site runs with format "auto"): the button reads it again
    done = post(editor, "/desk/sources", "/desk/sources/reprocess", envelope=str(envelope))
    assert done.status_code == 200, done.text
    assert f"Reprocessed envelope {envelope}: 1 item(s) in (1 new stories)" in done.text
    assert "Nothing quarantined." in section_of(done.text, "wire")
    assert quarantine.list_rows(sources_site.db) == []

    # the wire holds its copies for approval: approve it, and it is on the public site
    [held] = desk_queue.held(sources_site.db)
    assert held.headline == "Flood waters recede"
    post(editor, "/desk/held", f"/desk/held/{held.item_id}/approve")
    assert [c.headline for c in PublicReader(sources_site.db).list_copies(T0)] == [
        "Flood waters recede"
    ]
    assert "Flood waters recede" in sources_site.client().get("/").text

    [entry] = desk_queue.audit_entries(sources_site.db, action="reprocess")
    assert (entry.actor, entry.address, entry.subject, entry.envelope_id) == (
        "editor asha",
        "testclient",
        f"envelope {envelope} of wire",
        envelope,
    )
    assert entry.reason is not None and "1 quarantine row(s) resolved" in entry.reason


def test_reprocess_that_still_fails_says_so(sources_site: DeskSite, feed_down: str) -> None:
    """A payload no setting can read (not a feed at all) stays quarantined, and the page says
    why."""
    wrong = misconfigured(sources_site, feed_down)
    envelope = push(sources_site, "wire", b"<html>an error page</html>", settings=wrong)
    editor = sources_site.signed_in("asha")
    answer = post(editor, "/desk/sources", "/desk/sources/reprocess", envelope=str(envelope))
    assert answer.status_code == 400
    assert f"envelope {envelope} still cannot be read" in answer.text
    assert len(quarantine.list_rows(sources_site.db)) == 1


def test_reprocess_of_no_such_payload_says_so(sources_site: DeskSite) -> None:
    editor = sources_site.signed_in("asha")
    missing = post(editor, "/desk/sources", "/desk/sources/reprocess", envelope="999")
    assert missing.status_code == 404 and "No envelope 999 in the database" in missing.text
    unreadable = post(editor, "/desk/sources", "/desk/sources/reprocess", envelope="x")
    assert unreadable.status_code == 400 and "Say which payload to reprocess" in unreadable.text
    assert desk_queue.audit_entries(sources_site.db, action="reprocess") == []


def test_a_viewer_sees_no_button_and_cannot_reprocess(
    sources_site: DeskSite, feed_down: str
) -> None:
    envelope = push(
        sources_site,
        "wire",
        rss(("w-1", "Flood waters recede")),
        settings=misconfigured(sources_site, feed_down),
    )
    viewer = sources_site.signed_in("vik")
    page = viewer.get("/desk/sources")
    assert f"envelope {envelope}" in page.text and "Reprocess</button>" not in page.text
    refused = viewer.post(
        "/desk/sources/reprocess", data={"csrf": csrf_of(page.text), "envelope": str(envelope)}
    )
    assert refused.status_code == 403 and "This needs the editor role" in refused.text
    editor = sources_site.signed_in("asha")
    tokenless = editor.post("/desk/sources/reprocess", data={"envelope": str(envelope)})
    assert tokenless.status_code == 403
    assert len(quarantine.list_rows(sources_site.db)) == 1  # still there: nothing ran


def test_the_page_times_are_the_sites(sources_site: DeskSite) -> None:
    pictures.record_attempt(
        sources_site.db,
        "wire",
        "https://agency.example/photos/late.jpg",
        now=T0,
        error="timed out",
        retry_at=T0 + timedelta(minutes=10),
    )
    wire = section_of(sources_site.signed_in("vik").get("/desk/sources").text, "wire")
    assert "<td>waiting</td>" in wire
    assert "2026-03-02 09:00 UTC" in wire and "2026-03-02 09:10 UTC" in wire
