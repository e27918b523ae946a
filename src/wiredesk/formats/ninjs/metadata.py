"""What a ninjs item tells the desk: its lifecycle (pubstatus, signals), subjects,
keywords and sections, provenance and rights.
"""

from __future__ import annotations

from typing import Any

from wiredesk.formats.fields import plain_text, unique_texts
from wiredesk.formats.lifecycle_codes import PUB_STATUS_CODES, SIGNAL_CODES
from wiredesk.formats.ninjs.values import dicts, last_segment, string
from wiredesk.model import Hop, PubStatus, Signal, Subject

# The last segment of a signal code or URI (`sig:update`, `.../signal/correction`) -> Signal:
# the shared codes and the past-tense and withdrawal words ninjs providers send.
_SIGNALS = {
    **SIGNAL_CODES,
    "updated": Signal.UPDATE,
    "corrected": Signal.CORRECTION,
    "killed": Signal.KILL,
    "withdrawal": Signal.KILL,
    "withdrawn": Signal.KILL,
}
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


def pub_status_of(obj: dict[str, Any], where: str, problems: list[str]) -> PubStatus:
    raw = string(obj.get("pubstatus"))
    if not raw:
        return PubStatus.USABLE
    status = PUB_STATUS_CODES.get(last_segment(raw))
    if status is None:
        problems.append(f"{where}: unknown pubstatus {raw!r}; read as usable")
        return PubStatus.USABLE
    return status


def signals_of(obj: dict[str, Any]) -> list[Signal]:
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
                signal = _SIGNALS.get(last_segment(code))
                if signal is not None and signal not in found:
                    found.append(signal)
                    break
    return found


def subjects_of(obj: dict[str, Any]) -> list[Subject]:
    subjects: list[Subject] = []
    seen: set[tuple[str, str | None]] = set()
    for key in _SUBJECT_KEYS:
        for entry in dicts(obj.get(key)):
            name = string(entry.get("name"))
            code = string(entry.get("code"))
            scheme = string(entry.get("scheme"))
            uri = string(entry.get("uri")) or string(entry.get("qcode"))
            if not code and uri:
                scheme, code = _split_concept(uri)
            code = code or string(entry.get("literal")) or name
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


def keywords_of(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return unique_texts([v for v in value if isinstance(v, str)], plain_text)


def categories_of(obj: dict[str, Any]) -> list[str]:
    """Sections as the provider names them: a `categories` list of strings, or the names of a
    Superdesk-style `service` list. (ninjs itself has no section field.)"""
    names: list[str | None] = []
    value = obj.get("categories")
    if isinstance(value, list):
        names += [v for v in value if isinstance(v, str)]
    names += [string(s.get("name")) for s in dicts(obj.get("service"))]
    return unique_texts(names, plain_text)


def provenance_of(obj: dict[str, Any]) -> list[Hop]:
    """1.x `infosource` / 2.x `infosources`: originators first, then everyone else as
    distributors, each in the order sent."""
    originators: list[Hop] = []
    distributors: list[Hop] = []
    for key in ("infosource", "infosources"):
        for entry in dicts(obj.get(key)):
            name = string(entry.get("name")) or string(entry.get("literal"))
            if not name:
                continue
            role = (string(entry.get("role")) or string(entry.get("rel")) or "").lower()
            uri = string(entry.get("uri"))
            if "orig" in role:
                originators.append(Hop(role="originator", name=name, uri=uri))
            else:
                distributors.append(Hop(role="distributor", name=name, uri=uri))
    return originators + distributors


def linked_rights(obj: dict[str, Any]) -> str | None:
    rights = obj.get("rightsinfo")
    return string(rights.get("linkedrights")) if isinstance(rights, dict) else None
