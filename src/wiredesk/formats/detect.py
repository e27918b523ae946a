"""Which format a payload is, judged from its bytes.

Agencies and web servers label feeds badly (`text/html` for RSS, `application/octet-stream`
for everything), so the content decides and the Content-Type is only used to explain a
refusal. The check is a cheap scan of the document's head: byte order mark, leading
whitespace, then the XML root element and its namespace, or a JSON object's `version`.
Nothing is fully parsed here except a JSON document whose head does not settle it.
"""

from __future__ import annotations

import re

from wiredesk.errors import FormatError
from wiredesk.formats.iptc7901 import looks_like_wire_text
from wiredesk.formats.json_safe import load_json
from wiredesk.formats.newsml_g2 import looks_like_newsml_g2
from wiredesk.formats.ninjs import looks_like_ninjs
from wiredesk.formats.nitf import looks_like_nitf
from wiredesk.formats.xml_safe import XMLNS_RE

FEED_FORMATS = ("rss", "rdf", "atom", "jsonfeed")
# Agency formats; "iptc7901" covers ANPA-1312 too (the parser tells them apart).
AGENCY_FORMATS = ("ninjs", "newsml-g2", "nitf", "iptc7901")
ALL_FORMATS = FEED_FORMATS + AGENCY_FORMATS

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
JSONFEED_VERSION_PREFIX = "https://jsonfeed.org/version/"
# Real feeds write the spec's URL with http:// too (some 1.0 generators did); the version is a
# name, not something fetched, so both spellings are a JSON Feed.
_JSONFEED_VERSION_PREFIXES = (JSONFEED_VERSION_PREFIX, "http://jsonfeed.org/version/")

_HEAD_BYTES = 65536
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_NAME_RE = re.compile(r"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")
_JSONFEED_VERSION_RE = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/')
# Where a document starts after junk some servers print first (PHP warnings, blank lines).
_XML_START_RE = re.compile(r"<\?xml|<rss[\s>]|<feed[\s>]|<rdf:RDF[\s>]", re.IGNORECASE)


def sniff_encoding(payload: bytes) -> tuple[str, int]:
    """(codec, BOM length) from the byte order mark or the NUL pattern of UTF-16/32.

    Anything ASCII-compatible comes back as latin-1: the markup we look for is ASCII, and
    latin-1 decodes every byte, so the head can always be read.
    """
    for bom, codec in _BOMS:
        if payload.startswith(bom):
            return codec, len(bom)
    first = payload[:4]
    if len(first) == 4 and b"\x00" in first:
        if first[:3] == b"\x00\x00\x00":
            return "utf-32-be", 0
        if first[1:] == b"\x00\x00\x00":
            return "utf-32-le", 0
        if first[0] == 0 and first[2] == 0:
            return "utf-16-be", 0
        if first[1] == 0 and first[3] == 0:
            return "utf-16-le", 0
    return "latin-1", 0


def head_text(payload: bytes, limit: int | None = _HEAD_BYTES) -> str:
    """The first `limit` bytes as text good enough to find markup in (see `sniff_encoding`)."""
    codec, skip = sniff_encoding(payload)
    chunk = payload[skip : skip + limit] if limit is not None else payload[skip:]
    return chunk.decode(codec, errors="ignore")


def detect(payload: bytes, content_type: str | None = None) -> str:
    """The format of `payload`: one of `ALL_FORMATS`.

    Raises `FormatError` with one line saying what the payload looks like instead.
    """
    try:
        return _detect(payload)
    except FormatError as e:
        if content_type:
            raise FormatError(f"{e} (served as {content_type.split(';')[0].strip()})") from None
        raise


def _detect(payload: bytes) -> str:
    if not payload:
        raise FormatError("empty payload: the source sent nothing")
    head = head_text(payload).lstrip("\ufeff \t\r\n")
    if not head:
        raise FormatError("empty payload: the source sent only whitespace")
    if head[0] == "<":
        return _detect_xml(payload, head)
    if head[0] in "{[":
        if looks_like_ninjs(payload[:_HEAD_BYTES]):
            return "ninjs"
        if head[0] == "[":
            raise FormatError("not a feed: a JSON array, but not of ninjs news items")
        return _detect_json(payload, head)
    if looks_like_wire_text(payload[:4096]):
        return "iptc7901"
    if payload.startswith(b"\x1f\x8b"):
        raise FormatError("not a feed: gzip-compressed data; it must be decompressed first")
    start = _XML_START_RE.search(head, 0, 4096)
    if start and not _looks_binary(head[: start.start()]):
        return _detect_xml(payload, head[start.start() :])
    if _looks_binary(head[:512]):
        raise FormatError("not a feed: binary data, neither XML nor JSON")
    raise FormatError(f"not a feed: text that is neither XML nor JSON (starts {_opening(head)!r})")


def _opening(head: str) -> str:
    """The first characters for an error message: `head` was decoded byte for byte (enough to
    find markup), so text in UTF-8 — Hindi, say — is shown as what it says when it is UTF-8."""
    try:
        return head.encode("latin-1").decode("utf-8", errors="replace")[:30]
    except UnicodeEncodeError:  # decoded from a BOM's encoding already
        return head[:30]


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    return controls > max(1, len(text) // 20)


def _detect_json(payload: bytes, head: str) -> str:
    if _JSONFEED_VERSION_RE.search(head):
        return "jsonfeed"
    doc = load_json(head_text(payload, limit=None), "JSON", "not a feed")
    if not isinstance(doc, dict):
        raise FormatError("not a feed: JSON, but not a JSON Feed object")
    version = doc.get("version")
    if isinstance(version, str) and version.startswith(_JSONFEED_VERSION_PREFIXES):
        return "jsonfeed"
    raise FormatError(
        f"not a feed: JSON, but not a JSON Feed (its version must start with "
        f"{JSONFEED_VERSION_PREFIX}, found {version!r})"
    )


def _detect_xml(payload: bytes, head: str) -> str:
    root, attributes = _root_element(head)
    if root is None:
        full = head_text(payload, limit=None)
        if len(full) > len(head):
            root, attributes = _root_element(full)
    if root is None:
        raise FormatError("not a feed: XML without a root element (truncated or empty)")
    prefix, _, local = root.rpartition(":")
    namespaces = {
        (m.group(1) or ""): (m.group(2) if m.group(2) is not None else m.group(3))
        for m in XMLNS_RE.finditer(attributes)
    }
    namespace = namespaces.get(prefix, "")
    lowered = local.lower()
    if lowered == "rss":
        return "rss"
    if local == "RDF" and (namespace == RDF_NS or prefix == "rdf"):
        return "rdf"
    if local == "feed":  # Atom 1.0, 0.3 and the drafts before them; the parsers sort it out
        return "atom"
    if looks_like_newsml_g2(payload[:_HEAD_BYTES]):
        return "newsml-g2"
    if lowered == "nitf" or looks_like_nitf(payload[:_HEAD_BYTES]):
        return "nitf"
    if lowered == "html":
        raise FormatError("not a feed: looks like HTML (a web page, not RSS, Atom or JSON Feed)")
    raise FormatError(
        f"not a feed: the XML root element is <{root}>, where a feed has <rss>, <rdf:RDF> or "
        "<feed>, NewsML-G2 a newsItem, newsMessage or packageItem, and NITF <nitf>"
    )


def _root_element(text: str) -> tuple[str | None, str]:
    """(qualified name, raw attribute text) of the first element, skipping the prolog."""
    pos, end = 0, len(text)
    while pos < end:
        while pos < end and text[pos] in " \t\r\n":
            pos += 1
        if text.startswith("<?", pos):
            close = text.find("?>", pos)
        elif text.startswith("<!--", pos):
            close = text.find("-->", pos)
            close = close + 1 if close >= 0 else -1
        elif text[pos : pos + 9].upper() == "<!DOCTYPE":
            if text[pos + 9 : pos + 15].strip().lower().startswith("html"):
                raise FormatError(
                    "not a feed: looks like HTML (a web page, not RSS, Atom or JSON Feed)"
                )
            close = _doctype_end(text, pos)
        elif text.startswith("<", pos):
            m = _NAME_RE.match(text, pos)
            if not m:
                raise FormatError("not a feed: XML whose first element has no valid name")
            close = text.find(">", m.end())
            return m.group(1), text[m.end() : close if close >= 0 else end]
        else:
            raise FormatError(
                f"not a feed: text before the XML root element (at {text[pos : pos + 30]!r})"
            )
        if close < 0:
            return None, ""
        pos = close + 2
    return None, ""


def _doctype_end(text: str, pos: int) -> int:
    """Index of the character before the `>` ending a DOCTYPE, past any internal subset."""
    bracket = text.find("[", pos)
    close = text.find(">", pos)
    if 0 <= bracket < close:
        subset_end = text.find("]", bracket)
        if subset_end < 0:
            return -1
        close = text.find(">", subset_end)
    return close - 1 if close >= 0 else -1
