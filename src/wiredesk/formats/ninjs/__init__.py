"""IPTC ninjs ("news in JSON"), versions 1.x, 2.x and 3.x, read directly into `Item`s.

ninjs is the closest format to wiredesk's own item model, so the mapping is mostly one field to
one field; docs/formats/ninjs.md has the table. The major versions differ in shape rather
than meaning (1.x `headline` / `body_html` / `subject` / `associations` as an object; 2.x
`headlines` / `bodies` / `subjects` / `associations` as an array; 3.x the 2.x shape with
camelCase names, `pubStatus`, `versionCreated`, `embargoedUntil`), and real feeds mix them, so
every field is read in every shape: names are matched without regard to case
(`values.folded`). A document that declares a major version we have not read the schema of
is refused rather than guessed at (`_version_refusal`).

A payload is one ninjs object, a JSON array of them, or an object with an `items` array of them
(the wrapper agency APIs use). One broken object in a list is a problem line, not a failure.

This module reads the document and assembles each item; `content` reads what a reader sees
(headlines, body, descriptions, pictures), `metadata` what the desk needs (lifecycle,
subjects, provenance, rights), `values` the loose JSON values both are made of.
"""

from __future__ import annotations

import re
from typing import Any

from wiredesk.errors import FormatError
from wiredesk.formats.fields import has_content, parse_iso_datetime, summary_apart_from_body
from wiredesk.formats.json_safe import decode_json_payload, entry_places, load_json_payload
from wiredesk.formats.ninjs.content import body_of, descriptions_of, headlines_of, images_of
from wiredesk.formats.ninjs.metadata import (
    categories_of,
    keywords_of,
    linked_rights,
    provenance_of,
    pub_status_of,
    signals_of,
    subjects_of,
)
from wiredesk.formats.ninjs.values import dicts, folded, integer, rank, string
from wiredesk.model import Item, ParseResult, PubStatus, Signal

_JSONFEED_RE = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/')
_ID_KEY_RE = re.compile(r'"(?:uri|guid)"\s*:')
_NINJS_KEY_RE = re.compile(
    r'"(?:type|version|versioncreated|firstcreated|pubstatus|headline|headlines|bodies'
    r"|body_[A-Za-z0-9_]+|description_[A-Za-z0-9_]+|descriptions|subject|subjects|urgency"
    r'|embargoed|embargoeduntil|associations|renditions|byline|by|slugline)"\s*:',
    re.IGNORECASE,  # 3.x names are camelCase (`versionCreated`), 1.x and 2.x lowercase
)
# The ninjs major versions this parser knows the names and shapes of.
KNOWN_MAJOR_VERSIONS = (1, 2, 3)
_SCHEMA_VERSION_RE = re.compile(r"ninjs-schema_(\d+)(?:\.\d+)*\.json", re.IGNORECASE)


def looks_like_ninjs(head: bytes) -> bool:
    """Whether the head of a payload reads as ninjs: JSON with an `uri`/`guid` key and at least
    one other ninjs key, and not a JSON Feed (whose `version` is a jsonfeed.org URL)."""
    text = decode_json_payload(head[:65536]).lstrip("\ufeff \t\r\n")
    if not text or text[0] not in "{[":
        return False
    if _JSONFEED_RE.search(text):
        return False
    return bool(_ID_KEY_RE.search(text)) and bool(_NINJS_KEY_RE.search(text))


def parse_ninjs(payload: bytes) -> ParseResult:
    """Items of a ninjs payload; `FormatError` when it is not JSON or not ninjs."""
    doc, bad = load_json_payload(payload, "ninjs", "not readable ninjs")

    objects, title = _objects(doc)
    bad_bytes: list[str] = []
    if bad is not None:  # a byte that was not UTF-8, or a raw control: named, then U+FFFD
        bad_bytes = bad.lines(entry_places(doc, objects, _object_name))
        doc = bad.replaced(doc)
        objects, title = _objects(doc)
    result = ParseResult(format="ninjs", title=title)
    result.problems += bad_bytes
    for index, raw in enumerate(objects):
        if not isinstance(raw, dict):
            result.problems.append(f"item {index + 1}: not a JSON object; skipped")
            continue
        obj = folded(raw)
        refusal = _version_refusal(obj)
        if refusal is not None:
            if len(objects) == 1 and objects[0] is doc:
                raise FormatError(refusal)
            shown = string(obj.get("uri")) or string(obj.get("guid")) or "no id"
            result.problems.append(f"item {index + 1} ({shown}): {refusal}; skipped")
            continue
        try:
            item = _item(index, obj, result.problems)
        except (TypeError, ValueError, AttributeError) as e:  # odd shapes inside one object
            shown = string(obj.get("uri")) or string(obj.get("guid")) or "no id"
            result.problems.append(f"item {index + 1} ({shown}): unreadable ({e}); skipped")
            continue
        if item is not None:
            result.items.append(item)
    return result


# --- document shape --------------------------------------------------------------------------


def _object_name(index: int, obj: Any) -> str:
    """An object as a problem line names it: `item 2 (its uri)`."""
    shown = ""
    if isinstance(obj, dict):
        shown = string(obj.get("uri")) or string(obj.get("guid")) or ""
    return f"item {index + 1} ({shown})" if shown else f"item {index + 1}"


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
        return items, string(doc.get("title"))
    raise FormatError(
        "not ninjs: a JSON object without `uri` (ninjs requires it) and without an `items` "
        "array of ninjs objects"
    )


# --- one item --------------------------------------------------------------------------------


def _item(index: int, obj: dict[str, Any], problems: list[str]) -> Item | None:
    guid = string(obj.get("uri")) or string(obj.get("guid")) or _altid(obj)
    where = f"item {index + 1} ({guid or 'no id'})"
    if not guid:
        problems.append(f"{where}: no `uri`, which ninjs requires; skipped")
        return None

    headline, subheadline = headlines_of(obj)
    body_html = body_of(obj)
    summary_html, correction_note = descriptions_of(obj)
    pub_status = pub_status_of(obj, where, problems)
    signals = signals_of(obj)
    if Signal.KILL in signals:
        pub_status = PubStatus.CANCELED
    elif pub_status is PubStatus.CANCELED:
        # As NewsML-G2, NITF and IPTC 7901 read it: a canceled item is a kill, and says so
        # wherever a version's signals are shown (the desk, `wiredesk parse`).
        signals.append(Signal.KILL)
    lifecycle_only = pub_status is not PubStatus.USABLE or bool(signals)
    if not headline and not has_content(body_html) and not lifecycle_only:
        # A kill or withheld notice may be bare; it must still reach the store to take effect.
        problems.append(f"{where}: no headline and no body; skipped")
        return None

    provenance = provenance_of(obj)
    originators = [hop.name for hop in provenance if hop.role == "originator"]
    first_created = parse_iso_datetime(string(obj.get("firstcreated")))
    version_created = parse_iso_datetime(string(obj.get("versioncreated")))
    embargo = string(obj.get("embargoeduntil")) or string(obj.get("embargoed"))
    return Item(
        guid=guid,
        headline=headline,
        body_html=body_html,
        summary=summary_apart_from_body(summary_html, body_html),
        version=integer(obj.get("version")),
        published_at=first_created or version_created,
        updated_at=version_created,
        language=string(obj.get("language")),
        byline=string(obj.get("byline")) or string(obj.get("by")),
        categories=categories_of(obj),
        format="ninjs",
        pub_status=pub_status,
        signals=signals,
        embargo_until=parse_iso_datetime(embargo),
        urgency=rank(obj.get("urgency")),
        priority=rank(obj.get("priority")),
        subheadline=subheadline,
        slugline=string(obj.get("slugline")),
        subjects=subjects_of(obj),
        keywords=keywords_of(obj.get("keywords")),
        copyright=string(obj.get("copyrightnotice")) or string(obj.get("copyrightholder")),
        usage_terms=string(obj.get("usageterms")) or linked_rights(obj),
        provenance=provenance,
        images=images_of(obj),
        correction_note=correction_note,
        credit_line=string(obj.get("creditline")),
        originator=originators[0] if originators else None,
        dateline_place=string(obj.get("located")),
    )


def _version_refusal(obj: dict[str, Any]) -> str | None:
    """Why this object is refused for its declared ninjs version; None when the version is
    one we read or none is declared (then every known shape is tried, as for 1.x and 2.x).

    The version is `standard.version` (ninjs 1.3 and later), else the schema file named by
    `standard.schema` or `$schema` (`ninjs-schema_3.0.json`). A major version beyond the ones
    we know may rename or re-shape any field, so reading it as if it were 3.x could publish a
    kill as a live story: it is refused until the parser is taught it.
    """
    standard = obj.get("standard")
    standard = standard if isinstance(standard, dict) else {}
    declared = string(standard.get("version"))
    if declared is None:
        for value in (standard.get("schema"), obj.get("$schema")):
            m = _SCHEMA_VERSION_RE.search(value) if isinstance(value, str) else None
            if m:
                declared = m.group(1)
                break
    if declared is None:
        return None
    major = declared.lstrip("vV").split(".")[0]
    if major.isdigit() and int(major) in KNOWN_MAJOR_VERSIONS:
        return None
    known = ", ".join(f"{v}.x" for v in KNOWN_MAJOR_VERSIONS)
    return (
        f"ninjs version {declared!r} is not one wiredesk reads (it reads {known}); "
        "refused rather than guessed at: ask the provider for a known version, or upgrade "
        "wiredesk and run `wiredesk reprocess`"
    )


def _altid(obj: dict[str, Any]) -> str | None:
    """A guid of last resort: the first alternative id (2.x `altids` array, 1.x object)."""
    altids = obj.get("altids")
    if isinstance(altids, dict):
        return next((v.strip() for v in altids.values() if isinstance(v, str) and v.strip()), None)
    return next((v for a in dicts(altids) if (v := string(a.get("value")))), None)
