"""Throughput and the cost curve of wiredesk's syndication engine as the index grows.

    .venv/bin/python bench/syndication/scaling.py                         # 10k .. 1M stored
    .venv/bin/python bench/syndication/scaling.py --checkpoints 10000,100000 --probes 1000

A pool of distinct items (`--pool`, 20,000 by default: ten blocks of the labelled set) is
generated and fingerprinted once; its CPU time per item is the fingerprint cost. The index is
then filled by replaying the pool again and again, each replay shifted later in time (past
the previous one and four match windows) under new keys and with fresh byte objects, so a
million stored items cost a million `add()` calls, not a million generated stories, while
every stored item is a real fingerprint in a realistic time layout. At each checkpoint, one
more replay of the first `--probes` items runs as ingest does, `matches()` then `add()` each
in the story it matched (`--api match`: `match()`, as the figures before issue 14's second
session), and the time of those calls alone is the lookup cost per item at that size. The copies
among the probes find their originals among the probes, as in a live feed.
"fingerprint + LSH lookup" items/s = 1 / (fingerprint + lookup) per item, one core (the
process is single-threaded; CPU time is reported because a shared machine inflates wall time).

Memory: the index keeps only band keys, times, keys and the packed sentence features; the
report gives the process's peak RSS at each checkpoint.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
for p in (HERE, REPO / "src"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from generate import iter_records  # noqa: E402

from wiredesk.syndication.engine import Fingerprint, SyndicationIndex, fingerprint  # noqa: E402

Prepared = tuple[str, Fingerprint, datetime]


def _prepare(records: list[dict[str, str]]) -> tuple[list[Prepared], float, float]:
    """Fingerprint records; return them with the wall and CPU seconds it took."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = [
        (
            r["id"],
            fingerprint(r["headline"], r["body_text"], r["language"]),
            datetime.fromisoformat(r["published_at"]),
        )
        for r in records
    ]
    return out, time.perf_counter() - w0, time.process_time() - c0


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(
    seed: int,
    checkpoints: list[int],
    probes: int,
    pool_size: int,
    log: bool = True,
    api: str = "matches",
) -> dict[str, Any]:
    """`api`: "matches" times `matches()` and adds each item in the story it matched, merging
    the stories it holds, as ingest does; "match" times `match()` (the older figures)."""
    pool_records = list(iter_records(seed, pool_size))
    pool, fp_wall, fp_cpu = _prepare(pool_records)
    del pool_records
    times = [ts for _, _, ts in pool]
    window = timedelta(hours=72)
    # Each replay of the pool lies after the last, with four windows of quiet between.
    shift_step = max(times) - min(times) + 4 * window
    index = SyndicationIndex(window=window)
    rows: list[dict[str, Any]] = []
    stories = [0]  # the last story id given (api "matches")
    started = time.perf_counter()
    replay = 0

    def play(items: list[Prepared], timed: bool) -> tuple[int, float, float]:
        """Add each item as a new replay (timed: match() first, as the site does); return
        the matches and the seconds spent in match()."""
        nonlocal replay
        shift = shift_step * replay
        replay += 1
        matched, l_wall, l_cpu = 0, 0.0, 0.0
        wall, cpu = time.perf_counter, time.process_time
        for key, fp, ts in items:
            # New key, new time, and fresh bytes objects, so memory is that of distinct items.
            fresh = Fingerprint(fp.exact, bytes(bytearray(fp.signature)),
                                bytes(bytearray(fp.features)), fp.language)  # fmt: skip
            when = ts + shift
            group = None
            if timed and api == "match":
                w0, c0 = wall(), cpu()
                matched += index.match(fresh, when) is not None
                l_wall, l_cpu = l_wall + wall() - w0, l_cpu + cpu() - c0
            elif timed:
                w0, c0 = wall(), cpu()
                found = index.matches(fresh, when)
                l_wall, l_cpu = l_wall + wall() - w0, l_cpu + cpu() - c0
                matched += bool(found)
                groups = sorted(m.group for m in found if m.group is not None)
                if groups:
                    group = groups[0]
                    for other in groups[1:]:
                        group = index.merge_groups(group, other)
            if group is None and api == "matches":
                stories[0] += 1
                group = stories[0]
            index.add(f"{key}:{replay}", fresh, when, group=group)
        return matched, l_wall, l_cpu

    for n in sorted(checkpoints):
        while len(index) < n:
            play(pool[: n - len(index)], timed=False)
        matched, l_wall, l_cpu = play(pool[:probes], timed=True)
        k = min(probes, len(pool))
        fp_us = fp_cpu / len(pool) * 1e6
        row = {
            "stored": n,
            "probes": k,
            "matched_share": matched / k,
            "lookup_us_cpu": l_cpu / k * 1e6,
            "lookup_us_wall": l_wall / k * 1e6,
            "fingerprint_plus_lookup_items_per_s_cpu": 1e6 / (fp_us + l_cpu / k * 1e6),
            "peak_rss_mb": _rss_mb(),
            "elapsed_s": time.perf_counter() - started,
        }
        rows.append(row)
        if log:
            print(json.dumps(row), file=sys.stderr, flush=True)
    return {
        "seed": seed,
        "api": api,
        "probes": probes,
        "pool": len(pool),
        "fingerprint_us_cpu": fp_cpu / len(pool) * 1e6,
        "fingerprint_us_wall": fp_wall / len(pool) * 1e6,
        "rows": rows,
    }


def compare_libraries(seed: int, n: int = 1000) -> dict[str, float]:
    """µs per item (CPU) to MinHash the same shingles with rensa and with datasketch."""
    import zlib

    import datasketch
    import rensa

    from wiredesk.syndication import fingerprint as fpmod
    from wiredesk.syndication.match_keys import match_key

    keys = [match_key(r["headline"], r["body_text"]) for r in iter_records(seed, n)]
    docs = [fpmod._shingles([*k.headline, *k.tokens]) for k in keys]

    def crc(b: bytes) -> int:
        return zlib.crc32(b)

    def with_rensa(d: list[str]) -> object:
        m = rensa.RMinHash(num_perm=fpmod.DOC_PERM, seed=1)
        m.update(d)
        return m.digest()

    def with_datasketch(d: list[str], **kw: Any) -> object:
        m = datasketch.MinHash(num_perm=fpmod.DOC_PERM, seed=1, **kw)
        m.update_batch([s.encode() for s in d])
        return m.digest()

    out = {}
    for name, fn in (
        ("rensa RMinHash", with_rensa),
        ("datasketch MinHash (sha1)", with_datasketch),
        ("datasketch MinHash (crc32)", lambda d: with_datasketch(d, hashfunc=crc)),
    ):
        best = float("inf")
        for _ in range(3):
            c0 = time.process_time()
            for d in docs:
                fn(d)
            best = min(best, time.process_time() - c0)
        out[name] = best / len(docs) * 1e6
    return out


def render(result: dict[str, Any]) -> str:
    lines = [
        f"seed {result['seed']}: a pool of {result['pool']:,} distinct items, fingerprinted in "
        f"{result['fingerprint_us_cpu']:.0f} µs CPU ({result['fingerprint_us_wall']:.0f} µs wall) "
        f"each; {result['probes']:,} timed lookups ({result.get('api', 'match')}()) per size",
        "",
        "| stored items | lookup µs (CPU) | lookup µs (wall) | fingerprint + lookup items/s (CPU) "
        "| matched | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['stored']:,} | {r['lookup_us_cpu']:.1f} | {r['lookup_us_wall']:.1f} "
            f"| {r['fingerprint_plus_lookup_items_per_s_cpu']:,.0f} "
            f"| {r['matched_share']:.0%} | {r['peak_rss_mb']:,.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--checkpoints", default="10000,100000,300000,1000000")
    ap.add_argument("--probes", type=int, default=2000)
    ap.add_argument("--pool", type=int, default=20000, help="distinct items replayed to fill")
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--api",
        choices=("matches", "match"),
        default="matches",
        help="the lookup timed: matches() as ingest groups (default) or match()",
    )
    ap.add_argument(
        "--libraries", action="store_true", help="only compare rensa and datasketch MinHash"
    )
    args = ap.parse_args(argv)
    try:
        checkpoints = [int(x) for x in args.checkpoints.split(",") if x.strip()]
    except ValueError:
        print(f"scaling: --checkpoints {args.checkpoints!r}: expected numbers, e.g. 10000,100000")
        return 2
    if not checkpoints or min(checkpoints) <= 0 or min(args.probes, args.pool) <= 0:
        print("scaling: --checkpoints, --probes and --pool must be positive")
        return 2
    if args.libraries:
        for name, us in compare_libraries(args.seed).items():
            print(f"{name:<28} {us:8.1f} µs CPU per item (document signature)")
        return 0
    result = run(args.seed, checkpoints, args.probes, args.pool, api=args.api)
    print(json.dumps(result, indent=1) if args.json else render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
