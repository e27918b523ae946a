"""LSH buckets keyed by band and by time slot, so a lookup costs the same at any index size.

Banding: the document signature is cut into `DOC_BANDS` bands of `DOC_ROWS` values and the lead
signature into `LEAD_BANDS` bands of `LEAD_ROWS`; two items are candidates when any band is
equal. The probability that a pair of Jaccard J collides in at least one of b bands of r rows
is 1 - (1 - J^r)^b; the parameters are chosen in docs/syndication.md from that curve and the
evaluation.

Time slots: every bucket belongs to a slot of `slot` seconds (the match window), and a lookup
reads only the slots that can hold items within the window (the item's slot and its two
neighbours). Without slots, a bucket that every day's market close falls into would grow with
the archive and make each lookup slower the longer wiredesk runs; with them, the work per
lookup depends on how many items arrive in three windows, not on how many are stored.

Memory per item: one dict entry per band (the bucket key is a Python int; a bucket holding one
item stores the item's id itself, not a list) plus the item's key, time and packed features.
`remove` marks the id dead; its bucket entries are skipped and stay until the slot is dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

try:
    from wiredesk.syndication import _native
except ImportError:  # built without a C compiler: the Python functions below
    _native = None  # type: ignore[assignment]

# A bucket holding more items than this within three windows says only "this text is
# boilerplate" (a wire's stock paragraph, a template report's fixed sentences); like a stop
# word, it is skipped. Copies of one story also share rarer bands, so they are still found.
MAX_BUCKET = 16

DOC_ROWS = 3
DOC_BANDS = 21
LEAD_ROWS = 4
LEAD_BANDS = 8


def band_spans(doc_perm: int) -> list[tuple[int, int]]:
    """Byte ranges of each band in a packed signature (one scheme byte, then uint32s)."""
    spans = [(1 + 4 * b * DOC_ROWS, 1 + 4 * (b + 1) * DOC_ROWS) for b in range(DOC_BANDS)]
    lead = 1 + 4 * doc_perm
    spans += [(lead + 4 * b * LEAD_ROWS, lead + 4 * (b + 1) * LEAD_ROWS) for b in range(LEAD_BANDS)]
    return spans


def _python_band_keys(signature: bytes, spans: list[tuple[int, int]]) -> list[int]:
    """One int per band: the band's bytes hashed, plus the band's number so equal values in
    different bands do not share a bucket. Python's bytes hash differs between processes,
    which is fine: buckets live in memory and are rebuilt at start."""
    return [hash(signature[a:b]) + i for i, (a, b) in enumerate(spans)]


def _python_candidates(
    tables: tuple[dict[int, int | list[int]], ...], keys: list[int], max_bucket: int
) -> list[tuple[int, int]]:
    """Ids in the buckets of `keys` in each table, with how many bands each shares with the
    query, most shared first (ties: in the order first seen). Buckets holding more than
    `max_bucket` ids are skipped. The ids are gathered in a list and counted by `Counter`,
    whose counting loop runs in C."""
    ids: list[int] = []
    append, extend = ids.append, ids.extend
    for table in tables:
        for held in map(table.get, keys):
            if held is None:
                continue
            if type(held) is int:
                append(held)
            elif len(held) <= max_bucket:  # type: ignore[arg-type]  # a list, not an int
                extend(held)  # type: ignore[arg-type]
    return Counter(ids).most_common()


# The C extension's twins of the two functions above (the same results: a test holds them
# equal), for the lookup every ingested story makes.
band_keys: Callable[[bytes, list[tuple[int, int]]], list[int]] = (
    _python_band_keys if _native is None else _native.band_keys
)
_candidates: Callable[
    [tuple[dict[int, int | list[int]], ...], list[int], int], list[tuple[int, int]]
] = _python_candidates if _native is None else _native.candidates


class Buckets:
    """Band key -> item ids, one table per time slot."""

    __slots__ = ("_slots", "slot_seconds")

    def __init__(self, slot_seconds: float) -> None:
        self.slot_seconds = slot_seconds
        self._slots: dict[int, dict[int, int | list[int]]] = {}

    def slot_of(self, timestamp: float) -> int:
        return int(timestamp // self.slot_seconds)

    def add(self, item: int, keys: list[int], timestamp: float) -> None:
        table = self._slots.setdefault(self.slot_of(timestamp), {})
        for k in keys:
            held = table.get(k)
            if held is None:
                table[k] = item
            elif isinstance(held, list):
                held.append(item)
            else:
                table[k] = [held, item]

    def candidates(self, keys: list[int], timestamp: float) -> list[tuple[int, int]]:
        """Ids in any bucket with one of `keys`, in slots within one slot of `timestamp`, with
        how many bands each shares with the query, most shared first (more shared bands:
        more shared text)."""
        s = self.slot_of(timestamp)
        get = self._slots.get
        tables = tuple(t for t in (get(s - 1), get(s), get(s + 1)) if t)
        return _candidates(tables, keys, MAX_BUCKET)


# A sentence held by more items than this within three windows is boilerplate whatever their
# stories (a template report's fixed sentences, a stock line under every story); below it,
# one held by `BOILERPLATE_STORIES` different stories or more is (a portal's recurring
# background paragraph). Chosen on the training seeds (docs/syndication.md).
MAX_HOLDERS = 64
BOILERPLATE_STORIES = 3


class Sentences:
    """Sentence hash -> item ids, one table per time slot, like `Buckets`.

    LSH finds copies that share most of their shingles; a portal's copy with its own lead, two
    or three of the wire's paragraphs and a stock background shares too few of them to be
    offered reliably, but it shares whole sentences. This table offers the items that share
    sentences with a query, and tells how many stories a sentence is found in, which is how
    the engine knows boilerplate by its frequency.

    Several holders are kept as a tuple, not a list: a tuple of ints is left alone by
    CPython's cycle collector, and there is one per sentence of every stored story, so lists
    made each full collection walk millions of them (a lookup at 30,000 stored items took
    twice as long whenever one fell among the timed ones). A slot keeps at most
    `MAX_HOLDERS + 1` holders of a sentence: more than that says only "boilerplate".
    """

    __slots__ = ("_slots", "slot_seconds")

    def __init__(self, slot_seconds: float) -> None:
        self.slot_seconds = slot_seconds
        self._slots: dict[int, dict[int, int | tuple[int, ...]]] = {}

    def add(self, item: int, hashes: Iterable[int], timestamp: float) -> None:
        table = self._slots.setdefault(int(timestamp // self.slot_seconds), {})
        for h in hashes:
            held = table.get(h)
            if held is None:
                table[h] = item
            elif type(held) is int:
                if held != item:
                    table[h] = (held, item)
            elif len(held) <= MAX_HOLDERS and held[-1] != item:  # type: ignore[arg-type,index]
                table[h] = (*held, item)  # type: ignore[misc]

    def tables(self, timestamp: float) -> tuple[dict[int, int | tuple[int, ...]], ...]:
        """The tables a lookup at `timestamp` reads: its slot and the two beside it."""
        s = int(timestamp // self.slot_seconds)
        get = self._slots.get
        return tuple(t for t in (get(s - 1), get(s), get(s + 1)) if t)


def holders(tables: tuple[dict[int, int | tuple[int, ...]], ...], h: int) -> list[int]:
    """The items that hold sentence `h` in `tables`."""
    found: list[int] = []
    for table in tables:
        held = table.get(h)
        if held is None:
            continue
        if type(held) is int:
            found.append(held)
        else:
            found.extend(held)  # type: ignore[arg-type]
    return found
