"""Clustering quality from the contingency table, never from the list of all pairs.

A million items have half a trillion pairs; the number of same-cluster pairs follows from
cluster sizes alone (a cluster of n holds n(n-1)/2 pairs), and the pairs two clusterings agree
on from the sizes of their intersections. So pairwise precision/recall/F1 and the adjusted Rand
index cost one pass over the labels.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True, slots=True)
class PairCounts:
    """Pairs together in the truth, in the prediction, and in both; and all pairs."""

    true_pairs: int
    predicted_pairs: int
    agreed_pairs: int
    all_pairs: int


def pair_counts(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> PairCounts:
    if len(truth) != len(predicted):
        raise ValueError(
            f"labels differ in length: {len(truth)} true vs {len(predicted)} predicted; "
            "a clusterer must return one label per record, in order"
        )
    joint = Counter(zip(truth, predicted, strict=True))
    return PairCounts(
        true_pairs=sum(_pairs(n) for n in Counter(truth).values()),
        predicted_pairs=sum(_pairs(n) for n in Counter(predicted).values()),
        agreed_pairs=sum(_pairs(n) for n in joint.values()),
        all_pairs=_pairs(len(truth)),
    )


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    ari: float
    true_pairs: int
    predicted_pairs: int
    agreed_pairs: int
    clusters: int
    items: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def pairwise_prf(c: PairCounts) -> tuple[float, float, float]:
    """Precision is 1 when nothing was put together (no wrong merge was claimed)."""
    precision = c.agreed_pairs / c.predicted_pairs if c.predicted_pairs else 1.0
    recall = c.agreed_pairs / c.true_pairs if c.true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand(c: PairCounts) -> float:
    """Hubert and Arabie's ARI: (index - expected) / (max - expected).

    When the two clusterings leave no room for chance (max == expected, e.g. both all
    singletons), they are identical and the score is 1, as in the usual implementations.
    """
    if c.all_pairs == 0:
        return 1.0
    expected = c.true_pairs * c.predicted_pairs / c.all_pairs
    maximum = (c.true_pairs + c.predicted_pairs) / 2
    if maximum == expected:
        return 1.0
    return (c.agreed_pairs - expected) / (maximum - expected)


def score(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    c = pair_counts(truth, predicted)
    p, r, f = pairwise_prf(c)
    return Scores(
        precision=p,
        recall=r,
        f1=f,
        ari=adjusted_rand(c),
        true_pairs=c.true_pairs,
        predicted_pairs=c.predicted_pairs,
        agreed_pairs=c.agreed_pairs,
        clusters=len(set(predicted)),
        items=len(predicted),
    )


@dataclass(frozen=True, slots=True)
class Timed:
    labels: list[str]
    seconds: float
    items_per_second: float


def timed(fn: Callable[[list[dict[str, str]]], list[str]], records: list[dict[str, str]]) -> Timed:
    """Run a clusterer once and measure wall time; throughput is items over that time."""
    t0 = time.perf_counter()
    labels = [str(x) for x in fn(records)]
    seconds = time.perf_counter() - t0
    return Timed(labels, seconds, len(records) / seconds if seconds > 0 else float("inf"))


def subset_scores(
    truth: Sequence[Hashable], predicted: Sequence[Hashable], member: Sequence[bool]
) -> tuple[float, float, int, int]:
    """Pairwise precision and recall over the pairs with at least one member of a subset
    (the copies with one edit, the items in one language), and how many such pairs are
    together in the truth and in the prediction.

    A cluster of n items of which m are members holds C(n, 2) - C(n - m, 2) such pairs, so
    this too is one pass over the labels. Precision is 1 when no such pair was predicted.
    """

    def touching(groups: Counter[Any], members: Counter[Any]) -> int:
        return sum(_pairs(n) - _pairs(n - members[g]) for g, n in groups.items())

    t, p = Counter(truth), Counter(predicted)
    j = Counter(zip(truth, predicted, strict=True))
    tm = Counter(x for x, m in zip(truth, member, strict=True) if m)
    pm = Counter(x for x, m in zip(predicted, member, strict=True) if m)
    jm = Counter(
        pair for pair, m in zip(zip(truth, predicted, strict=True), member, strict=True) if m
    )
    true_pairs, predicted_pairs = touching(t, tm), touching(p, pm)
    agreed = touching(j, jm)
    precision = agreed / predicted_pairs if predicted_pairs else 1.0
    recall = agreed / true_pairs if true_pairs else 1.0
    return precision, recall, true_pairs, predicted_pairs
