"""The near-duplicate engine wiredesk runs: fingerprint an item, look it up, remember it.

    fp = fingerprint(item.headline, item.body_text, item.language)
    match = index.match(fp, item.published_at)     # best verified match in the window, or None
    index.add(item_key, fp, item.published_at)

Pure: no database, no I/O. The store persists `Fingerprint.to_row()` and rebuilds the index
from `Fingerprint.from_row()` at start. How it works and why each parameter has its value:
docs/syndication.md.
"""

from __future__ import annotations

import hashlib
import heapq
from array import array
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from wiredesk.syndication import fingerprint as fpmod
from wiredesk.syndication.index import (
    BOILERPLATE_STORIES,
    MAX_HOLDERS,
    Buckets,
    Sentences,
    band_keys,
    band_spans,
    holders,
)
from wiredesk.syndication.token_ids import match_ids
from wiredesk.syndication.verify import (
    MIN_CONTAINED_PARAGRAPHS,
    MIN_CONTAINED_SENTENCES,
    MIN_HEADLINE_TOKENS,
    NATIVE,
    Verdict,
    body_paragraphs_shared,
    compare,
    compare_beyond,
    compare_packed,
    contained,
    copy_under_headline,
    teaser,
    teaser_by_key,
)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    exact: str  # hash of the normalized text: equal -> exact duplicate
    signature: bytes  # MinHash signature, packed (store it as a blob)
    features: bytes  # sentence hashes and token counts for verification, packed
    language: str | None

    def to_row(self) -> dict[str, object]:
        """Columns to persist: exact (text), signature and features (blobs), language."""
        return {
            "exact": self.exact,
            "signature": self.signature,
            "features": self.features,
            "language": self.language,
        }

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> Fingerprint:
        """From the persisted columns (blobs may come back as memoryview or bytearray)."""
        try:
            exact, sig, feats = row["exact"], row["signature"], row["features"]
        except KeyError as exc:
            raise ValueError(
                f"syndication fingerprint row lacks column {exc.args[0]!r}; expected the "
                "columns of Fingerprint.to_row(): exact, signature, features, language"
            ) from None
        if not isinstance(exact, str) or not isinstance(sig, bytes | bytearray | memoryview):
            raise ValueError(
                "syndication fingerprint row: exact must be text and signature a blob; "
                f"got {type(exact).__name__} and {type(sig).__name__}"
            )
        if not isinstance(feats, bytes | bytearray | memoryview):
            raise ValueError(f"syndication fingerprint row: features must be a blob, not {feats!r}")
        language = row.get("language")
        fp = cls(exact, bytes(sig), bytes(feats), str(language) if language else None)
        # fail with what to do if the scheme changed; checked, not decoded (a tenth of the
        # cost of loading an index was decoding them here only to throw the result away)
        _check_signature(fp.signature)
        fpmod.check_features(fp.features)
        return fp


def fingerprint(headline: str, body_text: str, language: str | None) -> Fingerprint:
    """The fingerprint of one story (headline and plain-text body, paragraphs on lines)."""
    key = match_ids(headline, body_text)
    features = fpmod.features(key)
    # The features hold the headline's and each sentence's hash in order, so hashing them is
    # hashing the normalized text, at a tenth of the cost of joining and hashing the text.
    exact = hashlib.blake2b(features, digest_size=16).hexdigest()
    paragraphs = fpmod.paragraph_starts(key.tokens)
    leads = fpmod.lead_keys(key.tokens, not any(paragraphs))
    return Fingerprint(exact, fpmod.signature(key), features + paragraphs + leads, language)


@dataclass(frozen=True, slots=True)
class Match:
    key: str  # the matched stored item's key
    score: float
    reason: str  # one line: why these are the same story (for logs and editors)
    group: int | None = None  # the matched item's group, as `matches()` gives it


class SyndicationIndex:
    """In-memory LSH index over stored items; rebuilt from persisted fingerprints at start."""

    def __init__(self, *, window: timedelta = timedelta(hours=72)) -> None:
        if window <= timedelta(0):
            raise ValueError(f"syndication window must be positive, got {window}")
        self.window = window
        self._window_s = window.total_seconds()
        self._buckets = Buckets(self._window_s)
        self._ids: dict[str, int] = {}
        self._keys: list[str | None] = []  # id -> key; None once removed
        self._times = array("d")
        self._exact = array("q")  # first 8 bytes of the exact hash
        self._languages: list[str | None] = []
        self._features: list[bytes] = []
        # Which story each item is in, as far as this index knows: the first item of it. A
        # sentence's frequency is counted in stories, so a story's own copies never make its
        # sentences boilerplate.
        self._story_of = array("q")
        self._first_of_group: dict[int, int] = {}  # a caller's group label -> its first item
        self._sentences = Sentences(self._window_s)
        # Lead keys -> items, per time slot (`_teaser_keys`): of items with a body of several
        # paragraphs (stories: their headline) and of one paragraph (teasers: their
        # headline and the runs that end their sentence), for a teaser that shares no
        # sentence with its story.
        self._story_keys = Sentences(self._window_s)
        self._teaser_keys_table = Sentences(self._window_s)
        # What the last match() found, for the add() of the same fingerprint that follows it.
        self._matched: tuple[bytes, int] = (b"", -1)
        # Without the C extension: decoded features of recently verified items (a story's
        # copies arrive together, so the same few stored items are verified again and again).
        self._decoded: dict[int, fpmod.Features] = {}
        # The band keys of the last signature seen: match() then add() of one item (the usual
        # sequence) hash the bands once.
        self._last: tuple[bytes, list[int]] = (b"", [])
        # Groups (a caller's story ids): each item's label, and labels merged into another
        # (a union-find, the smaller label the root), so `matches()` reports one item per group.
        self._groups: list[int] = []
        self._merged: dict[int, int] = {}
        # Arrival: (arrived, id) of items given one, oldest first, and the horizon before which
        # items are forgotten (`forget_arrived_before`).
        self._arrivals: list[tuple[float, int]] = []
        self._horizon = float("-inf")

    def __len__(self) -> int:
        return len(self._ids)

    def add(
        self,
        key: str,
        fp: Fingerprint,
        published_at: datetime,
        *,
        arrived_at: datetime | None = None,
        group: int | None = None,
        same_story_as: str | None = None,
    ) -> None:
        """Remember an item; adding a key again replaces its fingerprint and time.

        `arrived_at`: when the item arrived, if it is to be forgotten by arrival; one that
        arrived before the horizon is not remembered at all, as an index rebuilt from a store
        would not load it. `group`: the item's group (default: a group of its own).

        `same_story_as` names an item already added that is in the same story; without it,
        the story is that of the first item added with the same `group`, else the one the last
        `match()` of this very fingerprint found, else a new one. It only counts sentences in
        stories, not in items, when telling boilerplate (see `Sentences`).
        """
        if key in self._ids:
            self.remove(key)
        arrived = arrived_at.timestamp() if arrived_at is not None else None
        if arrived is not None and arrived < self._horizon:
            return
        keys = self._band_keys(fp.signature)
        item = len(self._keys)
        ts = published_at.timestamp()
        self._groups.append(~item if group is None else group)
        if arrived is not None:
            heapq.heappush(self._arrivals, (arrived, item))
        other = self._ids.get(same_story_as) if same_story_as is not None else None
        if other is None and group is not None:
            other = self._first_of_group.setdefault(group, item)
            other = None if other == item else other
        if other is None and self._matched[0] is fp.features and self._matched[1] >= 0:
            other = self._matched[1]
        self._story_of.append(self._story_of[other] if other is not None else item)
        self._sentences.add(item, fpmod.sentence_hashes(fp.features), ts)
        bits = fpmod.paragraph_bits(fp.features)
        if bits is not None:
            head, ends = _lead_keys(fp.features, bits)
            if bits:
                if head:
                    self._story_keys.add(item, (head,), ts)
            else:
                self._teaser_keys_table.add(item, [k for k in (head, *ends) if k], ts)
        self._ids[key] = item
        self._keys.append(key)
        self._times.append(ts)
        self._exact.append(_exact_prefix(fp.exact))
        self._languages.append(fp.language)
        self._features.append(fp.features)
        self._buckets.add(item, keys, ts)

    def _band_keys(self, signature: bytes) -> list[int]:
        if self._last[0] is signature or self._last[0] == signature:
            return self._last[1]
        _check_signature(signature)
        keys = band_keys(signature, _SPANS)
        self._last = (signature, keys)
        return keys

    def remove(self, key: str) -> None:
        """Forget an item (a killed story); unknown keys are ignored."""
        item = self._ids.pop(key, None)
        if item is not None:
            self._keys[item] = None
            self._features[item] = b""
            self._decoded.pop(item, None)

    def match(self, fp: Fingerprint, published_at: datetime) -> Match | None:
        """The best verified match within the time window, or None."""
        found = self._match(fp, published_at)
        self._matched = (fp.features, self._ids[found.key] if found else -1)
        return found

    def _match(self, fp: Fingerprint, published_at: datetime) -> Match | None:
        ts = published_at.timestamp()
        keys = self._band_keys(fp.signature)
        exact = _exact_prefix(fp.exact)
        query = None
        best = None
        best_score = -1.0
        found = self._buckets.candidates(keys, ts)
        # Look-alike text (a day's template reports, a wire's boilerplate) can put hundreds of
        # items in the query's buckets; the copies of the same story share the most bands,
        # so only the best-placed few are verified, which bounds a lookup's cost. An exact
        # duplicate has the query's very signature, shares every band, and so comes first.
        eligible: list[int] = []
        for item, _ in found:
            if not self._comparable(item, ts, fp.language):
                continue
            if self._exact[item] == exact:
                key = self._keys[item]
                assert key is not None
                hours = abs(self._times[item] - ts) / 3600
                return Match(
                    key, 2.0, f"exact duplicate of {key} after normalization, {hours:.1f} h apart"
                )
            eligible.append(item)
            if len(eligible) == MAX_VERIFIED:
                break
        failed: list[int] = []
        for item in eligible:
            if NATIVE:  # the C extension compares the packed forms as they are
                verdict = compare_packed(fp.features, self._features[item])
            else:
                if query is None:
                    query = fpmod.unpack_features(fp.features)
                verdict = compare(query, self._decode(item))
            if not verdict.same:
                failed.append(item)
            elif verdict.score > best_score:
                best, best_score = (item, verdict), verdict.score
        if best is not None:
            if query is None:
                query = fpmod.unpack_features(fp.features)
            if self._rests_on_boilerplate(query, best[0], ts):
                best, best_score = None, -1.0
        if best is None:
            # Copies that share whole sentences but too few shingles for LSH to offer them or
            # coverage to accept them (a portal's own lead and background over the wire's
            # paragraphs): the items sharing the most sentences, boilerplate aside.
            if query is None:
                query = fpmod.unpack_features(fp.features)
            for item, verdict in self._contained(fp, query, ts, failed, set(eligible)):
                if verdict.score > best_score:
                    best, best_score = (item, verdict), verdict.score
        if best is None:
            assert query is not None
            for item, verdict in self._teaser_keys(fp, query, ts, ()):
                if verdict.score > best_score:
                    best, best_score = (item, verdict), verdict.score
        if best is None:
            assert query is not None
            for item, verdict in self._copies_by_headline(fp, query, ts):
                best = (item, verdict)
        if best is None:
            return None
        item, v = best
        key = self._keys[item]
        assert key is not None
        hours = abs(self._times[item] - ts) / 3600
        return Match(key, round(v.score, 4), _reason(key, v, hours))

    def _contained(
        self,
        fp: Fingerprint,
        query: fpmod.Features,
        ts: float,
        failed: list[int],
        tried: set[int],
        skip_groups: Container[int] = (),
        budget: int | None = None,
    ) -> list[tuple[int, Verdict]]:
        """The items that share whole sentences with the query and hold it, or are held by
        it, after the lead and boilerplate aside (`verify.contained`), those sharing the most
        sentences first: `failed` (coverage found them too different) and items the sentence
        table offers that were not `tried`. Items of `skip_groups` are not measured (a group
        already matched), and the search stops after `MAX_VERIFIED` fail, which bounds a
        lookup's cost."""
        shared, boilerplate = self._shared_sentences(fp.features, ts)
        # A one-paragraph query may be a teaser: one shared sentence (its lead) is enough to
        # measure it; LSH's candidates (`failed`) are measured on one too (their teaser may
        # be stored).
        least = 1 if query.paragraphs == 0 else MIN_CONTAINED_SENTENCES
        candidates = [i for i in failed if shared.get(i, 0) >= MIN_CONTAINED_SENTENCES]
        offered = set(candidates)
        last = [i for i in failed if shared.get(i, 0) == 1]  # a teaser at most: measured last
        for item, count in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])):
            if count < least:
                break
            if (
                item not in tried
                and item not in offered
                and self._comparable(item, ts, fp.language)
            ):
                candidates.append(item)
                offered.add(item)
        candidates += [i for i in last if i not in offered]
        found: list[tuple[int, Verdict]] = []
        if not candidates:
            return found
        tables = self._sentences.tables(ts)
        clean: set[int] = set()  # stored sentences found not to be boilerplate
        misses = 0
        for item in candidates:
            if self._find(self._groups[item]) in skip_groups:
                continue
            stored = self._decode(item)
            for h in stored.sentences.keys() - query.sentences.keys():
                if h in boilerplate or h in clean:
                    continue
                if self._is_boilerplate(tables, h):
                    boilerplate.add(h)
                else:
                    clean.add(h)
            # A sentence both sides carry is the evidence under test: the candidate's own
            # story holding it says nothing about whether it is boilerplate, so it must be
            # found under `BOILERPLATE_STORIES` other stories.
            story = self._story(item)
            both = [h for h in stored.sentences if h in boilerplate and h in query.sentences]
            judged = (
                boilerplate - {h for h in both if not self._is_boilerplate(tables, h, story)}
                if both
                else boilerplate
            )
            verdict = contained(query, stored, judged)
            if not verdict.same:
                verdict = teaser(query, stored, judged)
            if verdict.same:
                found.append((item, verdict))
            else:
                misses += 1
                if misses >= (MAX_VERIFIED if budget is None else budget):
                    break
        return found

    def _teaser_keys(
        self, fp: Fingerprint, query: fpmod.Features, ts: float, found: Container[int]
    ) -> list[tuple[int, Verdict]]:
        """The items the query is joined to as teaser and story by a key alone
        (`verify.teaser_by_key`): a teaser (a body of one paragraph) whose paragraph a portal
        rewrote or cut inside its one sentence shares no sentence with its story, only its
        headline, or the story's headline quoted at the end of its own lead.

        A headline names one story only while one story carries it: day two of an event, a
        second agency's account of it, or the same daily report may reuse it. So a teaser
        query is joined to the one story in the window (a body of several paragraphs) that
        carries its headline or the headline its sentence ends with, if these name exactly
        one story and nothing else matched the teaser; a story query is joined to the
        teasers carrying its headline (theirs, or quoted) when no story besides those it
        already matched (`found`) carries it, which is how a teaser that came before its
        story is joined. A teaser dated more than `TEASER_BEFORE_STORY_S` before the story
        is not its teaser. Cost: a dict lookup per key and slot read (one key for a story, up
        to 28 for a teaser); when a key is held, one look at each holder (at most
        `MAX_HOLDERS` a key, else the key is passed over).
        """
        bits = query.paragraphs
        if bits is None or (bits == 0 and found):
            return []
        head, ends = _lead_keys(fp.features, bits)
        if not head and not ends:
            return []
        stories_table = self._story_keys.tables(ts)
        pairs: list[tuple[int, str]] = []  # (candidate, key kind)
        if bits == 0:  # a teaser: the one story its keys name
            named: dict[int, tuple[int, str]] = {}
            if head:
                one = self._one_story(stories_table, head, ts, fp.language)
                if one is not None:
                    named[one[0]] = (one[1], "headline")
            for key in ends:
                if key != head:
                    one = self._one_story(stories_table, key, ts, fp.language)
                    if one is not None:
                        named.setdefault(one[0], (one[1], "quoted headline"))
            if len(named) != 1:
                return []  # no story, or keys naming different stories
            pairs = list(named.values())
        else:  # a story: the teasers carrying its keys, if no other story carries them
            teasers_table = self._teaser_keys_table.tables(ts)
            teasers = holders(teasers_table, head)
            if not teasers or len(teasers) > MAX_HOLDERS:
                return []  # the usual case: no teaser carries its headline
            held = holders(stories_table, head)
            if len(held) > MAX_HOLDERS or any(
                self._story(i) not in found for i in held if self._comparable(i, ts, fp.language)
            ):
                return []  # another story carries this headline
            seen: set[int] = set()
            for item in teasers:
                story = self._story(item)
                if story in seen or story in found or not self._comparable(item, ts, fp.language):
                    continue
                seen.add(story)
                quoted = self._features[item][1:6] != fp.features[1:6]
                pairs.append((item, "quoted headline" if quoted else "headline"))
        result = []
        for item, by in pairs:
            # A teaser copies its story: one dated before the story it would be joined to is
            # of an earlier story that carried the key (day one of an event, before day two
            # reused its headline), not this one's.
            story_ts, teaser_ts = (ts, self._times[item]) if bits else (self._times[item], ts)
            if teaser_ts < story_ts - TEASER_BEFORE_STORY_S:
                continue
            verdict = teaser_by_key(query, self._decode(item), by)
            if verdict.same:
                result.append((item, verdict))
        return result

    def _copies_by_headline(
        self, fp: Fingerprint, query: fpmod.Features, ts: float
    ) -> list[tuple[int, Verdict]]:
        """The one story in the window under the query's very headline, when one side is a
        copy of the other under it (`verify.copy_under_headline`): called when nothing else
        matched a query of several paragraphs. The headline names one story only while one
        story carries it (`_teaser_keys` says why), and a copy is not dated more than
        `TEASER_BEFORE_STORY_S` before what it copies. Cost: one key looked up in the three
        slots' story tables, almost always held by no story; when one holds it, that item's
        sentences are looked up once each to tell boilerplate.
        """
        bits = query.paragraphs
        if not bits:
            return []
        head, _ = _lead_keys(fp.features, bits)
        if not head:
            return []
        one = self._one_story(self._story_keys.tables(ts), head, ts, fp.language)
        if one is None:
            return []
        story, item = one
        stored = self._decode(item)
        tables = self._sentences.tables(ts)
        # A sentence both sides carry is boilerplate only under three stories besides the
        # candidate's (as in `_contained`): whether it is that story's is the question.
        boilerplate = {
            h
            for h in query.sentences.keys() | stored.sentences.keys()
            if self._is_boilerplate(
                tables, h, story if h in query.sentences and h in stored.sentences else None
            )
        }
        other_ts = self._times[item]
        for x, y, x_ts, y_ts in ((query, stored, ts, other_ts), (stored, query, other_ts, ts)):
            if x_ts < y_ts - TEASER_BEFORE_STORY_S:
                continue  # a copy copies its story: one dated before it is another's
            verdict = copy_under_headline(x, y, boilerplate)
            if verdict.same:
                return [(item, verdict)]
        return []

    def _one_story(
        self,
        tables: tuple[dict[int, int | tuple[int, ...]], ...],
        key: int,
        ts: float,
        language: str | None,
    ) -> tuple[int, int] | None:
        """The one story (and an item of it) in the window that carries `key`, or None when
        none or several do (or more than `MAX_HOLDERS` items)."""
        held = holders(tables, key)
        if not held or len(held) > MAX_HOLDERS:
            return None
        found: tuple[int, int] | None = None
        for item in held:
            if self._comparable(item, ts, language):
                story = self._story(item)
                if found is not None and found[0] != story:
                    return None
                found = found or (story, item)
        return found

    def _rests_on_boilerplate(self, query: fpmod.Features, item: int, ts: float) -> bool:
        """Whether the coverage between the query and `item` rests on boilerplate, which is no
        match: two copies of different stories from one portal share its stock lead and
        background."""
        stored = self._decode(item)
        tables = self._sentences.tables(ts)
        boilerplate = {
            h
            for h in query.sentences.keys() | stored.sentences.keys()
            if self._is_boilerplate(tables, h)
        }
        return (
            bool(boilerplate)
            and not compare_beyond(query, stored, boilerplate).same
            and body_paragraphs_shared(query, stored, boilerplate) < MIN_CONTAINED_PARAGRAPHS
            and body_paragraphs_shared(stored, query, boilerplate) < MIN_CONTAINED_PARAGRAPHS
        )

    def _comparable(self, item: int, ts: float, language: str | None) -> bool:
        if self._keys[item] is None or abs(self._times[item] - ts) > self._window_s:
            return False
        lang = self._languages[item]
        return not (lang and language and lang != language)

    def _decode(self, item: int) -> fpmod.Features:
        stored = self._decoded.get(item)
        if stored is None:
            if len(self._decoded) >= _DECODED_LIMIT:
                self._decoded.clear()
            stored = self._decoded[item] = fpmod.unpack_features(self._features[item])
        return stored

    def _is_boilerplate(
        self,
        tables: tuple[dict[int, int | tuple[int, ...]], ...],
        h: int,
        besides: int | None = None,
    ) -> bool:
        """Whether sentence `h` is found under `BOILERPLATE_STORIES` stories or more (the
        story `besides` not counted), or in more than `MAX_HOLDERS` items."""
        held = holders(tables, h)
        if len(held) > MAX_HOLDERS:
            return True
        if len(held) < BOILERPLATE_STORIES:
            return False
        stories = self._stories(held)
        if besides is not None:
            stories.discard(besides)
        return len(stories) >= BOILERPLATE_STORIES

    def _story(self, item: int) -> int:
        """The story of an item as this index knows it now (merges followed)."""
        return self._find(self._groups[self._story_of[item]])

    def _stories(self, held: list[int]) -> set[int]:
        """The stories `held` items are in, as far as this index knows now: merges followed,
        so copies of one story matched apart and made one later (by a copy that held both)
        count once, and their sentences do not turn into boilerplate."""
        story_of, groups, merged = self._story_of, self._groups, self._merged
        found = set()
        for i in held:
            story = groups[story_of[i]]
            while story in merged:  # `_find` without its call: this runs for every holder
                story = merged[story]
            found.add(story)
        return found

    def _shared_sentences(self, features: bytes, ts: float) -> tuple[dict[int, int], set[int]]:
        """Items sharing sentences with the query, with how many (boilerplate aside), and the
        query's sentences that are boilerplate: found under `BOILERPLATE_STORIES` stories."""
        tables = self._sentences.tables(ts)
        counts: dict[int, int] = {}
        boilerplate: set[int] = set()
        if not tables:
            return counts, boilerplate
        known: dict[tuple[int, ...], bool] = {}  # a story's sentences share their holders
        for h in fpmod.sentence_hashes(features):
            held = holders(tables, h)
            if not held:
                continue
            many = len(held) > MAX_HOLDERS
            if not many and len(held) >= BOILERPLATE_STORIES:
                key = tuple(held)
                many = known.get(key)  # type: ignore[assignment]
                if many is None:
                    many = known[key] = len(self._stories(held)) >= BOILERPLATE_STORIES
            if many:
                boilerplate.add(h)
                continue
            for i in held:
                counts[i] = counts.get(i, 0) + 1
        return counts, boilerplate

    def matches(self, fp: Fingerprint, published_at: datetime) -> list[Match]:
        """Every group this item matches within the window: one verified item per group,
        most shared bands first, each with the group's label (`add(group=...)`, merges
        followed).

        Grouping by single best match lets arrival order decide: a copy that matches two
        stories joins whichever `match()` ranks first, and which stories exist when it
        arrives depends on what came before. Reporting every matched group lets the caller
        join them all, so that the stories are the connected parts of the "same story"
        relation whatever the order. Once a group is matched its other items are skipped
        unverified; the search stops after `MAX_VERIFIED` candidates fail verification, which
        bounds a lookup's cost as `match()` does.
        """
        ts = published_at.timestamp()
        keys = self._band_keys(fp.signature)
        exact = _exact_prefix(fp.exact)
        found: dict[int, Match] = {}
        query: fpmod.Features | None = None
        failed = 0
        missed: list[int] = []  # candidates coverage did not accept
        times, languages, exacts, window = self._times, self._languages, self._exact, self._window_s
        for item, _ in self._buckets.candidates(keys, ts):
            key = self._keys[item]
            if key is None or abs(times[item] - ts) > window:
                continue
            lang = languages[item]
            if lang and fp.language and lang != fp.language:
                continue
            group = self._find(self._groups[item])
            if group in found:
                continue
            hours = abs(times[item] - ts) / 3600
            if exacts[item] == exact:
                reason = f"exact duplicate of {key} after normalization, {hours:.1f} h apart"
                found[group] = Match(key, 2.0, reason, group)
                continue
            if NATIVE:
                v = compare_packed(fp.features, self._features[item])
            else:
                if query is None:
                    query = fpmod.unpack_features(fp.features)
                v = compare(query, self._decoded_features(item))
            if not v.same or self._rests_on_boilerplate(
                query or (query := fpmod.unpack_features(fp.features)), item, ts
            ):
                failed += 1
                missed.append(item)
                if failed == MAX_VERIFIED:
                    break
                continue
            found[group] = Match(
                key,
                round(v.score, 4),
                f"{v.shared_sentences} sentences shared with {key}: {v.covered_query:.0%} of "
                f"this story is in it, {v.covered_stored:.0%} of it is in this story, "
                f"{hours:.1f} h apart",
                group,
            )
        # A portal's copy over the wire's paragraphs: shared whole sentences, too few
        # shingles for the buckets or for coverage. Every group so verified is reported, not
        # only the best: a copy that holds the wire and another portal's copy of it (missed
        # before, a story of its own) makes the two one.
        if query is None:
            query = fpmod.unpack_features(fp.features)
        budget = MAX_VERIFIED_AFTER_MATCH if found else MAX_VERIFIED
        for item, v in self._contained(fp, query, ts, missed, set(missed), found, budget):
            self._note_match(found, item, v, abs(times[item] - ts) / 3600)
        # A teaser that shares no sentence with its story, only its headline or its headline
        # quoted (or a story whose such teaser came first): joined when no other story
        # carries that headline.
        for item, v in self._teaser_keys(fp, query, ts, found):
            self._note_match(found, item, v, abs(times[item] - ts) / 3600)
        # A copy of a daily report under the wire's headline: one figure sentence of its own
        # is all it shares, and nothing after its lead is not the wire's.
        if not found:
            for item, v in self._copies_by_headline(fp, query, ts):
                self._note_match(found, item, v, abs(times[item] - ts) / 3600)
        return list(found.values())

    def _note_match(self, found: dict[int, Match], item: int, v: Verdict, hours: float) -> None:
        """`item`'s story among those found, unless one of its copies was found already."""
        group = self._find(self._groups[item])
        if group in found:
            return
        key = self._keys[item]
        assert key is not None
        found[group] = Match(key, round(v.score, 4), _reason(key, v, hours), group)

    def _decoded_features(self, item: int) -> fpmod.Features:
        """An item's features decoded (without the C extension), from a bounded cache."""
        stored = self._decoded.get(item)
        if stored is None:
            if len(self._decoded) >= _DECODED_LIMIT:
                self._decoded.clear()
            stored = self._decoded[item] = fpmod.unpack_features(self._features[item])
        return stored

    def group_of(self, key: str) -> int | None:
        """The group of a remembered item (merges followed), or None."""
        item = self._ids.get(key)
        return None if item is None else self._find(self._groups[item])

    def merge_groups(self, a: int, b: int) -> int:
        """Make two groups one; returns its label, the smaller of the two (a caller that
        keeps the older of two stories, by id, keeps the same one)."""
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._merged[max(ra, rb)] = min(ra, rb)
        return min(ra, rb)

    def _find(self, group: int) -> int:
        merged = self._merged
        root = group
        while root in merged:
            root = merged[root]
        while group != root:  # shorten the path for the next lookup
            merged[group], group = root, merged[group]
        return root

    def forget_arrived_before(self, horizon: datetime) -> int:
        """Forget the items that arrived before `horizon` (those added with `arrived_at`),
        and from then on ignore any added with an earlier arrival. The horizon only moves
        forward. Returns how many were forgotten.

        Why: which stored items a new one is compared with must follow from what is stored,
        so that an index rebuilt after a restart (from the items that arrived since the
        horizon) holds what the running one holds; the items' own dates cannot say it, since
        an agency may send today a copy dated years ago.
        """
        cutoff = horizon.timestamp()
        if cutoff <= self._horizon:
            return 0
        self._horizon = cutoff
        arrivals, keys, ids = self._arrivals, self._keys, self._ids
        gone = 0
        while arrivals and arrivals[0][0] < cutoff:
            _, item = heapq.heappop(arrivals)
            key = keys[item]
            if key is not None and ids.get(key) == item:
                self.remove(key)
                gone += 1
        return gone


def _reason(key: str, v: Verdict, hours: float) -> str:
    if v.teaser_by == "headline copy":
        return (
            f"the same headline as {key}, which no other story in the window carries, and "
            f"one of the two has nothing after its lead but the other's sentences "
            f"({v.shared_sentences} shared) and boilerplate, {hours:.1f} h apart"
        )
    if v.teaser_by:
        what = {
            "headline": "the same headline as",
            "quoted headline": "its only sentence ending in the headline of",
        }[v.teaser_by]
        return (
            f"a teaser of one paragraph, {what} {key} (the other side), and no other story "
            f"in the window carries that, {hours:.1f} h apart"
        )
    if v.contained:
        return (
            f"{v.shared_sentences} sentences after the lead shared with {key}, boilerplate "
            f"aside: {v.covered_query:.0%} of this story's are in it, {v.covered_stored:.0%} of "
            f"its are in this story, {hours:.1f} h apart"
        )
    return (
        f"{v.shared_sentences} sentences shared with {key}: {v.covered_query:.0%} of this "
        f"story is in it, {v.covered_stored:.0%} of it is in this story, {hours:.1f} h apart"
    )


_SPANS = band_spans(fpmod.DOC_PERM)
# Candidates verified per lookup, those sharing the most LSH bands with the query first.
MAX_VERIFIED = 4
# Once coverage has matched a group, the search by shared sentences for more groups stops at
# its first failed candidate: it is there to join a copy left apart (rare), and every ingested
# copy pays for it. Four (`MAX_VERIFIED`) found nothing more than one on the training seeds.
MAX_VERIFIED_AFTER_MATCH = 1
# How much earlier than its story a teaser joined by its headline alone may be dated: clocks
# and CMS times differ a little, never by much more than this.
TEASER_BEFORE_STORY_S = 3600.0
_DECODED_LIMIT = 20_000  # decoded features kept (~1 KB each)


def _lead_keys(features: bytes, bits: int) -> tuple[int, list[int]]:
    """An item's keys for `_teaser_keys`: its headline's hash and token count as one int (0
    for a headline under `MIN_HEADLINE_TOKENS` tokens, which names no one story) and, for a
    body of one paragraph (`bits` 0), the runs that end its sentence
    (`fingerprint.lead_keys`)."""
    head = 0
    if len(features) >= 6 and features[5] >= MIN_HEADLINE_TOKENS:
        head = int.from_bytes(features[1:6], "little")
    return head, fpmod.lead_keys_of(features) if bits == 0 else []


def _check_signature(blob: bytes) -> None:
    if len(blob) != fpmod.SIGNATURE_BYTES or blob[0] != fpmod.SCHEME:
        fpmod.unpack_signature(blob)  # raises with what to do


def _exact_prefix(exact: str) -> int:
    return int.from_bytes(bytes.fromhex(exact[:16]), "little", signed=True)
