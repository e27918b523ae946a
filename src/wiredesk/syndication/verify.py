"""Is a candidate the same story? Sentence coverage, measured from the smaller side.

LSH only says two texts share shingles; so do one day's market close and the next, and two
stories that carry one stock background paragraph. Verification asks the question an editor
asks: how much of one story is, sentence for sentence, in the other? A copy that dropped,
added, reordered, merged or split paragraphs, or rewrote its headline or lead, still has most
of its sentences in the original (or the original most of its sentences in the copy: a portal
that added a background paragraph). A teaser is wholly inside its story. A template day shares
only the sentences without figures or weekdays; a story sharing a background paragraph shares
that paragraph and nothing else.

Coverage is weighted by tokens, and a sentence counts only when it is the same after folding:
a different number, day or name makes it a different sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiredesk.syndication.fingerprint import Features, unpack_features

try:
    from wiredesk.syndication._native import coverage as _coverage
except ImportError:  # built without a C compiler: features are decoded and compared as dicts
    _coverage = None
NATIVE = _coverage is not None

# Share of the better-covered side's tokens (headline included) that must be in shared
# sentences. Copies with a rewritten headline and a replaced lead stay above it; a short
# update whose stock background is half of it, and a template day, stay below (see docs).
MIN_COVERAGE = 0.70


@dataclass(frozen=True, slots=True)
class Verdict:
    same: bool
    score: float
    covered_query: float  # share of the query's tokens found in the candidate
    covered_stored: float  # share of the candidate's tokens found in the query
    shared_sentences: int


def compare(query: Features, stored: Features) -> Verdict:
    """Token-weighted sentence coverage both ways; the better side decides."""
    q, s = query.sentences, stored.sentences
    common = q.keys() & s.keys()  # set operations and `map` run in C
    shared_q = sum(map(q.__getitem__, common))
    shared_s = sum(map(s.__getitem__, common))
    if query.headline == stored.headline:
        shared_q += query.headline_weight
        shared_s += stored.headline_weight
    return _verdict(shared_q, query.weight, shared_s, stored.weight, len(common))


def compare_packed(query: bytes, stored: bytes) -> Verdict:
    """`compare` of two packed features (`fingerprint.features`), without decoding them:
    what the C extension does when it is built (`NATIVE`)."""
    if _coverage is None:
        return compare(unpack_features(query), unpack_features(stored))
    return _verdict(*_coverage(query, stored))


def _verdict(shared_q: int, weight_q: int, shared_s: int, weight_s: int, common: int) -> Verdict:
    cq = shared_q / max(1, weight_q)
    cs = shared_s / max(1, weight_s)
    best = max(cq, cs)
    # The other side breaks ties: of two stories that both contain a teaser, the one the
    # teaser is a bigger part of is more likely its own.
    score = best + 0.1 * min(cq, cs)
    return Verdict(best >= MIN_COVERAGE, score, cq, cs, common)
