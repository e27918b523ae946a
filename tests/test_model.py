from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from wiredesk.model import Item, PubStatus, Signal


def _per_part_hash(item: Item) -> str:
    """The content hash as every stored version has it: each part's UTF-8, then a NUL."""
    h = hashlib.sha256()
    for part in (
        item.headline,
        item.body_html,
        item.summary,
        item.byline or "",
        "" if item.version is None else str(item.version),
        item.pub_status.value if item.pub_status is not PubStatus.USABLE else "",
        item.embargo_until.isoformat() if item.embargo_until else "",
        ",".join(sorted(s.value for s in item.signals)),
        item.correction_note or "",
    ):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(headline=text, body=text, summary=text, byline=st.none() | text, note=st.none() | text)
def test_content_hash_is_the_one_stored_versions_have(
    headline: str, body: str, summary: str, byline: str | None, note: str | None
) -> None:
    """A replayed payload must hash as its stored version did, or every story would get a
    new version after an upgrade."""
    item = Item(
        guid="g",
        headline=headline,
        body_html=body,
        summary=summary,
        byline=byline,
        correction_note=note,
        version=3,
        pub_status=PubStatus.WITHHELD,
        embargo_until=datetime(2026, 2, 5, 10, tzinfo=UTC),
        signals=[Signal.CORRECTION],
    )
    assert item.content_hash() == _per_part_hash(item)


def test_moving_text_between_parts_changes_the_content_hash() -> None:
    a = Item(guid="g", headline="शीर्षक एक", body_html="<p>x</p>")
    b = Item(guid="g", headline="शीर्षक", body_html=" एक<p>x</p>")
    assert a.content_hash() != b.content_hash()
    assert (
        a.content_hash() == Item(guid="g", headline="शीर्षक एक", body_html="<p>x</p>").content_hash()
    )
