"""Stage 6: file the item under a site section.

Agencies tag stories in their own words and codes; a site has a handful of sections. Each
section goes by its slug, its names in every edition's language and its `aliases` (docs:
configuration.md), so `National`, `देश`, `desh` and the IPTC media topic `medtop:11000000`
can all file a copy under one section. Names are compared after NFC and case folding. The
item's categories are tried first, in order, then its subject codes; a copy nothing matches
goes where its source is configured to go. No category ever makes a section of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from wiredesk.config import section_key
from wiredesk.model import Item, Subject
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.evolve import evolve

# IPTC's controlled vocabularies by URI, as their short scheme names (a ninjs subject may give
# `http://cv.iptc.org/newscodes/mediatopic/` as its scheme).
_IPTC_CV = "http://cv.iptc.org/newscodes/"
_CV_SCHEMES = {"mediatopic": "medtop", "subjectcode": "subj"}


@lru_cache(maxsize=64)
def _by_name(sections: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Matching key -> section slug from slug -> display name pairs; cached because a site's
    sections are the same for every item."""
    by_name: dict[str, str] = {}
    for slug, display in sections:
        by_name.setdefault(section_key(slug), slug)
        by_name.setdefault(section_key(display), slug)
    return by_name


def subject_key(subject: Subject) -> str | None:
    """The key a subject code is configured under: `medtop:11000000` whether the format wrote
    the code qualified (NewsML-G2's qcode, NITF's `subj:`) or gave the scheme apart (ninjs),
    by name or by IPTC URI."""
    code = subject.code.strip()
    if not code:
        return None
    scheme = (subject.scheme or "").strip()
    if scheme.startswith(_IPTC_CV):
        scheme = _CV_SCHEMES.get(scheme[len(_IPTC_CV) :].strip("/"), scheme)
    if code.startswith(_IPTC_CV):
        vocabulary, _, value = code[len(_IPTC_CV) :].strip("/").partition("/")
        code = f"{_CV_SCHEMES.get(vocabulary, vocabulary)}:{value}"
    elif scheme and ":" not in code:
        code = f"{scheme}:{code}"
    return section_key(code)


def _match(keys: Mapping[str, str], extra: Mapping[str, str], text: str) -> str | None:
    key = section_key(text)
    return keys.get(key) or extra.get(key)


def choose_section(item: Item, ctx: StageContext) -> Item:
    """The first category naming a section wins, then the first subject code configured as an
    alias; else the source's default."""
    by_name = _by_name(tuple(ctx.sections.items()))
    keys = ctx.section_keys
    for category in item.categories:
        slug = _match(keys, by_name, category)
        if slug is not None:
            return evolve(item, section=slug)
    if keys:
        for subject in item.subjects:
            key = subject_key(subject)
            slug = keys.get(key) if key is not None else None
            if slug is not None:
                return evolve(item, section=slug)
    return evolve(item, section=ctx.default_section)
