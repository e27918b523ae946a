"""The simplest real system: records with the same normalised text share a cluster.

It finds exact duplicates across sources (and copies that differ only in case or spacing)
and nothing else; it is here so the harness runs before the near-duplicate detector exists,
and as the floor that detector must clear.
"""

from __future__ import annotations

import hashlib
import unicodedata


def normalized(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def cluster(records: list[dict[str, str]]) -> list[str]:
    """One label per record: a hash of its normalised headline and body."""
    return [
        hashlib.blake2b(
            normalized(f"{r['headline']}\n{r['body_text']}").encode(), digest_size=12
        ).hexdigest()
        for r in records
    ]
