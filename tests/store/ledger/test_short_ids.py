from __future__ import annotations

from datetime import UTC, datetime

T0 = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)


def test_short_ids_are_the_prefix_of_the_whole_digest_in_base32() -> None:
    """Story URLs hold the short id: encoding only the bytes it needs must give exactly the
    id every earlier version gave, at every length a collision may push it to."""
    import base64
    import hashlib

    from wiredesk.store.ledger.short_ids import short_id_for

    for guid in ("urn:ians:1", "https://example.com/story?id=९", ""):
        digest = hashlib.sha256(f"ians\x00{guid}".encode()).digest()
        whole = base64.b32encode(digest).decode("ascii").lower()
        for length in range(1, 52):
            assert short_id_for("ians", guid, length) == whole[:length]
