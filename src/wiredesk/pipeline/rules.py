"""Routing rules: which new copy is published, held for an editor or dropped, and by which rule.

The rules are the settings file's `[[rules]]` (config.RuleSettings), tried in order: the
first whose every condition holds decides. A copy no rule matches goes as its source's mode
says (`auto_publish`), as before rules existed; the decision names which it was, so every
copy can show the rule that decided it.

Keywords are matched the way search matches: on whole words, folded by `text.search_keys`
(case, the optional nukta, chandrabindu and nasal clusters as anusvara, digits of any
script), so a rule written `हिन्दी` takes a copy that spells it `हिंदी`, and `मिल` never
matches inside `मिलकर`. A phrase matches its words in a row.

Pure: no database, no I/O. Ingest's writer asks it once per new item.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from wiredesk.config import RuleSettings, SourceSettings, section_key
from wiredesk.model import SOURCE_MODE, Item, RouteAction, Routing
from wiredesk.pipeline.section import subject_key
from wiredesk.text.search_keys import key_words


@dataclass(frozen=True, slots=True)
class _Compiled:
    """One rule with its values in the shape an item's are compared in."""

    rule: RuleSettings
    routing: Routing
    sources: frozenset[str]
    languages: frozenset[str]
    sections: frozenset[str]
    phrases: tuple[str, ...]  # " word word ": folded words between single spaces
    subjects: frozenset[str]  # section_key of each code or name


class Router:
    """The rules of a settings file, ready to decide; build it with `router_for`."""

    def __init__(self, rules: Sequence[RuleSettings]) -> None:
        self._rules = tuple(_compile(r) for r in rules)

    def __bool__(self) -> bool:
        return bool(self._rules)

    def decide(self, item: Item, source: SourceSettings) -> Routing:
        """The first rule `item` (a processed item of `source`) meets, else the source's mode."""
        words: str | None = None  # folded once, and only if a rule asks
        for c in self._rules:
            if c.sources and source.id not in c.sources:
                continue
            if c.languages and (item.language or "").lower() not in c.languages:
                continue
            if c.sections and (item.section or source.section) not in c.sections:
                continue
            if c.rule.urgencies and urgency_of(item) not in c.rule.urgencies:
                continue
            if c.subjects and not (c.subjects & subject_keys(item)):
                continue
            if c.rule.keywords:  # (a keyword with no word in it matches nothing)
                if words is None:
                    words = folded_text(item)
                if not any(p in words for p in c.phrases):
                    continue
            return c.routing
        return source_mode(source)


@functools.lru_cache(maxsize=8)
def router_for(rules: tuple[RuleSettings, ...]) -> Router:
    """The router of these rules, built once per settings (folding the keywords costs a
    little, and a writer asks for every payload)."""
    return Router(rules)


def source_mode(source: SourceSettings) -> Routing:
    """What happens to a copy no rule matched: what its source's `auto_publish` says."""
    return Routing(RouteAction.PUBLISH if source.auto_publish else RouteAction.HOLD, SOURCE_MODE)


def urgency_of(item: Item) -> int | None:
    """The agency's urgency, else its priority: ANPA and a NewsML-G2 header send only the
    latter, on the same 1 (most urgent) .. 9 scale."""
    return item.urgency if item.urgency is not None else item.priority


def subject_keys(item: Item) -> set[str]:
    """Every way a rule may name one of the item's subjects: the qualified code
    (`medtop:15000000`, however the format wrote it), the bare code, and the name."""
    keys: set[str] = set()
    for subject in item.subjects:
        qualified = subject_key(subject)
        if qualified is not None:
            keys.add(qualified)
        keys.add(section_key(subject.code))
        if subject.name:
            keys.add(section_key(subject.name))
    keys.discard("")
    return keys


def folded_text(item: Item) -> str:
    """The item's headline, summary and body as folded words between single spaces, each part
    between newlines, so a phrase never matches across the headline and the body."""
    parts = (item.headline, item.subheadline or "", item.summary, item.body_text)
    return "\n" + "\n".join(f" {' '.join(key_words(p))} " for p in parts if p) + "\n"


def _compile(rule: RuleSettings) -> _Compiled:
    phrases = tuple(f" {' '.join(words)} " for k in rule.keywords if (words := key_words(k)))
    return _Compiled(
        rule=rule,
        routing=Routing(RouteAction(rule.action), rule.name),
        sources=frozenset(rule.sources),
        languages=frozenset(rule.languages),
        sections=frozenset(rule.sections),
        phrases=phrases,
        subjects=frozenset(section_key(s) for s in rule.subjects),
    )
