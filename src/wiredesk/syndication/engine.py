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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from wiredesk.syndication import fingerprint as fpmod
from wiredesk.syndication.index import Buckets, band_keys, band_spans
from wiredesk.syndication.token_ids import match_ids
from wiredesk.syndication.verify import NATIVE, compare, compare_packed


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
        fpmod.unpack_signature(fp.signature)  # fails with what to do if the scheme changed
        fpmod.unpack_features(fp.features)
        return fp


def fingerprint(headline: str, body_text: str, language: str | None) -> Fingerprint:
    """The fingerprint of one story (headline and plain-text body, paragraphs on lines)."""
    key = match_ids(headline, body_text)
    features = fpmod.features(key)
    # The features hold the headline's and each sentence's hash in order, so hashing them is
    # hashing the normalized text, at a tenth of the cost of joining and hashing the text.
    exact = hashlib.blake2b(features, digest_size=16).hexdigest()
    return Fingerprint(exact, fpmod.signature(key), features, language)


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
    ) -> None:
        """Remember an item; adding a key again replaces its fingerprint and time.

        `arrived_at`: when the item arrived, if it is to be forgotten by arrival; one that
        arrived before the horizon is not remembered at all, as an index rebuilt from a store
        would not load it. `group`: the item's group (default: a group of its own).
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
        times, languages, exacts, window = self._times, self._languages, self._exact, self._window_s
        for item, _ in found:
            key = self._keys[item]
            if key is None or abs(times[item] - ts) > window:
                continue
            lang = languages[item]
            if lang and fp.language and lang != fp.language:
                continue
            if exacts[item] == exact:
                hours = abs(times[item] - ts) / 3600
                return Match(
                    key, 2.0, f"exact duplicate of {key} after normalization, {hours:.1f} h apart"
                )
            eligible.append(item)
            if len(eligible) == MAX_VERIFIED:
                break
        for item in eligible:
            if NATIVE:  # the C extension compares the packed forms as they are
                verdict = compare_packed(fp.features, self._features[item])
            else:
                if query is None:
                    query = fpmod.unpack_features(fp.features)
                stored = self._decoded.get(item)
                if stored is None:
                    if len(self._decoded) >= _DECODED_LIMIT:
                        self._decoded.clear()
                    stored = self._decoded[item] = fpmod.unpack_features(self._features[item])
                verdict = compare(query, stored)
            if verdict.same and verdict.score > best_score:
                best, best_score = (item, verdict), verdict.score
        if best is None:
            return None
        item, v = best
        key = self._keys[item]
        assert key is not None
        hours = abs(self._times[item] - ts) / 3600
        return Match(
            key,
            round(v.score, 4),
            f"{v.shared_sentences} sentences shared with {key}: {v.covered_query:.0%} of this "
            f"story is in it, {v.covered_stored:.0%} of it is in this story, {hours:.1f} h apart",
        )

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
            if not v.same:
                failed += 1
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
        return list(found.values())

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


_SPANS = band_spans(fpmod.DOC_PERM)
# Candidates verified per lookup, those sharing the most LSH bands with the query first.
MAX_VERIFIED = 4
_DECODED_LIMIT = 20_000  # decoded features kept (~1 KB each)


def _check_signature(blob: bytes) -> None:
    if len(blob) != fpmod.SIGNATURE_BYTES or blob[0] != fpmod.SCHEME:
        fpmod.unpack_signature(blob)  # raises with what to do


def _exact_prefix(exact: str) -> int:
    return int.from_bytes(bytes.fromhex(exact[:16]), "little", signed=True)
