"""A payload stored by a process that died before processing it is processed at the next start,
even when its feed has moved on and will never send those bytes again."""

from __future__ import annotations

from pathlib import Path

from wiredesk.config import parse_settings
from wiredesk.ingest.polling import ingest_once
from wiredesk.model import Envelope, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes
from wiredesk.store.public.reader import PublicReader

RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    "<link>https://a.example/</link><description>d</description><language>hi</language>"
    '<item><guid isPermaLink="false">left-behind</guid><title>अधूरी रह गई खबर</title>'
    "<description>यह खबर पिछली बार संग्रहीत हुई पर प्रकाशित न हो सकी।</description></item>"
    "</channel></rss>"
).encode()


def test_an_unfinished_payload_is_processed_before_the_next_poll(
    tmp_path: Path, db_url: str
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    settings = parse_settings(
        {
            "site": {"language": "hi", "data_dir": str(tmp_path), "database": db_url},
            "sources": [{"id": "agency", "name": "Agency", "folder": str(inbox)}],
        },
        tmp_path / "wiredesk.toml",
    )
    store = Database.open(db_url)
    # what a crash leaves: the raw payload stored, nothing processed, the file long gone
    env_id, _ = envelopes.record(
        store,
        Envelope(source_id="agency", payload=RSS, transport=Transport.FOLDER, location="x.xml"),
    )
    assert PublicReader(store).list_copies() == [] and envelopes.unfinished(store) == [
        (env_id, "agency")
    ]

    [report] = ingest_once(settings, store)  # the folder is empty: the poll itself finds nothing

    assert report.ok
    assert [s.headline for s in PublicReader(store).list_copies()] == ["अधूरी रह गई खबर"]
    assert envelopes.get(store, env_id)["status"] == "processed"
    assert envelopes.unfinished(store) == []
    store.close()
