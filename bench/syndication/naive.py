"""The naive reference: word 3-gram shingles, Jaccard or containment, union-find.

This is what anyone would try first, and the figure a real near-duplicate detector has to
beat. Text is only NFC-normalised and case-folded (no spelling, digit or nukta folding), so
the set shows what the surface edits cost. Candidate pairs come from an inverted index on
shingles, skipping shingles found in more than `max_df` records (stock sentences that every
story of a topic shares); similarity is then computed exactly on the full shingle sets.

The threshold sweep picks the best threshold *with the labels* — an oracle choice no deployed
system gets — so its figures are an upper bound for the naive method.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from metrics import Scores, score

_TOKEN = re.compile(r"[\w\u0900-\u0963\u0966-\u097f]+")
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))
MEASURES = ("jaccard", "containment")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFC", text).casefold())


def shingles(text: str, k: int = 3) -> frozenset[int]:
    """Hashes of the record's k-word windows (the whole text if shorter than k words)."""
    words = tokens(text)
    if len(words) < k:
        return frozenset([hash(" ".join(words))]) if words else frozenset()
    return frozenset(hash(" ".join(words[i : i + k])) for i in range(len(words) - k + 1))


def record_text(record: dict[str, str]) -> str:
    return f"{record['headline']}\n{record['body_text']}"


@dataclass(slots=True)
class PairSims:
    """Candidate pairs (i < j) and their Jaccard and containment similarities."""

    n: int
    pairs: list[tuple[int, int]] = field(default_factory=list)
    jaccard: list[float] = field(default_factory=list)
    containment: list[float] = field(default_factory=list)
    seconds: float = 0.0


def pair_similarities(records: Sequence[dict[str, str]], k: int = 3, max_df: int = 100) -> PairSims:
    t0 = time.perf_counter()
    sets = [shingles(record_text(r), k) for r in records]
    postings: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for h in s:
            postings[h].append(i)
    n = len(records)
    candidates: set[int] = set()
    for docs in postings.values():
        if 2 <= len(docs) <= max_df:
            for a in range(len(docs)):
                i = docs[a]
                for j in docs[a + 1 :]:
                    candidates.add(i * n + j)
    out = PairSims(n)
    for key in sorted(candidates):
        i, j = divmod(key, n)
        a, b = sets[i], sets[j]
        inter = len(a & b)
        out.pairs.append((i, j))
        out.jaccard.append(inter / (len(a) + len(b) - inter))
        out.containment.append(inter / min(len(a), len(b)))
    out.seconds = time.perf_counter() - t0
    return out


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def labels(self) -> list[str]:
        return [str(self.find(i)) for i in range(len(self.parent))]


def cluster_at(sims: PairSims, measure: str, threshold: float) -> list[str]:
    """Connected components of the pairs whose similarity reaches `threshold`."""
    uf = UnionFind(sims.n)
    for (i, j), s in zip(sims.pairs, getattr(sims, measure), strict=True):
        if s >= threshold:
            uf.union(i, j)
    return uf.labels()


@dataclass(slots=True)
class Sweep:
    measure: str
    best_threshold: float
    best: Scores
    curve: list[tuple[float, Scores]]
    seconds: float  # shingling, candidates, similarities and one clustering


def sweep(
    records: Sequence[dict[str, str]],
    truth: Sequence[str],
    thresholds: Sequence[float] = THRESHOLDS,
    k: int = 3,
    max_df: int = 100,
    sims: PairSims | None = None,
) -> dict[str, Sweep]:
    """For each measure, scores at every threshold and the threshold with the best F1.

    Edges are added from the highest threshold down, so one union-find serves the sweep.
    """
    if sims is None:
        sims = pair_similarities(records, k, max_df)
    results: dict[str, Sweep] = {}
    for measure in MEASURES:
        values = getattr(sims, measure)
        order = sorted(range(len(values)), key=values.__getitem__, reverse=True)
        uf = UnionFind(sims.n)
        pos = 0
        curve: list[tuple[float, Scores]] = []
        for t in sorted(thresholds, reverse=True):
            while pos < len(order) and values[order[pos]] >= t:
                i, j = sims.pairs[order[pos]]
                uf.union(i, j)
                pos += 1
            curve.append((t, score(truth, uf.labels())))
        curve.sort(key=lambda ts: ts[0])
        best_t, best = max(curve, key=lambda ts: (ts[1].f1, -ts[0]))
        t0 = time.perf_counter()
        cluster_at(sims, measure, best_t)
        results[measure] = Sweep(
            measure, best_t, best, curve, sims.seconds + time.perf_counter() - t0
        )
    return results


def cluster_jaccard(records: list[dict[str, str]], threshold: float = 0.5) -> list[str]:
    """The naive method as a plain system (`--system naive:cluster_jaccard`)."""
    return cluster_at(pair_similarities(records), "jaccard", threshold)


def cluster_containment(records: list[dict[str, str]], threshold: float = 0.6) -> list[str]:
    """Containment variant as a plain system (`--system naive:cluster_containment`)."""
    return cluster_at(pair_similarities(records), "containment", threshold)
