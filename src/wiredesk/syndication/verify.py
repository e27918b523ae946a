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

from collections.abc import Container
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

# Containment after the lead (`contained`): the share of one side's tokens after its lead
# paragraph, boilerplate left out, that are in sentences the other side has; from how many of
# its paragraphs the shared sentences must come; and how many tokens they must hold. A portal
# that puts its own lead and a stock background over two or three of the wire's paragraphs
# has nearly all of the rest in the wire; a short update that shares one background
# paragraph with another story shares one paragraph. Chosen on the training seeds of both
# labelled sets, checked on held-out seeds (docs/syndication.md, bench/RESULTS.md).
MIN_CONTAINED = 0.80
MIN_CONTAINED_PARAGRAPHS = 2
MIN_CONTAINED_SENTENCES = 2  # shared (boilerplate aside) before a candidate is measured
MIN_CONTAINED_TOKENS = 12


@dataclass(frozen=True, slots=True)
class Verdict:
    same: bool
    score: float
    covered_query: float  # share of the query's tokens found in the candidate
    covered_stored: float  # share of the candidate's tokens found in the query
    shared_sentences: int
    contained: bool = False  # decided by `contained`, not by coverage
    # decided by `teaser_by_key`: "headline" or "quoted headline" (see there)
    teaser_by: str = ""


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


def compare_beyond(query: Features, stored: Features, boilerplate: Container[int]) -> Verdict:
    """`compare` with boilerplate left out of both sides: what coverage says once the
    sentences seen under several stories (a portal's stock lead and background) no longer
    count. Two portal copies of different stories about one place can share a stock lead,
    the portal's background and the agency's: most of a short copy, and none of its news."""
    q = {h: w for h, w in query.sentences.items() if h not in boilerplate}
    s = {h: w for h, w in stored.sentences.items() if h not in boilerplate}
    common = q.keys() & s.keys()
    shared_q = sum(map(q.__getitem__, common))
    shared_s = sum(map(s.__getitem__, common))
    weight_q = query.headline_weight + sum(q.values())
    weight_s = stored.headline_weight + sum(s.values())
    if query.headline == stored.headline:
        shared_q += query.headline_weight
        shared_s += stored.headline_weight
    return _verdict(shared_q, weight_q, shared_s, weight_s, len(common))


def body_paragraphs_shared(x: Features, other: Features, boilerplate: Container[int]) -> int:
    """How many of `x`'s paragraphs after its lead are at least half, by tokens, in sentences
    `other` has, boilerplate aside (a large number when paragraphs are not known: nothing is
    then held against the pair)."""
    bits = x.paragraphs
    if bits is None:
        return 1 << 16
    theirs = other.sentences
    tokens: dict[int, int] = {}
    paragraph = 0
    weights: dict[int, int] = {}
    for i, (h, w) in enumerate(x.sentences.items()):
        paragraph += bits >> i & 1
        if not paragraph or h in boilerplate:
            continue
        weights[paragraph] = weights.get(paragraph, 0) + w
        if h in theirs:
            tokens[paragraph] = tokens.get(paragraph, 0) + w
    return sum(1 for p, t in tokens.items() if 2 * t >= weights[p])


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


def contained(query: Features, stored: Features, boilerplate: Container[int]) -> Verdict:
    """Is one side, after its lead paragraph and without boilerplate, inside the other?

    A portal's copy often opens with a paragraph of its own (or the wire's second one moved
    up), keeps two or three of the wire's paragraphs and adds the background paragraph it puts
    under many stories: its coverage of the wire stays below `MIN_COVERAGE`, yet everything
    after its lead, apart from the stock background, is the wire's. So for each side: the
    share of its tokens after the lead paragraph that are in sentences the other side has
    (`MIN_CONTAINED`), where at least `MIN_CONTAINED_PARAGRAPHS` of its paragraphs, its lead
    included, are at least half in shared sentences, and these hold `MIN_CONTAINED_TOKENS`
    tokens. Half a paragraph, not a count of tokens: a kept wire paragraph is all shared
    however short its sentences (Finnish has few, long words), while a paragraph of a
    different story that happens to share one stock-like sentence with it is not.

    The closing paragraph, when none of its sentences is in the other side, does not count
    against either (`_own_closing`): portals close a copy with their background or a
    newsletter line, which is not yet boilerplate under the first stories they carry it.

    `boilerplate` holds the sentences the index has seen under several different stories
    (their frequency, not a list): they count on neither side, so a portal's stock paragraph
    is neither evidence nor a difference. One paragraph shared is not enough: a short update
    whose only other paragraph is the background it shares with an earlier story is another
    story. A side whose paragraphs are not known (features stored before they were recorded)
    is not measured this way.
    """
    best_share = 0.0
    shares = [0.0, 0.0]
    counted = [0, 0]
    for side, (x, other) in enumerate(((query, stored), (stored, query))):
        bits = x.paragraphs
        if bits is None:
            continue
        theirs = other.sentences
        stock = _stock_paragraphs(x, bits, boilerplate)
        stock |= _own_closing(x, bits, theirs, boilerplate)
        paragraph = total = shared = evidence = n = 0
        sources: dict[int, int] = {}
        weights: dict[int, int] = {}
        for i, (h, w) in enumerate(x.sentences.items()):
            paragraph += bits >> i & 1
            if h in boilerplate or paragraph in stock:
                continue
            weights[paragraph] = weights.get(paragraph, 0) + w
            found = h in theirs
            if found:
                sources[paragraph] = sources.get(paragraph, 0) + w
                evidence += w
                n += 1
            if paragraph:  # the lead never counts against: a portal writes its own
                total += w
                shared += w if found else 0
        share = shared / total if total else 0.0
        shares[side], counted[side] = share, n
        paragraphs = sum(1 for p, tokens in sources.items() if 2 * tokens >= weights[p])
        if paragraphs >= MIN_CONTAINED_PARAGRAPHS and evidence >= MIN_CONTAINED_TOKENS:
            best_share = max(best_share, share)
    return Verdict(
        best_share >= MIN_CONTAINED,
        best_share + 0.1 * min(shares),
        shares[0],
        shares[1],
        max(counted),
        contained=True,
    )


def _own_closing(
    x: Features, bits: int, theirs: Container[int], boilerplate: Container[int]
) -> set[int]:
    """The last paragraph, when it is not the lead and none of its sentences (boilerplate
    aside) is in the other side: a portal's own closing paragraph. Only the last: letting
    any one unshared paragraph go merged hard negatives of the agency set (a league-results
    day, a shared-background pair) on the training seeds."""
    last = bits.bit_length() - 1 if bits else 0
    if last <= 0:
        return set()
    tail = list(x.sentences)[last:]
    if any(h in theirs for h in tail if h not in boilerplate):
        return set()
    paragraph = bin(bits).count("1")
    return {paragraph}


def teaser(query: Features, stored: Features, boilerplate: Container[int] = ()) -> Verdict:
    """Is one side a teaser of the other: a body of one paragraph whose every sentence
    (boilerplate aside) is in the other side's lead paragraph?

    A teaser is the headline and the lead. With its headline rewritten, the lead is its only
    text the story has, and coverage (headline included) falls just short of `MIN_COVERAGE`
    (0.62-0.69 on the agency set). Its lead being the other side's lead, in the same place,
    is what makes it a teaser and not a recap: a story that recaps another's lead further
    down is not matched this way. The shared sentences must hold `MIN_CONTAINED_TOKENS`.
    """
    for x, other in ((query, stored), (stored, query)):
        if x.paragraphs != 0 or not other.paragraphs:
            continue  # not one paragraph, or the other side's paragraphs are unknown or one
        lead = _lead_sentences(other, other.paragraphs)
        tokens = 0
        for h, w in x.sentences.items():
            if h in boilerplate:
                continue
            if h not in lead:
                break
            tokens += w
        else:
            if tokens >= MIN_CONTAINED_TOKENS:
                cx, co = tokens / max(1, x.weight), tokens / max(1, other.weight)
                cq, cs = (cx, co) if x is query else (co, cx)
                return Verdict(True, cx + 0.1 * co, cq, cs, len(x.sentences), contained=True)
    return Verdict(False, 0.0, 0.0, 0.0, 0, contained=True)


# A headline shorter than this ("Weather update", "Sensex ends higher", "आज का राशिफल") names a
# kind of story, not one story; a teaser is joined by its headline alone only when the
# headline, its desk labels left out, has at least this many tokens. Five, not six: a wire's
# headline that opens with a phrase and a colon loses the phrase as a label ("The craft mela:
# Niloabad revives forgotten folk forms" keeps five), and a headline that says who did what
# where is rarely shorter.
MIN_HEADLINE_TOKENS = 5


TEASER_KEYS = ("headline", "quoted headline")


def teaser_by_key(query: Features, stored: Features, by: str) -> Verdict:
    """Is one side a teaser of the other by a key they share (`fingerprint.lead_keys`), with
    no sentence in common: one side a body of one paragraph, the other of several, and

    - `headline`: the same headline (after folding and a desk's label), at least
      `MIN_HEADLINE_TOKENS` long: the teaser's paragraph was rewritten or cut inside its
      sentence;
    - `quoted headline`: the teaser's one sentence ends with the story's headline (a
      portal's own lead, "In a major development, <headline>."), its own headline rewritten.

    A teaser of that kind shares no sentence with its story, so coverage, containment and
    `teaser` cannot see it. The key is enough only when it names one story, which the index
    decides (no other story in the window carries it, the teaser is not dated before the
    story: `SyndicationIndex._teaser_keys`); this function only says the shapes fit.
    """
    for x, other in ((query, stored), (stored, query)):
        if x.paragraphs != 0 or not other.paragraphs:
            continue  # not a teaser and a story, or paragraphs unknown
        if by == "headline":
            ok = x.headline == other.headline and x.headline_weight >= MIN_HEADLINE_TOKENS
        elif by == "quoted headline":
            ok = len(x.sentences) == 1
        else:
            raise ValueError(f"teaser key {by!r}: expected one of {', '.join(TEASER_KEYS)}")
        if ok:
            cx, co = x.headline_weight / max(1, x.weight), 0.0
            cq, cs = (cx, co) if x is query else (co, cx)
            return Verdict(True, 0.5 * cx, cq, cs, 0, contained=True, teaser_by=by)
    return Verdict(False, 0.0, 0.0, 0.0, 0, contained=True, teaser_by=by)


def copy_under_headline(x: Features, other: Features, boilerplate: Container[int]) -> Verdict:
    """Is `x`, under `other`'s very headline, nothing but `other`'s sentences after its lead
    (boilerplate aside), with at least one of them shared?

    A portal's copy of a daily report (a market close) keeps one of the day's figure
    sentences and the report's fixed sentences under its own lead and background: the fixed
    sentences are rightly boilerplate, so one sentence is all its evidence, which
    containment does not take (a short update that shares one paragraph with another story
    has as much). What the update has and the copy lacks is text of its own after the lead,
    and a headline of its own. So the copy is the story when it carries the story's
    headline (after folding and a desk's label, at least `MIN_HEADLINE_TOKENS` tokens), its
    every sentence after its lead is the other side's or boilerplate, and one sentence at
    least (its lead's included) is shared. Both sides have several paragraphs (a teaser has
    `teaser` and `teaser_by_key`). That the headline names one story, and the copy is not
    dated before it, the index decides (`SyndicationIndex._copies_by_headline`).
    """
    bits = x.paragraphs
    if (
        not bits
        or not other.paragraphs
        or x.headline != other.headline
        or x.headline_weight < MIN_HEADLINE_TOKENS
    ):
        return Verdict(False, 0.0, 0.0, 0.0, 0, contained=True, teaser_by="headline copy")
    theirs = other.sentences
    stock = _stock_paragraphs(x, bits, boilerplate)
    paragraph = evidence = shared = 0
    for i, (h, w) in enumerate(x.sentences.items()):
        paragraph += bits >> i & 1
        if h in boilerplate or paragraph in stock:
            continue
        if h in theirs:
            evidence += w
            shared += 1
        elif paragraph:  # text of its own after the lead: another story, or more than a copy
            return Verdict(False, 0.0, 0.0, 0.0, 0, contained=True, teaser_by="headline copy")
    covered = (evidence + x.headline_weight) / max(1, x.weight)
    return Verdict(
        shared > 0, 0.5 * covered, covered, 0.0, shared, contained=True, teaser_by="headline copy"
    )


def _lead_sentences(x: Features, bits: int) -> set[int]:
    """The sentences of the first paragraph (those before the first paragraph start)."""
    first = (bits & -bits).bit_length() - 1
    return set(list(x.sentences)[:first])


def _stock_paragraphs(x: Features, bits: int, boilerplate: Container[int]) -> set[int]:
    """The paragraphs at least half of whose sentences are boilerplate: all of them is.

    A portal's stock paragraph often names the portal in one sentence and says what every
    portal says in the next ("Sign up for our newsletter"); the second is soon seen under
    many stories, the first only under this portal's.
    """
    tally: dict[int, list[int]] = {}
    paragraph = 0
    for i, h in enumerate(x.sentences):
        paragraph += bits >> i & 1
        counts = tally.setdefault(paragraph, [0, 0])
        counts[0] += h in boilerplate
        counts[1] += 1
    return {p for p, (boiler, sentences) in tally.items() if boiler and 2 * boiler >= sentences}
