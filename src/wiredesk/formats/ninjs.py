"""IPTC ninjs ("news in JSON"), versions 1.x and 2.x, read directly into `Item`s.

ninjs is the closest format to wiredesk's own item model, so the mapping is mostly one field to
one field; docs/formats/ninjs.md has the table. The two major versions differ in shape rather
than meaning (1.x `headline` / `body_html` / `subject` / `associations` as an object; 2.x
`headlines` / `bodies` / `subjects` / `associations` as an array), and real feeds mix them, so
every field is read in both shapes.

A payload is one ninjs object, a JSON array of them, or an object with an `items` array of them
(the wrapper agency APIs use). One broken object in a list is a problem line, not a failure.
"""

from __future__ import annotations

import json
import re
from typing import Any

from wiredesk.errors import FormatError
from wiredesk.formats.fields import (
    clean_categories,
    has_content,
    parse_iso_datetime,
    plain_text,
    summary_apart_from_body,
    text_to_html,
)
from wiredesk.model import Hop, ImageLink, Item, ParseResult, PubStatus, Signal, Subject

MAX_DEPTH = 64  # deeper JSON is refused: ninjs needs about 6 levels, 64 is generous

_JSONFEED_RE = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/')
_ID_KEY_RE = re.compile(r'"(?:uri|guid)"\s*:')
_NINJS_KEY_RE = re.compile(
    r'"(?:type|version|versioncreated|firstcreated|pubstatus|headline|headlines|bodies'
    r"|body_[A-Za-z0-9_]+|description_[A-Za-z0-9_]+|descriptions|subject|subjects|urgency"
    r'|embargoed|associations|renditions|byline|by|slugline)"\s*:'
)
# Strings are matched whole so brackets inside them do not count towards the depth.
# Possessive, so an unterminated string costs linear time rather than exponential backtracking.
_DEPTH_TOKEN_RE = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')

_PUB_STATUS = {
    "usable": PubStatus.USABLE,
    "withheld": PubStatus.WITHHELD,
    "canceled": PubStatus.CANCELED,
    "cancelled": PubStatus.CANCELED,
}
# The last segment of a signal code or URI (`sig:update`, `.../signal/correction`) -> Signal.
_SIGNALS = {
    "update": Signal.UPDATE,
    "updated": Signal.UPDATE,
    "correction": Signal.CORRECTION,
    "corrected": Signal.CORRECTION,
    "correct": Signal.CORRECTION,
    "kill": Signal.KILL,
    "killed": Signal.KILL,
    "withdrawal": Signal.KILL,
    "withdrawn": Signal.KILL,
}
_PICTURE_TYPES = ("picture", "graphic")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/nitf+xml")
_MAIN_BODY_ROLES = ("main", "body", "richtext", "html", "full", "")
_SUB_HEADLINE_ROLES = ("sub", "subheadline", "subhead", "subtitle", "deck", "secondary")
_SUMMARY_ROLES = ("summary", "abstract", "teaser", "lead", "description", "")
# 1.x / 2.x subject-like lists: all are nar:subject in the ninjs schema.
_SUBJECT_KEYS = (
    "subject",
    "subjects",
    "place",
    "places",
    "person",
    "people",
    "organisation",
    "organisations",
)


def looks_like_ninjs(head: bytes) -> bool:
    """Whether the head of a payload reads as ninjs: JSON with an `uri`/`guid` key and at least
    one other ninjs key, and not a JSON Feed (whose `version` is a jsonfeed.org URL)."""
    text = _decode(head[:65536]).lstrip("\ufeff \t\r\n")
    if not text or text[0] not in "{[":
        return False
    if _JSONFEED_RE.search(text):
        return False
    return bool(_ID_KEY_RE.search(text)) and bool(_NINJS_KEY_RE.search(text))


def parse_ninjs(payload: bytes) -> ParseResult:
    """Items of a ninjs payload; `FormatError` when it is not JSON or not ninjs."""
    text = _decode(payload)
    _check_depth(text)
    try:
        doc = json.loads(text)
    except RecursionError:
        raise FormatError(f"not readable ninjs: JSON nested deeper than {MAX_DEPTH}") from None
    except ValueError as e:
        raise FormatError(f"not readable ninjs: invalid JSON ({e})") from None

    objects, title = _objects(doc)
    result = ParseResult(format="ninjs", title=title)
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict):
            result.problems.append(f"item {index + 1}: not a JSON object; skipped")
            continue
        try:
            item = _item(index, obj, result.problems)
        except (TypeError, ValueError, AttributeError) as e:  # odd shapes inside one object
            shown = _str(obj.get("uri")) or _str(obj.get("guid")) or "no id"
            result.problems.append(f"item {index + 1} ({shown}): unreadable ({e}); skipped")
            continue
        if item is not None:
            result.items.append(item)
    return result


# --- document shape --------------------------------------------------------------------------


def _decode(payload: bytes) -> str:
    try:
        codec = json.detect_encoding(payload)
    except (TypeError, ValueError):
        codec = "utf-8"
    return payload.decode(codec, errors="replace").lstrip("\ufeff")


def _check_depth(text: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH before decoding it: Python's decoder recurses
    once per level, and a hostile payload of nested brackets would otherwise exhaust the stack."""
    depth = 0
    for m in _DEPTH_TOKEN_RE.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormatError(
                    f"not readable ninjs: JSON nested deeper than {MAX_DEPTH} levels "
                    f"(at character {m.start()}); a news item is never that deep"
                )
        elif token in "]}":
            depth -= 1


def _objects(doc: Any) -> tuple[list[Any], str | None]:
    if isinstance(doc, list):
        return doc, None
    if not isinstance(doc, dict):
        raise FormatError("not readable ninjs: the document is neither a JSON object nor an array")
    version = doc.get("version")
    if isinstance(version, str) and "jsonfeed.org/version/" in version:
        raise FormatError("not ninjs: this is a JSON Feed (its version is a jsonfeed.org URL)")
    if "uri" in doc or "guid" in doc:
        return [doc], None
    items = doc.get("items")
    if isinstance(items, list):
        return items, _str(doc.get("title"))
    raise FormatError(
        "not ninjs: a JSON object without `uri` (ninjs requires it) and without an `items` "
        "array of ninjs objects"
    )


# --- one item --------------------------------------------------------------------------------


def _item(index: int, obj: dict[str, Any], problems: list[str]) -> Item | None:
    guid = _str(obj.get("uri")) or _str(obj.get("guid")) or _altid(obj)
    where = f"item {index + 1} ({guid or 'no id'})"
    if not guid:
        problems.append(f"{where}: no `uri`, which ninjs requires; skipped")
        return None

    headline, subheadline = _headlines(obj)
    body_html = _body(obj)
    summary_html, correction_note = _descriptions(obj)
    pub_status = _pub_status(obj, where, problems)
    signals = _signals(obj)
    if Signal.KILL in signals:
        pub_status = PubStatus.CANCELED
    lifecycle_only = pub_status is not PubStatus.USABLE or bool(signals)
    if not headline and not has_content(body_html) and not lifecycle_only:
        # A kill or withheld notice may be bare; it must still reach the store to take effect.
        problems.append(f"{where}: no headline and no body; skipped")
        return None

    provenance = _provenance(obj)
    originators = [hop.name for hop in provenance if hop.role == "originator"]
    first_created = parse_iso_datetime(_str(obj.get("firstcreated")))
    version_created = parse_iso_datetime(_str(obj.get("versioncreated")))
    return Item(
        guid=guid,
        headline=headline,
        body_html=body_html,
        summary=summary_apart_from_body(summary_html, body_html),
        version=_int(obj.get("version")),
        published_at=first_created or version_created,
        updated_at=version_created,
        language=_str(obj.get("language")),
        byline=_str(obj.get("byline")) or _str(obj.get("by")),
        categories=_categories(obj),
        format="ninjs",
        pub_status=pub_status,
        signals=signals,
        embargo_until=parse_iso_datetime(_str(obj.get("embargoed"))),
        urgency=_rank(obj.get("urgency")),
        priority=_rank(obj.get("priority")),
        subheadline=subheadline,
        slugline=_str(obj.get("slugline")),
        subjects=_subjects(obj),
        keywords=_keywords(obj.get("keywords")),
        copyright=_str(obj.get("copyrightnotice")) or _str(obj.get("copyrightholder")),
        usage_terms=_str(obj.get("usageterms")) or _linked_rights(obj),
        provenance=provenance,
        images=_images(obj),
        correction_note=correction_note,
        credit_line=_str(obj.get("creditline")),
        originator=originators[0] if originators else None,
        dateline_place=_str(obj.get("located")),
    )


def _headlines(obj: dict[str, Any]) -> tuple[str, str | None]:
    """(headline, subheadline): 1.x `headline` and `headline_*`, 2.x `headlines` by role."""
    headline = plain_text(_str(obj.get("headline")))
    sub = None
    for key, value in obj.items():
        if key.startswith("headline_") and any(r in key[9:].lower() for r in ("sub", "deck")):
            sub = plain_text(_str(value)) or sub
    main_candidates: list[str] = []
    for entry in _dicts(obj.get("headlines")):
        value = plain_text(_str(entry.get("value")))
        role = (_str(entry.get("role")) or "").lower()
        if not value:
            continue
        if role in _SUB_HEADLINE_ROLES:
            sub = sub or value
        elif role in ("main", "", "headline", "title"):
            main_candidates.insert(0 if role == "main" else len(main_candidates), value)
        else:
            main_candidates.append(value)
    if not headline and main_candidates:
        headline = main_candidates[0]
    return headline, sub or None


def _body(obj: dict[str, Any]) -> str:
    """HTML body: 1.x `body_html`/`body_xhtml` over `body_text`; 2.x `bodies`, HTML first."""
    for key in ("body_html", "body_xhtml"):
        value = _str(obj.get(key))
        if value and value.strip():
            return value
    text = _str(obj.get("body_text"))
    if text and text.strip():
        return text_to_html(text)
    bodies = [b for b in _dicts(obj.get("bodies")) if _str(b.get("value"))]
    main = [b for b in bodies if (_str(b.get("role")) or "").lower() in _MAIN_BODY_ROLES]
    # The richest main body first: IPTC's own example sends role "main" as text/plain and the
    # same text with paragraphs as role "richtext" in XHTML.
    for group, want_html in ((main, True), (main, False), (bodies, True), (bodies, False)):
        for entry in group:
            contenttype = (_str(entry.get("contenttype")) or "text/plain").lower()
            if want_html and contenttype in _HTML_TYPES:
                return entry["value"]
            if not want_html and contenttype.startswith("text/") and contenttype != "text/html":
                return text_to_html(entry["value"])
    for key, value in obj.items():  # any other 1.x body_* variant, as text
        if key.startswith("body_") and isinstance(value, str) and value.strip():
            return text_to_html(plain_text(value))
    return ""


def _descriptions(obj: dict[str, Any]) -> tuple[str | None, str | None]:
    """(summary, correction note): 1.x `description_*`, 2.x `descriptions` by role."""
    summary = _str(obj.get("description_html")) or _str(obj.get("description_text"))
    correction = None
    for key, value in obj.items():
        if key.startswith("description_") and "correction" in key and isinstance(value, str):
            correction = plain_text(value) or correction
    for entry in _dicts(obj.get("descriptions")):
        value = _str(entry.get("value"))
        role = (_str(entry.get("role")) or "").lower()
        if not value:
            continue
        if "correction" in role:
            correction = correction or plain_text(value)
        elif role in _SUMMARY_ROLES and not summary:
            summary = value
    return summary, correction or None


def _pub_status(obj: dict[str, Any], where: str, problems: list[str]) -> PubStatus:
    raw = _str(obj.get("pubstatus"))
    if not raw:
        return PubStatus.USABLE
    status = _PUB_STATUS.get(_last_segment(raw))
    if status is None:
        problems.append(f"{where}: unknown pubstatus {raw!r}; read as usable")
        return PubStatus.USABLE
    return status


def _signals(obj: dict[str, Any]) -> list[Signal]:
    """`signal` / `signals`: not in the ninjs schema, but sent by providers as strings, qcodes
    (`sig:correction`) or objects with `code`, `qcode`, `uri`, `literal` or `name`."""
    found: list[Signal] = []
    for key in ("signal", "signals"):
        value = obj.get(key)
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            codes: list[str] = []
            if isinstance(entry, str):
                codes = [entry]
            elif isinstance(entry, dict):
                codes = [
                    v
                    for k in ("code", "qcode", "uri", "literal", "name")
                    if isinstance(v := entry.get(k), str)
                ]
            for code in codes:
                signal = _SIGNALS.get(_last_segment(code))
                if signal is not None and signal not in found:
                    found.append(signal)
                    break
    return found


def _subjects(obj: dict[str, Any]) -> list[Subject]:
    subjects: list[Subject] = []
    seen: set[tuple[str, str | None]] = set()
    for key in _SUBJECT_KEYS:
        for entry in _dicts(obj.get(key)):
            name = _str(entry.get("name"))
            code = _str(entry.get("code"))
            scheme = _str(entry.get("scheme"))
            uri = _str(entry.get("uri")) or _str(entry.get("qcode"))
            if not code and uri:
                scheme, code = _split_concept(uri)
            code = code or _str(entry.get("literal")) or name
            if not code or (code, scheme) in seen:
                continue
            seen.add((code, scheme))
            subjects.append(Subject(code=code, name=name, scheme=scheme))
    return subjects


def _split_concept(uri: str) -> tuple[str | None, str]:
    """`http://cv.iptc.org/newscodes/mediatopic/20000002` -> (`.../mediatopic/`, `20000002`);
    `medtop:20000002` -> (`medtop`, `20000002`)."""
    if "://" in uri:
        base, _, code = uri.rstrip("/").rpartition("/")
        return (base + "/", code) if code else (None, uri)
    scheme, sep, code = uri.partition(":")
    return (scheme, code) if sep and code else (None, uri)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return clean_categories([v for v in value if isinstance(v, str)])


def _categories(obj: dict[str, Any]) -> list[str]:
    """Sections as the provider names them: a `categories` list of strings, or the names of a
    Superdesk-style `service` list. (ninjs itself has no section field.)"""
    names: list[str | None] = []
    value = obj.get("categories")
    if isinstance(value, list):
        names += [v for v in value if isinstance(v, str)]
    names += [_str(s.get("name")) for s in _dicts(obj.get("service"))]
    return clean_categories(names)


def _provenance(obj: dict[str, Any]) -> list[Hop]:
    """1.x `infosource` / 2.x `infosources`: originators first, then everyone else as
    distributors, each in the order sent."""
    originators: list[Hop] = []
    distributors: list[Hop] = []
    for key in ("infosource", "infosources"):
        for entry in _dicts(obj.get(key)):
            name = _str(entry.get("name")) or _str(entry.get("literal"))
            if not name:
                continue
            role = (_str(entry.get("role")) or _str(entry.get("rel")) or "").lower()
            uri = _str(entry.get("uri"))
            if "orig" in role:
                originators.append(Hop(role="originator", name=name, uri=uri))
            else:
                distributors.append(Hop(role="distributor", name=name, uri=uri))
    return originators + distributors


def _linked_rights(obj: dict[str, Any]) -> str | None:
    rights = obj.get("rightsinfo")
    return _str(rights.get("linkedrights")) if isinstance(rights, dict) else None


def _images(obj: dict[str, Any]) -> list[ImageLink]:
    """Pictures among `associations` (1.x object, 2.x array), and the item's own renditions
    when the item itself is a picture; the largest rendition of each is kept as a link."""
    associations = obj.get("associations")
    if isinstance(associations, dict):
        associated = [a for a in associations.values() if isinstance(a, dict)]
    else:
        associated = _dicts(associations)
    images: list[ImageLink] = []
    for candidate in ([obj] if _str(obj.get("type")) in _PICTURE_TYPES else []) + associated:
        if _str(candidate.get("type")) not in (*_PICTURE_TYPES, None):
            continue
        image = _best_rendition(candidate)
        if image is not None and all(i.href != image.href for i in images):
            images.append(image)
    return images


def _best_rendition(obj: dict[str, Any]) -> ImageLink | None:
    renditions = obj.get("renditions")
    entries = list(renditions.values()) if isinstance(renditions, dict) else renditions
    best: ImageLink | None = None
    for entry in _dicts(entries):
        href = _str(entry.get("href"))
        mime = _str(entry.get("contenttype")) or _str(entry.get("mimetype"))
        if not href or (mime and not mime.startswith("image/")):
            continue
        image = ImageLink(
            href=href,
            width=_int(entry.get("width")),
            height=_int(entry.get("height")),
            mime=mime,
        )
        if best is None or (image.width or 0) * (image.height or 0) > (best.width or 0) * (
            best.height or 0
        ):
            best = image
    if best is not None:
        caption, _ = _descriptions(obj)
        headline, _ = _headlines(obj)
        best.caption = plain_text(caption) or headline or None
    return best


# --- small readers ---------------------------------------------------------------------------


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _rank(value: Any) -> int | None:
    """An urgency or priority: 1..9 as IPTC defines them, anything else is dropped."""
    number = _int(value)
    return number if number is not None and 1 <= number <= 9 else None


def _last_segment(code: str) -> str:
    return re.split(r"[:/#]", code.strip().rstrip("/"))[-1].lower()


def _altid(obj: dict[str, Any]) -> str | None:
    """A guid of last resort: the first alternative id (2.x `altids` array, 1.x object)."""
    altids = obj.get("altids")
    if isinstance(altids, dict):
        return next((v.strip() for v in altids.values() if isinstance(v, str) and v.strip()), None)
    return next((v for a in _dicts(altids) if (v := _str(a.get("value")))), None)
