"""From a matching key to what is stored: an exact hash, a MinHash signature, and features.

The signature has two parts, because one MinHash cannot find both kinds of copy:

- **document** MinHash over word 3-shingles of headline and body: finds copies that kept most
  of the text (dropped, added or reordered paragraphs, a new lead, spelling changes);
- **lead** MinHash over 3-shingles of the first `LEAD_TOKENS` body tokens: finds teasers
  (headline and first paragraph only), whose document Jaccard against the full story is near
  zero because the teaser is a sixth of it, but whose opening is the story's opening.

The features are what verification needs: one 32-bit hash and a token count for the headline
and for each sentence. Sentences are compared whole, so a sentence with a different number,
weekday or name never counts as shared (that is what separates one day's market close from the
next), while merged, split, dropped and reordered paragraphs change nothing.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from dataclasses import dataclass
from itertools import repeat

import rensa

from wiredesk.syndication.normalize import MatchKey

SCHEME = 1  # bump when shingling, seeds or packing change: stored fingerprints must be redone
SHINGLE = 3  # _shingles zips three token lists; change both together
DOC_PERM = 64
LEAD_PERM = 32
LEAD_TOKENS = 24
DOC_SEED = 5
LEAD_SEED = 11
NUM_PERM = DOC_PERM + LEAD_PERM

_SIG = struct.Struct(f"<B{NUM_PERM}I")
SIGNATURE_BYTES = _SIG.size
_HEAD = struct.Struct("<BIBH")  # scheme, headline hash, headline weight, sentence count


def _shingles(tokens: list[str]) -> list[str]:
    if len(tokens) <= SHINGLE:
        return [" ".join(tokens)] if tokens else []
    return list(map(" ".join, zip(tokens, tokens[1:], tokens[2:], strict=False)))


def _minhash(shingles: list[str], num_perm: int, seed: int) -> list[int]:
    m = rensa.RMinHash(num_perm=num_perm, seed=seed)
    if shingles:
        m.update(shingles)
    return m.digest()


def signature(key: MatchKey) -> bytes:
    """The packed MinHash signature: DOC_PERM values, then LEAD_PERM values (uint32).

    The lead's shingles are a run of the document's (the body follows the headline), so they
    are sliced from the document's list rather than joined a second time.
    """
    body = key.tokens
    doc_shingles = _shingles([*key.headline, *body])
    n = min(len(body), LEAD_TOKENS)
    if n >= SHINGLE:
        start = len(key.headline)
        lead_shingles = doc_shingles[start : start + n - SHINGLE + 1]
    else:
        lead_shingles = _shingles(list(body[:LEAD_TOKENS]))
    doc = _minhash(doc_shingles, DOC_PERM, DOC_SEED)
    lead = _minhash(lead_shingles, LEAD_PERM, LEAD_SEED)
    return _SIG.pack(SCHEME, *doc, *lead)


def unpack_signature(blob: bytes) -> tuple[int, ...]:
    if len(blob) != _SIG.size or blob[0] != SCHEME:
        raise ValueError(
            f"syndication signature of {len(blob)} bytes, scheme {blob[:1].hex() or '-'}: "
            f"expected {_SIG.size} bytes of scheme {SCHEME}; recompute the fingerprints "
            "(they were made by another version of wiredesk)"
        )
    return _SIG.unpack(blob)[1:]


_crc32 = zlib.crc32


def _hash(text: str) -> int:
    return zlib.crc32(text.encode())


_LITTLE = sys.byteorder == "little"


def _uint32s(blob: bytes) -> array[int]:
    values = array("I", blob)
    if not _LITTLE:
        values.byteswap()
    return values


@dataclass(frozen=True, slots=True)
class Features:
    """Verification's view of a story: headline and sentence hashes with their token counts."""

    headline: int
    headline_weight: int
    sentences: dict[int, int]  # sentence hash -> tokens (repeated sentences counted once)

    @property
    def weight(self) -> int:
        return self.headline_weight + sum(self.sentences.values())


def features(key: MatchKey) -> bytes:
    """Headline hash and weight, then each distinct sentence's hash and weight, in order.

    Hashes and space counts are computed with `map` (the loop runs in C; a story has dozens
    of sentences). A repeated sentence keeps its first position in the dict; its weight
    depends only on its text, so which copy sets it does not matter.
    """
    ss = key.sentences
    hashed = map(_crc32, ss)
    sentences = dict(zip(hashed, map(bytes.count, ss, repeat(b" ")), strict=True))
    hashes = list(sentences)
    weights = [w + 1 if w < 255 else 255 for w in sentences.values()]
    return _HEAD.pack(
        SCHEME, _hash(" ".join(key.headline)), min(len(key.headline), 255), len(hashes)
    ) + struct.pack(f"<{len(hashes)}I{len(hashes)}B", *hashes, *weights)


def unpack_features(blob: bytes) -> Features:
    if len(blob) < _HEAD.size or blob[0] != SCHEME:
        raise ValueError(
            f"syndication features of scheme {blob[:1].hex() or '-'}: expected scheme {SCHEME}; "
            "recompute the fingerprints (they were made by another version of wiredesk)"
        )
    _, head, head_w, n = _HEAD.unpack_from(blob)
    end = _HEAD.size + 4 * n
    hashes = _uint32s(blob[_HEAD.size : end])
    return Features(head, head_w, dict(zip(hashes, blob[end : end + n], strict=True)))
