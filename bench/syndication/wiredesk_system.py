"""The harness adapter: wiredesk's syndication engine, used exactly as the site uses it.

Records are processed in arrival order; each is fingerprinted, matched against the index and
then added, and a matched record joins the cluster of the record it matched. So the figures
are those of `wiredesk.syndication.engine` as it runs, not of a tuned copy of it.

    .venv/bin/python bench/syndication/evaluate.py --system wiredesk_system:cluster
"""

from __future__ import annotations

from datetime import datetime

from wiredesk.syndication.engine import SyndicationIndex, fingerprint


def cluster(records: list[dict[str, str]]) -> list[str]:
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
