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

Everything here is arithmetic over the key's token ids (`token_ids.IdKey`): a shingle's hash
mixes its three ids, a sentence's hash mixes each id with its position in the sentence, and
rensa takes the shingle hashes as they are (`digest_matrix_from_flat_token_hashes`). No string
is built or hashed per token, which is what made the fingerprint cheap enough to run inside
ingest (docs/syndication.md, "Cost").
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

import rensa

from wiredesk.syndication.token_ids import MARK_BYTES, IdKey

try:
    from wiredesk.syndication._native import features as _native_features
    from wiredesk.syndication._native import shingles as _native_shingles
except ImportError:  # built without a C compiler
    _native_features = None
    _native_shingles = None

SCHEME = 4  # bump when shingling, hashing, seeds or packing change: fingerprints are redone
SHINGLE = 3  # _shingle_hashes mixes three ids; change both together
DOC_PERM = 64
LEAD_PERM = 32
LEAD_TOKENS = 24
DOC_SEED = 5
LEAD_SEED = 11
NUM_PERM = DOC_PERM + LEAD_PERM

_SIG = struct.Struct(f"<B{NUM_PERM}I")
SIGNATURE_BYTES = _SIG.size
_HEAD = struct.Struct("<BIBH")  # scheme, headline hash, headline weight, sentence count

# Odd 64-bit constants for multiplicative mixing (splitmix64's).
_K1 = 0x9E3779B97F4A7C15
_K2 = 0xBF58476D1CE4E5B9
_K3 = 0x94D049BB133111EB


def _shingle_hashes(packed: bytes) -> Sequence[int]:
    """One 64-bit hash per run of `SHINGLE` consecutive ids of packed ids (one for all,
    zero-padded, if fewer), as a buffer of uint64s that rensa reads as it is.

    Multiply-xor chains: the ids are already uniform 64-bit values (BLAKE2b), so two
    multiplications by odd constants and a final shift are enough to make the hash depend on
    each id and on their order. The C extension does it in one loop; without it, numpy does
    each step for all shingles at once, and is loaded only then (ingest does not need it).
    """
    if _native_shingles is not None:
        return memoryview(_native_shingles(packed)).cast("Q")
    return _numpy_shingle_hashes(packed)


def _numpy_shingle_hashes(packed: bytes) -> Sequence[int]:
    import numpy as np

    ids = np.frombuffer(packed, dtype="<u8")
    if ids.size < SHINGLE:
        if not ids.size:
            return np.zeros(0, dtype=np.uint64)  # type: ignore[return-value]
        ids = np.concatenate((ids, np.zeros(SHINGLE - ids.size, dtype=np.uint64)))
    h = ((ids[:-2] * np.uint64(_K1)) ^ ids[1:-1]) * np.uint64(_K2)
    h = (h ^ ids[2:]) * np.uint64(_K3)
    return h ^ (h >> np.uint64(32))  # type: ignore[no-any-return]


def _minhash(hashes: Sequence[int], num_perm: int, seed: int) -> list[int]:
    rows = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        hashes, [0, len(hashes)], num_perm, seed
    ).to_rows()
    return rows[0]  # type: ignore[no-any-return]


def signature(key: IdKey) -> bytes:
    """The packed MinHash signature: DOC_PERM values, then LEAD_PERM values (uint32).

    The lead's shingles are a run of the document's (the body follows the headline), so they
    are sliced from the document's hashes.
    """
    doc = _shingle_hashes(key.headline + key.tokens)
    n = min(len(key.tokens) >> 3, LEAD_TOKENS)
    if n >= SHINGLE:
        start = len(key.headline) >> 3
        lead = doc[start : start + n - SHINGLE + 1]
    else:
        lead = _shingle_hashes(key.tokens[: n * 8])
    return _SIG.pack(
        SCHEME, *_minhash(doc, DOC_PERM, DOC_SEED), *_minhash(lead, LEAD_PERM, LEAD_SEED)
    )


def unpack_signature(blob: bytes) -> tuple[int, ...]:
    if len(blob) != _SIG.size or blob[0] != SCHEME:
        raise ValueError(
            f"syndication signature of {len(blob)} bytes, scheme {blob[:1].hex() or '-'}: "
            f"expected {_SIG.size} bytes of scheme {SCHEME}; recompute the fingerprints "
            "(they were made by another version of wiredesk)"
        )
    return _SIG.unpack(blob)[1:]


_crc32 = zlib.crc32
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
    weight: int  # all tokens: the headline's and the sentences'
    # Bit i set: sentence i begins a paragraph (`paragraph_starts`); None when not known.
    paragraphs: int | None = None


MAX_SENTENCES = 65535  # the packed count is a uint16; later distinct sentences are left out


def features(key: IdKey) -> bytes:
    """Headline hash and weight, then each distinct sentence's hash and weight, in order.

    A sentence is a run of ids between marks, hashed as its packed bytes (CRC-32) and weighed
    by its token count. A repeated sentence keeps its first position; its weight depends
    only on its text, so which copy sets it does not matter. (A mark's 8 bytes could in
    theory also occur across two ids; that would cut a sentence in two the same way in every
    copy, so copies still agree.) The C extension does this without an object per sentence;
    `_python_features` is the same in Python, and a test holds the two equal.
    """
    if _native_features is not None:
        return _native_features(key.headline, key.tokens, MARK_BYTES, SCHEME)  # type: ignore[no-any-return]
    return _python_features(key)


def _python_features(key: IdKey) -> bytes:
    pieces = [p for p in key.tokens.split(MARK_BYTES) if p]
    sentences = dict(zip(map(_crc32, pieces), map(len, pieces), strict=True))
    if len(sentences) > MAX_SENTENCES:
        sentences = dict(islice(sentences.items(), MAX_SENTENCES))
    weights = bytes([w >> 3 if w < 2040 else 255 for w in sentences.values()])
    head = key.headline
    return (
        _HEAD.pack(SCHEME, _crc32(head), min(len(head) >> 3, 255), len(sentences))
        + struct.pack(f"<{len(sentences)}I", *sentences)
        + weights
    )


def paragraph_starts(tokens: bytes) -> bytes:
    """Which distinct sentences of a body begin a paragraph, as a little-endian bitmap in
    the order of `features` (bit i: sentence i opens a paragraph; bit 0 is never set).

    A line of the body is a paragraph. Lines are joined with a mark, and a line that ends a
    sentence has its own mark before it, so an empty run between two marks is a paragraph's
    end; a line that ends without a sentence mark runs into the next one here, which can
    only make fewer paragraphs. Verification needs the lead paragraph (a portal replaces it)
    and how many paragraphs the shared sentences come from (`verify.contained`).
    """
    seen: set[bytes] = set()
    bits = count = 0
    boundary = False
    for piece in tokens.split(MARK_BYTES):
        if not piece:
            boundary = count > 0
            continue
        if piece in seen:
            continue
        seen.add(piece)
        if boundary:
            bits |= 1 << count
            boundary = False
        count += 1
        if count == MAX_SENTENCES:
            break
    return bits.to_bytes((count + 7) // 8, "little")


def paragraph_bits(blob: bytes) -> int | None:
    """The bitmap `paragraph_starts` appended to packed features, or None when the features
    carry none (stored before it was recorded): such a story's paragraphs are not known.

    The bitmap follows the sentences, where the C extension and `unpack_features` read
    nothing, so features without it still read, and the exact hash, taken over the features
    without it, did not change when it was added. The lead keys (`lead_keys`, scheme 3)
    follow it.
    """
    n = blob[6] | blob[7] << 8 if len(blob) >= _HEAD.size else 0
    start = _HEAD.size + 5 * n
    if len(blob) <= start:
        return None if n else 0
    end = len(blob) - _keys_bytes(blob)
    return int.from_bytes(blob[start:end], "little")


# The lead keys (scheme 3): how a teaser that shares no sentence with its story is found. A
# key is a CRC-32 of a run of token ids with the run's length in bits 32-39, as a headline's
# key is (`engine._lead_keys`).
SUFFIX_TOKENS = (6, 32)  # the lengths of a headline looked for at a teaser's sentence end


def lead_keys(tokens: bytes, one_paragraph: bool) -> bytes:
    """For a body of one paragraph, the keys of each run of 6 to 32 ids that ends its first
    sentence (where a portal's own lead quotes the story's headline: "In a major
    development, <headline>."), then how many there are (one byte; 0 for other bodies).

    A teaser whose paragraph is the headline turned into a sentence, under a rewritten
    headline, shares no sentence with its story; its sentence ends with the story's
    headline, whose key the index has. Only teasers carry the runs (up to 27 keys, 216
    bytes); a story carries one byte.
    """
    if not one_paragraph:
        return b"\x00"
    start = 0
    while tokens.startswith(MARK_BYTES, start):
        start += 8
    end = start
    while True:
        end = tokens.find(MARK_BYTES, end)
        if end < 0:
            end = len(tokens)
            break
        if not (end - start) % 8:
            break
        end += 1
    first = tokens[start:end]
    low, high = SUFFIX_TOKENS
    keys = [_crc32(first[-8 * k :]) | k << 32 for k in range(low, min(len(first) >> 3, high) + 1)]
    return struct.pack(f"<{len(keys)}QB", *keys, len(keys))


def _keys_bytes(blob: bytes) -> int:
    """How many bytes at the end of packed features are lead keys (0 when there are none)."""
    n = blob[6] | blob[7] << 8
    if len(blob) <= _HEAD.size + 5 * n:
        return 0
    return 1 + 8 * blob[-1]


def lead_keys_of(blob: bytes) -> list[int]:
    """The keys `lead_keys` packed at the end of `blob`."""
    size = _keys_bytes(blob)
    if size <= 1:
        return []
    return list(struct.unpack(f"<{(size - 1) // 8}Q", blob[-size:-1]))


def sentence_hashes(blob: bytes) -> array[int]:
    """The sentence hashes of packed features, in order, without decoding the rest."""
    n = blob[6] | blob[7] << 8
    return _uint32s(blob[_HEAD.size : _HEAD.size + 4 * n])


def check_features(blob: bytes) -> None:
    """Raise what `unpack_features` would of features it cannot read (another scheme, or cut
    short), without decoding them: an index loading a window's thousands of stored
    fingerprints decodes each one only when a lookup needs it."""
    if len(blob) < _HEAD.size or blob[0] != SCHEME:
        unpack_features(blob)  # raises with what to do
    n = blob[6] | blob[7] << 8
    if len(blob) < _HEAD.size + 5 * n:
        raise ValueError(
            f"syndication features of {len(blob)} bytes cannot hold their {n} sentences; "
            "recompute the fingerprints (they were stored cut short)"
        )


def unpack_features(blob: bytes) -> Features:
    if len(blob) < _HEAD.size or blob[0] != SCHEME:
        raise ValueError(
            f"syndication features of scheme {blob[:1].hex() or '-'}: expected scheme {SCHEME}; "
            "recompute the fingerprints (they were made by another version of wiredesk)"
        )
    _, head, head_w, n = _HEAD.unpack_from(blob)
    end = _HEAD.size + 4 * n
    hashes = _uint32s(blob[_HEAD.size : end])
    weights = blob[end : end + n]
    sentences = dict(zip(hashes, weights, strict=True))
    return Features(head, head_w, sentences, head_w + sum(weights), paragraph_bits(blob))
