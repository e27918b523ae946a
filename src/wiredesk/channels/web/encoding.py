"""Compressed answers: brotli or gzip, chosen by the reader's `Accept-Encoding`.

A page is compressed once per render and coding, not per request: the page cache keeps the
brotli and gzip bodies beside the plain one (`cache.Entry.variants`), so a hit costs a look-up
of the reader's header and no compression at all. The render compresses only in the coding its
own reader asked for; another coding is made when the first reader who wants it comes
(`cache.Entry.pending`), so a fresh page is not held back by bodies nobody has asked for yet.
Brotli runs at quality 6: a render is on the path from an agency's push to the reader who
sees it, and during a busy ingest the home page and the feeds are rendered several times a
second. Quality 9 took four times as long for 12 % fewer bytes on a 200 KB Hindi feed, and
fifteen times as long for under 1 % on an article page; 11 costs far more again
(bench/RESULTS.md, "Compression on the path to visible"). Each encoding has its own
`ETag` (a suffix on the plain one), as RFC 9110 asks of different representations, and every
answer that could have been compressed says `Vary: Accept-Encoding`, so a cache in front keeps
them apart.

What is compressed is decided by content type, not by route — HTML, XML (feeds, sitemaps),
JSON, plain text — so whatever the site serves later in those types is compressed too.
"""

from __future__ import annotations

import functools
import gzip
from dataclasses import dataclass

import brotli

BROTLI_QUALITY = 6
GZIP_LEVEL = 6
# Below this a compressed body saves less than its headers and a round of work cost.
MIN_SIZE = 512
IDENTITY = "identity"
# What the site compresses in, preferred first when a reader rates several the same.
CODINGS = ("br", "gzip")
ETAG_SUFFIX = {"br": b"-br", "gzip": b"-gz"}
VARY = (b"vary", b"Accept-Encoding")


@dataclass(frozen=True, slots=True)
class Encoded:
    """One compressed representation of a body, with the headers it is sent with."""

    coding: str
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes


def compressible(content_type: bytes) -> bool:
    """Text worth compressing: HTML, CSS, XML of any kind (RSS, Atom, sitemaps), JSON (JSON
    Feed), plain text. Pictures and fonts are compressed already."""
    kind = content_type.split(b";", 1)[0].strip().lower()
    return (
        kind.startswith(b"text/")
        or kind.endswith((b"/xml", b"+xml", b"/json", b"+json"))
        or kind == b"application/javascript"
    )


def compress(coding: str, body: bytes) -> bytes:
    if coding == "br":
        return bytes(brotli.compress(body, quality=BROTLI_QUALITY))
    # mtime=0: the same body always gives the same bytes, so its ETag means one thing
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def encode(
    headers: tuple[tuple[bytes, bytes], ...],
    body: bytes,
    etag: bytes | None,
    codings: tuple[str, ...] = CODINGS,
) -> tuple[tuple[tuple[bytes, bytes], ...], tuple[Encoded, ...]]:
    """The plain answer's headers (with `Vary` added when there may be others) and its
    representations in `codings`; none for a small body or a type not worth compressing, nor
    for a coding that does not make the body smaller.

    `headers` are the plain answer's, `ETag` excluded (each representation gets its own; an
    answer sent without one, `etag` None, gets none).
    """
    if not worth_compressing(headers, body):
        return headers, ()
    plain = _with_vary(headers)
    out = []
    for coding in codings:
        packed = compress(coding, body)
        if len(packed) >= len(body):
            continue
        # the plain body's length is not this one's
        own = [(k, v) for k, v in plain if k != b"content-length"]
        own += [
            (b"content-encoding", coding.encode()),
            (b"content-length", str(len(packed)).encode()),
        ]
        tagged = b""
        if etag is not None:
            tagged = etag[:-1] + ETAG_SUFFIX[coding] + b'"'
            own.append((b"etag", tagged))
        out.append(Encoded(coding, tuple(own), packed, tagged))
    return plain, tuple(out)


def worth_compressing(headers: tuple[tuple[bytes, bytes], ...], body: bytes) -> bool:
    """Whether an answer with these headers and body has compressed representations: text
    large enough to gain, not encoded already by its handler. Its plain answer then says
    `Vary: Accept-Encoding`, whether or not a compressed body has been made yet."""
    content_type = next((v for k, v in headers if k == b"content-type"), b"")
    if len(body) < MIN_SIZE or not compressible(content_type):
        return False
    return not any(k == b"content-encoding" for k, _ in headers)


def _with_vary(headers: tuple[tuple[bytes, bytes], ...]) -> tuple[tuple[bytes, bytes], ...]:
    for k, v in headers:
        if k == b"vary" and b"accept-encoding" in v.lower():
            return headers
    return (*headers, VARY)


@functools.lru_cache(maxsize=256)
def preferred(accept_encoding: bytes | None, available: tuple[str, ...]) -> str:
    """The coding to send, of `available` (identity is always possible), for a reader's
    `Accept-Encoding` header (None when the request had none).

    RFC 9110 §12.5.3: the highest q-value wins, `*` rates every coding the header does not
    name, identity is acceptable unless rated 0 (by name, or by `*` without a name of its
    own). Ties go to the smaller body (brotli, then gzip). Identity the header does not name
    is the fallback, below any coding it names (`br;q=0.5` means "brotli, please", not
    "rather plain"), as other servers read it. No header at all gets the plain
    body: a client that says nothing may not be able to decode. When the reader refuses
    everything the site has, it still gets the plain body rather than a 406: a page is
    better than an error. Browsers send a handful of distinct headers, so the answers are
    kept (the cache is by header value).
    """
    if accept_encoding is None:
        return IDENTITY
    ratings: dict[str, float] = {}
    for part in accept_encoding.decode("latin-1").split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ratings["gzip" if name == "x-gzip" else name] = q
    star = ratings.get("*")
    best, best_q = IDENTITY, 0.0
    for coding in (*CODINGS, IDENTITY):
        if coding != IDENTITY and coding not in available:
            continue
        if coding in ratings:
            q = ratings[coding]
        elif star is not None:
            q = star
        else:
            q = 1e-9 if coding == IDENTITY else 0.0  # a fallback, below any coding named
        if q > best_q:
            best, best_q = coding, q
    return best
