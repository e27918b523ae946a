"""Hostile payloads through the real ingest path (SQLite and PostgreSQL): each ends in a clear
error on its envelope or a correct result, with memory bounded, nothing fetched, and the
other source's stories published before and after it."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from starlette.testclient import TestClient

from wiredesk.config import Settings, parse_settings
from wiredesk.formats import limits, parse_payload
from wiredesk.ingest.accept import accept
from wiredesk.ingest.outcomes import EnvelopeOutcome
from wiredesk.ingest.polling import ingest_source
from wiredesk.model import Envelope, EnvelopeStatus, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes, quarantine
from wiredesk.store.public.reader import PublicReader

TOKEN = "t" * 24
HINDI = "नई दिल्ली में क़ानून पर बहस"
# RSS 200 bytes a story; a 100,000-item feed is about 25 MB. Parsing it must not take more
# than this much memory on top of what the test process already holds.
MEMORY_BOUND_MB = 500


def rss(items: str, prolog: str = "", channel_extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>' + prolog + '<rss version="2.0"><channel>'
        "<title>t</title><link>https://agency.example/</link><description>d</description>"
        f"{channel_extra}{items}</channel></rss>"
    ).encode()


FEB_5 = "Sat, 05 Feb 2022 14:00:00 GMT"


def item(guid: str, title: str, body: str = "पाठ।", date: str = FEB_5) -> str:
    return (
        f'<item><guid isPermaLink="false">{guid}</guid><title>{title}</title>'
        f"<pubDate>{date}</pubDate><description>{body}</description></item>"
    )


def settings_for(tmp_path: Path, **hostile: Any) -> Settings:
    data = {
        "site": {
            "language": "hi",
            "base_url": "https://news.example",
            "data_dir": "data",
            "timezone": "Asia/Kolkata",
        },
        "sources": [
            {"id": "hostile", "name": "Hostile", **(hostile or {"push_token": TOKEN})},
            {"id": "steady", "name": "Steady", "push_token": TOKEN},
        ],
    }
    return parse_settings(data, tmp_path / "wiredesk.toml")


def push(
    settings: Settings, store: Database, source_id: str, payload: bytes, **kw: Any
) -> EnvelopeOutcome:
    source = settings.source(source_id)
    assert source is not None
    env = Envelope(source_id, payload, Transport.PUSH, "push", **kw)
    return accept(settings, store, source, env)


def steady_headlines(store: Database) -> list[str]:
    return sorted(
        s.headline for s in PublicReader(store).list_copies(source_id="steady", limit=100)
    )


def run_hostile(tmp_path: Path, store: Database, payload: bytes, **kw: Any) -> EnvelopeOutcome:
    """The steady source's stories before and after the hostile payload are both published,
    whatever the hostile one does."""
    settings = settings_for(tmp_path)
    push(settings, store, "steady", rss(item("before", "पहले की खबर")))
    outcome = push(settings, store, "hostile", payload, **kw)
    push(settings, store, "steady", rss(item("after", "बाद की खबर")))
    assert steady_headlines(store) == ["पहले की खबर", "बाद की खबर"]
    return outcome


def hostile_stories(store: Database) -> list[Any]:
    return PublicReader(store).list_copies(source_id="hostile", limit=100)


def assert_clear_error(store: Database, outcome: EnvelopeOutcome, *words: str) -> None:
    """Refused as a whole: one line naming why, on the envelope and in the quarantine."""
    assert outcome.error is not None and "\n" not in outcome.error
    for word in words:
        assert word in outcome.error
    envelope = envelopes.get(store, outcome.envelope_id) or {}
    assert envelope["status"] == EnvelopeStatus.FAILED
    [row] = quarantine.list_rows(store, envelope_id=outcome.envelope_id)
    assert row.stage == "parse" and row.item_index is None
    assert hostile_stories(store) == []


# --- entity expansion --------------------------------------------------------------------

LOL = "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" * 10) if i else "lol"}">' for i in range(10))


def test_billion_laughs_is_refused_unexpanded(tmp_path: Path, store: Database) -> None:
    """Nested entities are what an entity bomb is made of: the payload is refused whole, in
    milliseconds, naming the first nested declaration; no story shows `&lol9;`."""
    payload = rss(
        item("laughs", "हँसी &lol9;", "<p>&lol9;</p>") + "<item><guid>attr</guid><title>x</title>"
        "<link>https://agency.example/&lol9;</link><description>y</description></item>",
        prolog=f"<!DOCTYPE rss [{LOL}]>",
    )
    outcome = run_hostile(tmp_path, store, payload)
    assert_clear_error(store, outcome, "&lol1;", "billion laughs", "ask the provider")


def test_billion_laughs_in_agency_xml_is_refused_unexpanded(
    tmp_path: Path, store: Database
) -> None:
    """NITF and NewsML-G2 follow the same rule as the feeds."""
    nitf = (
        f'<?xml version="1.0"?><!DOCTYPE nitf [{LOL}]><nitf><head><docdata>'
        '<doc-id id-string="n1"/></docdata></head><body><body.head><hedline><hl1>हँसी &lol9;'
        "</hl1></hedline></body.head><body.content><p>&lol9; पाठ</p></body.content></body></nitf>"
    ).encode()
    g2 = (
        f'<?xml version="1.0"?><!DOCTYPE newsItem [{LOL}]>'
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:g1" version="1">'
        "<itemMeta><itemClass qcode='ninat:text'/><pubStatus qcode='stat:usable'/>"
        "</itemMeta><contentMeta><headline>हँसी &lol9;</headline></contentMeta>"
        "<contentSet><inlineData contenttype='text/plain'>&lol9; पाठ</inlineData>"
        "</contentSet></newsItem>"
    ).encode()
    for payload in (nitf, g2):
        outcome = run_hostile(tmp_path, store, payload)
        assert_clear_error(store, outcome, "&lol1;", "billion laughs")


def test_quadratic_blowup_is_refused_at_its_budget(tmp_path: Path, store: Database) -> None:
    """One 100 kB entity referenced 20,000 times would be 2 GB of text if expanded: refused
    once the document would pass twice its size (or 1 MB more), having built no more."""
    big = "x" * 100_000
    payload = rss(
        item("quad", "वर्ग", "&big;" * 20_000), prolog=f'<!DOCTYPE rss [<!ENTITY big "{big}">]>'
    )
    reset_peak_rss()
    before = peak_rss_mb()
    outcome = run_hostile(tmp_path, store, payload)
    assert peak_rss_mb() - before < 100
    assert_clear_error(store, outcome, "&big;", "20,000 times", "larger than 1.2 MB")


def test_an_entity_that_cannot_be_expanded_refuses_the_payload_when_used(
    tmp_path: Path, store: Database
) -> None:
    """An entity whose text is markup would leave a hole in the story: refused when used,
    dropped when only declared."""
    prolog = '<!DOCTYPE rss [<!ENTITY sig "<b>IANS</b>">]>'
    used = rss(item("sig1", "खबर &sig;"), prolog=prolog)
    assert_clear_error(store, run_hostile(tmp_path, store, used), "&sig;", "markup")
    unused = push(settings_for(tmp_path), store, "hostile", rss(item("sig2", "खबर"), prolog))
    assert outcome_ok(unused)
    assert [s.headline for s in hostile_stories(store)] == ["खबर"]


def outcome_ok(outcome: EnvelopeOutcome) -> bool:
    return outcome.error is None and outcome.new_stories == 1


def test_plain_entities_declared_in_the_dtd_are_expanded(tmp_path: Path, store: Database) -> None:
    """feedparser's `entity_in_doctype.xml` case, a copyright sign and the agency's name, in
    a feed, an NITF and a NewsML-G2 document: each reads as if written out."""
    dtd = (
        '<!ENTITY id "tag:example.com,"><!ENTITY copy "&#169;">'
        "<!ENTITY agency 'Indo-Asian News Service'>"
    )
    feed = rss(
        item("&id;2006-05-04:/blog/", "&copy; &agency;", "<p>पाठ &agency;</p>"),
        prolog=f"<!DOCTYPE rss [{dtd}]>",
    )
    nitf = (
        f'<?xml version="1.0"?><!DOCTYPE nitf [{dtd}]><nitf><head><docdata>'
        '<doc-id id-string="&id;n1"/></docdata></head><body><body.head><hedline>'
        "<hl1>एनआईटीएफ &agency;</hl1></hedline></body.head><body.content><p>&copy; पाठ</p>"
        "</body.content></body></nitf>"
    ).encode()
    g2 = (
        f'<?xml version="1.0"?><!DOCTYPE newsItem [{dtd}]>'
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="&id;g1" version="1">'
        "<itemMeta><itemClass qcode='ninat:text'/><pubStatus qcode='stat:usable'/>"
        "</itemMeta><contentMeta><headline>जी2 &agency; &copy;</headline></contentMeta>"
        "<contentSet><inlineData contenttype='text/plain'>पाठ &agency;</inlineData>"
        "</contentSet></newsItem>"
    ).encode()
    settings = settings_for(tmp_path)
    for payload in (feed, nitf, g2):
        assert outcome_ok(push(settings, store, "hostile", payload))
    by_guid = {s.guid: s for s in hostile_stories(store)}
    assert sorted(by_guid) == [
        "tag:example.com,2006-05-04:/blog/",
        "tag:example.com,g1",
        "tag:example.com,n1",
    ]
    assert by_guid["tag:example.com,2006-05-04:/blog/"].headline == "© Indo-Asian News Service"
    assert by_guid["tag:example.com,n1"].headline == "एनआईटीएफ Indo-Asian News Service"
    assert by_guid["tag:example.com,g1"].headline == "जी2 Indo-Asian News Service ©"
    assert "Indo-Asian News Service" in by_guid["tag:example.com,g1"].body_text
    assert "© पाठ" in by_guid["tag:example.com,n1"].body_text
    for story in by_guid.values():
        shown = story.headline + story.body_html + story.body_text
        assert "&id;" not in shown and "&agency;" not in shown and "&copy;" not in shown


# --- external entities and DTDs ------------------------------------------------------------


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.hits.append(self.path)
        body = b'<!ENTITY leak "LEAKED-FROM-SERVER">'
        self.send_response(200)
        self.send_header("Content-Type", "application/xml-dtd")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    """A local server that records every request: the parsers must never contact it."""
    Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def xxe_documents(secret: Path, url: str) -> dict[str, bytes]:
    """The same attacks in each XML format wiredesk reads (and in a feed only the fallback
    parser, feedparser, can read: RSS 0.90 without a channel element)."""
    dtd = (
        f'<!ENTITY file SYSTEM "{secret.as_uri()}"><!ENTITY web SYSTEM "{url}/entity">'
        f'<!ENTITY % remote SYSTEM "{url}/param"> %remote;'
    )
    refs = "&file; &web; &leak;"
    return {
        "rss": rss(
            item("x1", f"खबर {refs}", f"<p>{refs}</p>"),
            prolog=f'<!DOCTYPE rss SYSTEM "{url}/rss.dtd" [{dtd}]>',
        ),
        "atom": (
            f'<?xml version="1.0"?><!DOCTYPE feed SYSTEM "{url}/atom.dtd" [{dtd}]>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:f</id>'
            "<updated>2022-02-05T14:00:00Z</updated><entry><id>urn:e1</id>"
            f"<title>खबर {refs}</title><updated>2022-02-05T14:00:00Z</updated>"
            f'<content type="html">{refs}</content></entry></feed>'
        ).encode(),
        "rss-0.90": (
            f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "{url}/rdf.dtd" [{dtd}]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>t</title>'
            "<link>https://agency.example/</link><description>d</description></channel>"
            f"<item><title>खबर {refs}</title><link>https://agency.example/1</link></item>"
            "</rdf:RDF>"
        ).encode(),
        "nitf": (
            f'<?xml version="1.0"?><!DOCTYPE nitf SYSTEM "{url}/nitf.dtd" [{dtd}]><nitf><head>'
            '<docdata><doc-id id-string="n1"/></docdata></head><body><body.head><hedline>'
            f"<hl1>खबर {refs}</hl1></hedline></body.head><body.content><p>{refs}</p>"
            "</body.content></body></nitf>"
        ).encode(),
        "newsml-g2": (
            f'<?xml version="1.0"?><!DOCTYPE newsItem SYSTEM "{url}/g2.dtd" [{dtd}]>'
            '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:g1" version="1">'
            "<itemMeta><itemClass qcode='ninat:text'/><pubStatus qcode='stat:usable'/>"
            f"</itemMeta><contentMeta><headline>खबर {refs}</headline></contentMeta>"
            f"<contentSet><inlineData contenttype='text/plain'>{refs} पाठ</inlineData>"
            "</contentSet></newsItem>"
        ).encode(),
    }


@pytest.mark.parametrize("kind", ["rss", "atom", "rss-0.90", "nitf", "newsml-g2"])
def test_external_entities_and_dtds_are_never_fetched(
    tmp_path: Path, store: Database, recorder: str, kind: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:TOP-SECRET", encoding="utf-8")
    outcome = run_hostile(tmp_path, store, xxe_documents(secret, recorder)[kind])
    assert Recorder.hits == [], f"the {kind} parser contacted the server"
    if outcome.error is not None:
        assert_clear_error(store, outcome)
        return
    stories = hostile_stories(store)
    assert stories, f"{kind}: neither a story nor an error"
    for story in stories:
        shown = story.headline + story.body_html + story.body_text
        assert "TOP-SECRET" not in shown and "LEAKED" not in shown
        assert story.headline.startswith("खबर")


def test_etc_passwd_is_not_read(tmp_path: Path, store: Database) -> None:
    payload = rss(
        item("p1", "पासवर्ड &xxe;", "<p>&xxe;</p>"),
        prolog='<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    )
    run_hostile(tmp_path, store, payload)
    for story in hostile_stories(store):
        assert "root:" not in story.headline + story.body_html


# --- bytes ---------------------------------------------------------------------------------


def test_invalid_utf8_is_replaced_and_the_hindi_around_it_kept(
    tmp_path: Path, store: Database
) -> None:
    payload = rss(item("u1", f"{HINDI} \xa7BAD\xa7", f"{HINDI} \xa7BAD\xa7 पाठ"))
    payload = payload.replace("\xa7BAD\xa7".encode(), b"\xff\xfe\xc3")
    outcome = run_hostile(tmp_path, store, payload)
    assert outcome.error is None
    [story] = hostile_stories(store)
    assert story.headline.startswith(HINDI) and "\ufffd" in story.headline
    assert HINDI in story.body_text


def test_a_windows_1252_feed_that_claims_utf8_is_read_as_windows_1252() -> None:
    payload = rss(item("w1", "\xa7Q\xa7", "x")).replace("\xa7Q\xa7".encode(), b"\x93caf\xe9\x94")
    [it] = parse_payload(payload).items
    assert it.headline == "\u201ccafé\u201d"


def one_item_rss(title: str, declaration: str = "<?xml version='1.0'?>") -> str:
    return (
        f"{declaration}<rss version='2.0'><channel><title>t</title>"
        f"<item><guid>g</guid><title>{title}</title></item></channel></rss>"
    )


@pytest.mark.parametrize(
    ("raw", "content_type", "expected"),
    [
        (b"\xef\xbb\xbf" + one_item_rss(HINDI).encode(), None, HINDI),
        (
            one_item_rss(HINDI, "<?xml version='1.0' encoding='utf-16'?>").encode("utf-16"),
            None,
            HINDI,
        ),
        (
            one_item_rss("café", "<?xml version='1.0' encoding='iso-8859-1'?>").encode("latin-1"),
            None,
            "café",
        ),
        (
            one_item_rss("Привет мир").encode("cp1251"),
            "application/rss+xml; charset=windows-1251",
            "Привет мир",
        ),
    ],
    ids=["utf8-bom", "utf16-bom-and-declaration", "declaration", "http-charset"],
)
def test_encodings_from_bom_declaration_and_http_header(
    raw: bytes, content_type: str | None, expected: str
) -> None:
    [it] = parse_payload(raw, "auto", content_type).items
    assert it.headline == expected


def test_nul_and_control_characters_never_reach_the_store_or_the_feeds(
    tmp_path: Path, store: Database
) -> None:
    xml = rss(item("n1", "शीर्षक\x00 एक", "<p>पाठ\x00\x01 &amp;#1; &amp;#0; अंत</p>"))
    jsonfeed = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "t",
            "items": [
                {
                    "id": "j1",
                    "title": "जेसन\u0000 \u0007शीर्षक \ud800",
                    "content_html": "<p>a\u0000b</p>",
                }
            ],
        }
    ).encode()
    settings = settings_for(tmp_path)
    push(settings, store, "steady", rss(item("before", "पहले की खबर")))
    outcomes = [push(settings, store, "hostile", p) for p in (xml, jsonfeed)]
    assert [o.error for o in outcomes] == [None, None]
    stories = hostile_stories(store)
    assert len(stories) == 2
    for story in stories:
        for text in (story.headline, story.body_html, story.body_text, story.guid):
            assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text), repr(text)
    client = TestClient(site_app(settings, store))
    for path in ("/feed.xml", "/atom.xml", "/feed.json", *(s.path for s in stories)):
        assert client.get(path).status_code == 200, path


# --- size and depth ---------------------------------------------------------------------------


def peak_rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")  # resets VmHWM to the current RSS (Linux 4.0+)


def test_a_feed_of_100000_items_is_refused_with_its_limit_in_bounded_memory(
    tmp_path: Path, store: Database
) -> None:
    """Over `MAX_ITEMS_PER_PAYLOAD` a payload is refused as a whole, after reading it with
    memory under MEMORY_BOUND_MB; the operator is told to split it."""
    payload = rss("".join(item(f"g{i}", f"खबर {i}", f"<p>पाठ {i}</p>") for i in range(100_000)))
    reset_peak_rss()
    before = peak_rss_mb()
    outcome = run_hostile(tmp_path, store, payload)
    grown = peak_rss_mb() - before
    assert grown < MEMORY_BOUND_MB, f"parsing took {grown} MB"
    assert_clear_error(
        store, outcome, "100,000 items", f"{limits.MAX_ITEMS_PER_PAYLOAD:,}", "split"
    )


def test_a_payload_over_the_size_limit_is_refused_unread(
    tmp_path: Path, store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 10_000)
    payload = rss("".join(item(f"g{i}", f"खबर {i}") for i in range(200)))
    outcome = run_hostile(tmp_path, store, payload)
    assert_clear_error(store, outcome, "over the 0.0 MB limit")


def test_xml_nested_100000_deep(tmp_path: Path, store: Database) -> None:
    deep = "<x>" * 100_000 + "गहरा" + "</x>" * 100_000
    payloads = {
        "in an item": rss(item("d1", "गहरी खबर", f"<p>ऊपर</p>{deep}")),
        "the document": rss(deep),
        "nitf": f"<nitf><head/><body>{deep}</body></nitf>".encode(),
    }
    settings = settings_for(tmp_path)
    for what, payload in payloads.items():
        outcome = push(settings, store, "hostile", payload)
        if outcome.error is not None:
            assert "\n" not in outcome.error, what
    for story in hostile_stories(store):
        assert story.body_html.count("<") < 100, "the nesting reached a story"
    push(settings, store, "steady", rss(item("after", "बाद की खबर")))
    assert steady_headlines(store) == ["बाद की खबर"]


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}",
            "JSON Feed",
        ),
        (
            b'{"uri": "urn:n1", "type": "text", "headline": "h", "body_html": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}",
            "ninjs",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "not a feed"),
    ],
    ids=["jsonfeed", "ninjs", "bare-json"],
)
def test_json_nested_100000_deep_is_refused(
    tmp_path: Path, store: Database, payload: bytes, words: str
) -> None:
    outcome = run_hostile(tmp_path, store, payload)
    assert_clear_error(store, outcome, words)


# --- feeds that misbehave over time ---------------------------------------------------------------


def test_a_feed_whose_guids_change_on_every_poll_adds_its_items_each_time(
    tmp_path: Path, store: Database
) -> None:
    """A guid is the agency's name for a story, so new guids are new items: three polls of a
    five-item feed whose guids change every time store fifteen items (that is the expected
    result; near-duplicate grouping is a separate stage). Growth per poll is bounded by the
    payload's own item limit, and nothing else is affected."""
    feed = tmp_path / "feed.xml"
    settings = settings_for(tmp_path, url=feed.as_uri())
    push(settings, store, "steady", rss(item("before", "पहले की खबर")))
    for poll in range(3):
        feed.write_bytes(rss("".join(item(f"poll{poll}-{i}", f"वही खबर {i}") for i in range(5))))
        report = ingest_source(settings, store, settings.sources[0])
        assert report.ok and report.new_stories == 5, report.line()
    hostile = [r for r in operator.all_copies(store) if r["source_id"] == "hostile"]
    assert len(hostile) == 15
    assert steady_headlines(store) == ["पहले की खबर"]


def test_dates_in_the_far_future_and_before_1970_are_stored_and_shown_sanely(
    tmp_path: Path, store: Database
) -> None:
    settings = settings_for(tmp_path)
    received = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)
    payload = rss(
        item("future", "भविष्य की खबर", date="Fri, 31 Dec 9999 23:59:59 GMT")
        + item("past", "पुरानी खबर", date="Mon, 01 Jan 1900 00:00:00 GMT")
        + item("epoch", "युग की खबर", date="Wed, 31 Dec 1969 23:59:59 GMT")
    )
    outcome = push(settings, store, "hostile", payload, received_at=received)
    assert outcome.error is None and outcome.new_stories == 3
    # A second version of the far-future story, updated "in 9999" (Atom has an update time,
    # which the version history shows): its page must render, and later versions must still
    # be able to replace it.
    end_of_time = "9999-12-31T23:59:59Z"
    again = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:f</id>'
        f"<updated>{end_of_time}</updated><entry><id>future</id><title>भविष्य की खबर (अपडेट)"
        f"</title><published>{end_of_time}</published><updated>{end_of_time}</updated>"
        '<content type="html">नया पाठ</content></entry></feed>'
    ).encode()
    push(settings, store, "hostile", again, received_at=received + timedelta(hours=1))
    now = received + timedelta(days=1)
    by_guid = {
        s.guid: s for s in PublicReader(store).list_copies(now, source_id="hostile", limit=10)
    }
    assert set(by_guid) == {"future", "past", "epoch"}
    assert by_guid["future"].published_at == received  # shown as of its arrival
    assert by_guid["future"].headline == "भविष्य की खबर (अपडेट)"
    assert by_guid["past"].published_at.year == 1900
    assert by_guid["epoch"].published_at.year == 1969
    client = TestClient(site_app(settings, store, clock=lambda: now))
    for path in ("/", "/feed.xml", "/atom.xml", "/feed.json", *(s.path for s in by_guid.values())):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "9999" not in response.text, f"{path} shows the year 9999"
