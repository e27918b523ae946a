"""What a transport hands to ingest: bytes plus what we need to ask again cheaply next time.

Transports return `None` instead of a `Fetched` when the source says nothing changed, so ingest
never has to store, hash or parse a payload it has already seen.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fetched:
    payload: bytes
    location: str  # the URL or path the bytes actually came from (after redirects)
    content_type: str | None = None
    etag: str | None = None  # validators to send next time (HTTP), or the file's fingerprint
    last_modified: str | None = None
