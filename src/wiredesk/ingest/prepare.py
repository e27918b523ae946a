"""Preparing a payload: the part of accepting it that needs no database.

Parse, run the pipeline's stages on every item, set aside what the store would refuse, and
(when asked) fingerprint each item for grouping. All of it is pure, so `accept` can do it
itself or have it done in another process while the writer is still storing the payload
before (`ingest.workers`). Either way the writer receives the same `Prepared` and stores it
the same way; nothing here writes, so the raw payload is always stored before it starts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from wiredesk import formats, pipeline
from wiredesk.config import SiteSettings, SourceSettings
from wiredesk.errors import FormatError
from wiredesk.ingest import completeness
from wiredesk.ingest.outcomes import one_line
from wiredesk.model import Envelope, Item
from wiredesk.store.ledger import search_index
from wiredesk.store.ledger.quarantine import store_refusal
from wiredesk.syndication.engine import Fingerprint, fingerprint

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Ready:
    """An item that went through every stage, to be saved."""

    index: int  # its position in the payload
    item: Item  # as processed
    fingerprint: Fingerprint | None = None  # None: grouping computes it when it needs it
    words: str | None = None  # its folded search words; None: the writer folds them


@dataclass(slots=True)
class Held:
    """An item set aside: quarantined with its stage and reason, as parsed."""

    index: int
    item: Item
    stage: str
    reason: str


@dataclass(slots=True)
class Prepared:
    """What preparing one payload gave: the ready items in payload order, the held ones,
    the parser's own problems, or why the payload could not be read at all."""

    format: str | None = None
    problems: list[str] = field(default_factory=list)
    ready: list[Ready] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    parse_error: str | None = None  # set: nothing else is


def prepare(
    site: SiteSettings,
    source: SourceSettings,
    env: Envelope,
    envelope_id: int,
    *,
    fingerprints: bool = False,
) -> Prepared:
    """Parse `env` and process its items. `fingerprints`: also fingerprint every ready item
    and fold its search words (worth it where this runs beside the writer; inline, grouping
    fingerprints only the items that changed, and the store folds the words of new copies)."""
    try:
        result = formats.parse(env, source.format)
    except Exception as e:  # a malformed document, or a parser bug: either way, this payload
        if isinstance(e, FormatError):
            error = one_line(f"cannot read the payload: {e}")
        else:
            log.exception("parsing envelope %s of source %r failed", envelope_id, source.id)
            error = one_line(
                f"cannot read the payload: the parser failed ({type(e).__name__}: {e}); "
                f"the raw payload is kept: `wiredesk reprocess {envelope_id}` after an upgrade"
            )
        return Prepared(parse_error=error)
    ctx = pipeline.context_for(site, source, result.language, received_at=env.received_at)
    prepared = Prepared(format=result.format, problems=list(result.problems))
    cut = result.cut_short | completeness.cut_items(env.payload, result.format, result.items)
    for index, parsed in enumerate(result.items):
        verdict = completeness.judge(parsed, source.missing_headline, cut.get(index))
        prepared.problems += [verdict.problem] if verdict.problem else []
        if verdict.hold is not None:  # half a story: never published, kept with the reason
            prepared.held.append(Held(index, parsed, "parse", verdict.hold))
        if verdict.item is None or verdict.hold is not None:
            continue
        item = verdict.item
        try:
            processed = pipeline.process(item, ctx)
        except Exception as e:  # one bad item is quarantined, never the whole payload
            log.debug(
                "item %r of source %r failed in the pipeline", item.guid, source.id, exc_info=True
            )
            prepared.held.append(Held(index, item, "pipeline", f"{type(e).__name__}: {e}"))
            continue
        refusal = store_refusal(processed)
        if refusal is not None:
            prepared.held.append(Held(index, item, "store", refusal))
            continue
        prepared.ready.append(Ready(index, processed))
    if fingerprints:
        for ready in prepared.ready:
            it = ready.item
            try:
                ready.fingerprint = fingerprint(it.headline, it.body_text, it.language)
            except Exception:  # grouping tries again, and copes (it never fails ingest)
                log.debug("fingerprinting item %r failed", it.guid, exc_info=True)
            ready.words = search_index.words_of(it)
    return prepared


def parsed_item(source: SourceSettings, env: Envelope, index: int) -> Item:
    """The item at `index` of the payload as parsed (parsing is deterministic): for
    quarantining an item the store refused, when only its processed form is at hand."""
    return formats.parse(env, source.format).items[index]
