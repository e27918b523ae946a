"""A document's own entities (`<!ENTITY id "tag:example.com,">`), expanded by wiredesk
before any XML parser sees the document, or the document refused.

Why not let the parsers do it: expat (feedparser) expands entities without a bound, so an
entity bomb costs seconds of CPU and gigabytes; libxml2 has an amplification limit, but
fastfeedparser turns it off (`huge_tree=True`); and the agency parsers run with
`resolve_entities=False`, which leaves every reference out of the text. Removing the
declarations (what wiredesk did before) kept the parsers safe but published `&id;` as text.
So wiredesk expands the entities itself, where it can bound the cost, and no parser is ever
given an entity declaration:

- An internal entity whose text is plain (characters, character references such as
  `&#169;`, the five predefined entities such as `&amp;`; no markup, no reference to
  another entity) is expanded once, textually, wherever it is referenced outside comments,
  CDATA sections and processing instructions (where XML does not read references either).
- An entity declared in terms of other entities (`<!ENTITY lol1 "&lol;&lol;">`) refuses the
  whole document, referenced or not: that nesting is what an entity bomb ("billion laughs")
  is made of, and real feeds do not need it.
- A reference to a declared entity that cannot be expanded, because its text holds markup
  or it is external (`SYSTEM`/`PUBLIC`: never fetched, so never expanded), refuses the
  document; leaving the reference out or as text would publish a story with a hole in it.
  An unreferenced one is just dropped.
- A reference to an external parameter entity in the DTD (`%HTMLlat1;`, how feeds pull in
  the XHTML entity sets) is dropped, never fetched: the HTML names those sets define are
  read from wiredesk's own table of them (`feeds._numeric_entities`). A reference to an
  internal parameter entity refuses the document: it would add declarations by indirection.
- The expanded document may be at most twice the payload, or the payload and 1 MB when that
  is more, and never over `limits.MAX_DOCUMENT_BYTES`. Real uses (a guid prefix, a
  copyright sign, a sign-off per item) add a small fraction; the bound keeps the cost linear
  in the payload's size, which is what stops the quadratic blow-up (one 100 kB entity
  referenced 20,000 times), and the 1 MB floor leaves room for boilerplate in small feeds.

A document whose prolog declares no entities costs a walk over its prolog only (the XML
declaration, comments, the DOCTYPE's head): the body is never scanned.
"""

from __future__ import annotations

import re

from wiredesk.errors import FormatError
from wiredesk.formats.limits import MAX_DOCUMENT_BYTES

MIN_GROWTH_BYTES = 1024 * 1024

_NAME = rb"[A-Za-z_:\x80-\xff][A-Za-z0-9_:.\-\x80-\xff]*"
_LITERAL = rb"\"[^\"]*\"|'[^']*'"
_PREDEFINED = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})

# What may come before the DOCTYPE: a byte-order mark, white space, the XML declaration and
# other processing instructions, comments. Each is matched where it starts, once.
_PROLOG_ITEM_RE = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_DOCTYPE_RE = re.compile(
    rb"<!DOCTYPE\s+" + _NAME + rb"(?:\s+(?:SYSTEM\s+(?:" + _LITERAL + rb")|PUBLIC\s+(?:"
    + _LITERAL + rb")\s+(?:" + _LITERAL + rb")))?\s*(\[)?"
)  # fmt: skip
# One token of the internal subset, matched where it starts.
_SUBSET_TOKEN_RE = re.compile(
    rb"(?P<space>\s+)"
    rb"|(?P<comment><!--.*?-->)"
    rb"|(?P<pi><\?.*?\?>)"
    rb"|(?P<entity><!ENTITY\s+(?P<pe>%\s+)?(?P<name>" + _NAME + rb")\s+"
    rb"(?P<definition>(?:" + _LITERAL + rb"|[^>\"'])*)>)"
    rb"|(?P<markup><!(?:ELEMENT|ATTLIST|NOTATION)\s(?:" + _LITERAL + rb"|[^>\"'])*>)"
    rb"|(?P<peref>%(?P<pename>" + _NAME + rb");)"
    rb"|(?P<end>\]\s*>)",
    re.DOTALL,
)
_INTERNAL_RE = re.compile(rb"\s*(?:\"([^\"]*)\"|'([^']*)')\s*\Z")
_EXTERNAL_RE = re.compile(
    rb"\s*((?:SYSTEM|PUBLIC(?:\s+(?:" + _LITERAL + rb")))\s+(?:" + _LITERAL + rb"))"
    rb"(?:\s+NDATA\s+" + _NAME + rb")?\s*\Z"
)
# `&` in an entity's text: a character reference, an entity reference, or a stray `&`.
_VALUE_AMP_RE = re.compile(rb"&(?:#[0-9]+;|#x[0-9A-Fa-f]+;|(" + _NAME + rb");)?")
_VALUE_PE_RE = re.compile(rb"%(" + _NAME + rb");")
# Where a reference is not a reference: comments, CDATA sections, processing instructions.
_OPAQUE_END = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}
# The entity's text as it is put into the document: a quote or `>` written as a character
# reference reads the same in text and cannot end an attribute value or a CDATA-like run.
_QUOTE_SAFE = {ord('"'): b"&#34;", ord("'"): b"&#39;", ord(">"): b"&#62;"}

_UTF16_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_UTF8_BOM = b"\xef\xbb\xbf"

_ASK = "ask the provider to send the text written out"


def expand_internal_entities(payload: bytes) -> bytes:
    """The payload with its internal entities expanded and no entity declarations left;
    `FormatError` (one line: what, and what to do) when they cannot be expanded safely.

    A payload without a DTD that declares entities comes back as it is (the same object).
    """
    codec = _utf16_codec(payload)
    if codec is not None:
        return _expand_utf16(payload, codec)
    return _expand(payload)


def _utf16_codec(payload: bytes) -> str | None:
    """The UTF-16 codec of a payload in UTF-16 (by its byte-order mark, or by the zero bytes
    of `<?` with none); None for every ASCII-compatible encoding."""
    for bom, codec in _UTF16_BOMS:
        if payload.startswith(bom):
            return codec
    if payload[:2] == b"\x00<":
        return "utf-16-be"
    if payload[:2] == b"<\x00":
        return "utf-16-le"
    return None


def _expand_utf16(payload: bytes, codec: str) -> bytes:
    """`_expand` for a UTF-16 document, done on its UTF-8 form and encoded back."""
    if "<!ENTITY".encode(codec) not in payload:
        return payload
    bom = payload[:2] if payload[:2] in (b"\xff\xfe", b"\xfe\xff") else b""
    try:
        text = payload[len(bom) :].decode(codec)
    except UnicodeDecodeError:
        return payload  # not UTF-16 after all: the parsers will refuse it
    work = text.encode("utf-8")
    expanded = _expand(work)
    if expanded is work:
        return payload
    return bom + expanded.decode("utf-8").encode(codec)


def _expand(payload: bytes) -> bytes:
    subset_start = _internal_subset_start(payload)
    if subset_start is None or b"<!ENTITY" not in payload:
        return payload
    table, refused, subset, body_start = _read_subset(payload, subset_start)
    if not table and not refused and subset == payload[subset_start:body_start]:
        return payload  # a DTD that declares no entity: the document as it is
    head = payload[:subset_start] + subset
    return head + _expanded_body(payload, body_start, table, refused, len(head))


def _internal_subset_start(payload: bytes) -> int | None:
    """Where the DOCTYPE's internal subset starts (after `[`); None when the prolog has no
    DOCTYPE or the DOCTYPE has no internal subset, the only place entities are declared."""
    pos = len(_UTF8_BOM) if payload.startswith(_UTF8_BOM) else 0
    match_item = _PROLOG_ITEM_RE.match
    while (m := match_item(payload, pos)) is not None:
        pos = m.end()
    if not payload.startswith(b"<!DOCTYPE", pos):
        return None
    doctype = _DOCTYPE_RE.match(payload, pos)
    if doctype is None:
        if b"<!ENTITY" in payload:
            raise FormatError(
                f"the document's DOCTYPE cannot be read (at byte {pos:,}), so neither can the "
                f"entities it declares; {_ASK}, without a DTD"
            )
        return None
    return doctype.end() if doctype.group(1) else None


def _read_subset(
    payload: bytes, start: int
) -> tuple[dict[bytes, bytes], dict[bytes, str], bytes, int]:
    """(expandable entities: name -> text as it is put in, entities that cannot be expanded:
    name -> why, the internal subset without entity declarations or parameter-entity
    references and with its closing `]>`, where the document after the DOCTYPE starts).

    `FormatError` for a nested entity, a reference to an internal parameter entity, or a
    subset that cannot be read."""
    table: dict[bytes, bytes] = {}
    refused: dict[bytes, str] = {}
    declared: set[bytes] = set()
    parameters: dict[bytes, bool] = {}  # name -> external
    kept: list[bytes] = []
    pos = start
    match_token = _SUBSET_TOKEN_RE.match
    while True:
        m = match_token(payload, pos)
        if m is None:
            raise FormatError(
                f"the document's DTD cannot be read at byte {pos:,} (an unfinished or unknown "
                f"declaration), so neither can the entities it declares; {_ASK}, without a DTD"
            )
        pos = m.end()
        if m.group("end") is not None:
            kept.append(m.group(0))
            return table, refused, b"".join(kept), pos
        if m.group("peref") is not None:
            name = m.group("pename")
            if parameters.get(name) is False:
                raise FormatError(
                    f"the document's DTD uses the parameter entity %{_shown(name)};, which "
                    f"would declare more than wiredesk reads; {_ASK}, without a DTD"
                )
            continue  # external (never fetched) or undeclared: nothing to read
        if m.group("entity") is None:
            kept.append(m.group(0))
            continue
        name, definition = m.group("name"), m.group("definition")
        if m.group("pe") is not None:
            parameters.setdefault(name, _INTERNAL_RE.match(definition) is None)
            continue
        if name in _PREDEFINED:
            continue  # XML's own five; declaring them changes nothing
        outcome = _classify(name, definition)
        if name in declared:
            continue  # XML binds the first declaration of a name
        declared.add(name)
        if isinstance(outcome, bytes):
            table[name] = outcome
        else:
            refused[name] = outcome


def _classify(name: bytes, definition: bytes) -> bytes | str:
    """The text an entity is replaced with, or why it cannot be expanded; `FormatError` for
    one declared in terms of other entities."""
    internal = _INTERNAL_RE.match(definition)
    if internal is None:
        external = _EXTERNAL_RE.match(definition)
        if external is None:
            return "its declaration cannot be read"
        return f"it is external ({_shown(external.group(1), 80)}) and never fetched"
    value = internal.group(1) if internal.group(1) is not None else internal.group(2)
    nested = [r.group(1) for r in _VALUE_AMP_RE.finditer(value) if r.group(1)]
    nested = [n for n in nested if n not in _PREDEFINED]
    nested += [b"%" + r.group(1) for r in _VALUE_PE_RE.finditer(value)]
    if nested:
        uses = [(_shown(n) if n.startswith(b"%") else f"&{_shown(n)}") + ";" for n in nested]
        distinct = list(dict.fromkeys(uses))
        listed = ", ".join(distinct[:3]) + (", …" if len(distinct) > 3 else "")
        raise FormatError(
            f"the document's DTD declares the entity &{_shown(name)}; in terms of other "
            f'entities ({listed}), the way an entity bomb ("billion '
            f'laughs") is built; wiredesk expands only entities whose text is plain: {_ASK}'
        )
    if b"<" in value:
        return "its text holds markup"
    if any(r.group(0) == b"&" for r in _VALUE_AMP_RE.finditer(value)) or b"%" in value:
        return "its text holds a stray & or %"
    if not any(c in value for c in b"\"'>"):
        return value
    return b"".join(_QUOTE_SAFE.get(c, bytes((c,))) for c in value)


def _expanded_body(
    payload: bytes,
    start: int,
    table: dict[bytes, bytes],
    refused: dict[bytes, str],
    head_size: int,
) -> bytes:
    """The document from `start` on with every reference to a declared entity expanded;
    `FormatError` for a reference to one that cannot be, or when the document would grow
    past its budget (see the module's docstring). The budget is checked before each
    expansion is made, so a bomb is refused having cost no more memory than the budget."""
    view = memoryview(payload)
    if not table and not refused:
        return bytes(view[start:])
    budget = min(max(2 * len(payload), len(payload) + MIN_GROWTH_BYTES), MAX_DOCUMENT_BYTES)
    names = b"|".join(re.escape(n) for n in sorted([*table, *refused], key=len, reverse=True))
    token_re = re.compile(rb"<!--|<!\[CDATA\[|<\?|&(" + names + rb");")
    out = bytearray()
    size = head_size + len(payload) - start
    last = pos = start
    while (m := token_re.search(payload, pos)) is not None:
        name = m.group(1)
        if name is None:  # a comment, CDATA section or PI: references there are text
            closer = _OPAQUE_END[m.group(0)]
            end = payload.find(closer, m.end())
            pos = len(payload) if end < 0 else end + len(closer)
            continue
        pos = m.end()
        if name in refused:
            raise FormatError(
                f"the document uses the entity &{_shown(name)};, which wiredesk does not "
                f"expand: {refused[name]}; {_ASK}"
            )
        text = table[name]
        size += len(text) - (pos - m.start())
        if size > budget:
            raise FormatError(
                f"expanding the document's entities would make it larger than {_mb(budget)} "
                f"(&{_shown(name)};, {len(text):,} bytes, is used {payload.count(m.group(0)):,} "
                "times); "
                "wiredesk expands entities up to twice the payload's size, or 1 MB more, "
                f"within the {_mb(MAX_DOCUMENT_BYTES)} limit: {_ASK}"
            )
        out += view[last : m.start()]
        out += text
        last = pos
    out += view[last:]
    return bytes(out)


def _shown(name: bytes, limit: int = 40) -> str:
    """A name or literal from the document as a short, one-line string for a message."""
    text = " ".join(name.decode("utf-8", errors="replace").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
