"""The harness adapter: wiredesk's syndication engine, used exactly as ingest uses it.

Records are processed in arrival order; each is fingerprinted and looked up with
`SyndicationIndex.matches()`, as `wiredesk.ingest.grouping` does: a record that matches
copies of several stories joins the oldest of them and the others are merged into it, and an
unmatched record starts a story of its own. A record's label is its story once the whole
stream is in, merges followed, as the site's story pages show it at the end. So the figures
are those of `wiredesk.syndication.engine` as ingest runs it, not of a tuned copy of it.

    .venv/bin/python bench/syndication/evaluate.py --system wiredesk_system:cluster

`cluster_best` is the older adapter, kept for comparison: one `match()` per record, the
record joining the cluster of the single best match, no merges (what ingest did before
stories were merged).
"""

from __future__ import annotations

from datetime import datetime

from wiredesk.syndication.engine import SyndicationIndex, fingerprint


def cluster(records: list[dict[str, str]]) -> list[str]:
    index = SyndicationIndex()
    for story, r in enumerate(records, start=1):
        fp = fingerprint(r["headline"], r["body_text"], r.get("language"))
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
        fp = fingerprint(r["headline"], r["body_text"], r.get("language"))
        published = datetime.fromisoformat(r["published_at"])
        match = index.match(fp, published)
        label = label_of[match.key] if match else r["id"]
        label_of[r["id"]] = label
        index.add(r["id"], fp, published)
        labels.append(label)
    return labels
