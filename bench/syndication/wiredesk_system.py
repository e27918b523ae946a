"""The harness adapter: wiredesk's syndication engine, used exactly as ingest uses it.

Records are processed in arrival order; each is fingerprinted and looked up with
`SyndicationIndex.matches()`, as `wiredesk.ingest.grouping` does: a record that matches
copies of several stories joins the oldest of them and the others are merged into it, and an
unmatched record starts a story of its own. A record's label is its story once the whole
stream is in, merges followed, as the site's story pages show it at the end. So the figures
are those of `wiredesk.syndication.engine` as ingest runs it, not of a tuned copy of it.

The engine is fed what ingest feeds it: each record goes through the pipeline first
(`wiredesk.pipeline.process`, as `ingest.prepare` runs it), and the fingerprint is taken of
the processed item's headline, `body_text` and language. The pipeline lifts a leading credit
and a leading dateline out of the body (a dateline in a paragraph of its own goes whole) and
derives `body_text` from the sanitized HTML; a record's own `body_text` is not used. The
items/s the harness prints therefore include the pipeline; the engine's throughput is
measured by `scaling.py`.

    .venv/bin/python bench/syndication/evaluate.py --system wiredesk_system:cluster

`cluster_best` is the older adapter, kept for comparison: one `match()` per record, the
record joining the cluster of the single best match, no merges (what ingest did before
stories were merged).
"""

from __future__ import annotations

from datetime import datetime

from wiredesk import pipeline
from wiredesk.model import Item
from wiredesk.syndication.engine import Fingerprint, SyndicationIndex, fingerprint


def ingested_fingerprint(record: dict[str, str]) -> Fingerprint:
    """The fingerprint ingest would store for `record`: of the item after the pipeline."""
    language = record.get("language")
    item = Item(
        guid=record["guid"],
        headline=record["headline"],
        body_html=record["body_html"],
        language=language,
        published_at=datetime.fromisoformat(record["published_at"]),
    )
    ctx = pipeline.StageContext(record["source"], "news", site_language=language or "en")
    done = pipeline.process(item, ctx)
    return fingerprint(done.headline, done.body_text, done.language)


def cluster(records: list[dict[str, str]]) -> list[str]:
    index = SyndicationIndex()
    for story, r in enumerate(records, start=1):
        fp = ingested_fingerprint(r)
        published = datetime.fromisoformat(r["published_at"])
        # ingest.grouping: the matched stories oldest first; the first is kept, the rest
        # merged into it; an unmatched copy is a new story (its id grows with arrival)
        found = sorted(
            (m for m in index.matches(fp, published) if m.group is not None),
            key=lambda m: m.group or 0,
        )
        group = found[0].group if found else story
        for m in found[1:]:
            assert group is not None and m.group is not None
            group = index.merge_groups(group, m.group)
        index.add(r["id"], fp, published, group=group)
    return [str(index.group_of(r["id"])) for r in records]


def cluster_best(records: list[dict[str, str]]) -> list[str]:
    index = SyndicationIndex()
    label_of: dict[str, str] = {}
    labels = []
    for r in records:
        fp = ingested_fingerprint(r)
        published = datetime.fromisoformat(r["published_at"])
        match = index.match(fp, published)
        label = label_of[match.key] if match else r["id"]
        label_of[r["id"]] = label
        index.add(r["id"], fp, published)
        labels.append(label)
    return labels
