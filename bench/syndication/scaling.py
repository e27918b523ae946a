"""Throughput and the cost curve of wiredesk's syndication engine as the index grows.

    .venv/bin/python bench/syndication/scaling.py                         # 10k .. 1M stored
    .venv/bin/python bench/syndication/scaling.py --checkpoints 10000,100000 --probes 1000

The generator streams the labelled set block after block (each block 40 days after the last),
every record is fingerprinted and added to one `SyndicationIndex`, as the site does. When the
index holds a checkpoint's number of items, the next `--probes` records of the stream (the
items that would arrive next, in the same days as the newest stored ones) are fingerprinted,
then each is looked up with `match()` and added, as the site does; the time of the `match()`
calls alone is the lookup cost per item at that size. Fingerprinting is timed on its own, so
the report shows both and their sum: "fingerprint + LSH lookup" items/s on one core (the
process is single-threaded; CPU time is reported beside wall time because a shared machine
inflates wall time).

Memory: the index keeps only band keys, times, keys and the packed sentence features; the
report gives the process's peak RSS at each checkpoint.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import datetime
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


def run(seed: int, checkpoints: list[int], probes: int, log: bool = True) -> dict[str, Any]:
    index = SyndicationIndex()
    stream = iter_records(seed, max(checkpoints) + probes)
    rows: list[dict[str, Any]] = []
    fp_wall = fp_cpu = 0.0
    fp_items = 0
    batch: list[dict[str, str]] = []
    started = time.perf_counter()

    def fill(n: int) -> None:
        nonlocal fp_wall, fp_cpu, fp_items
        while len(index) < n:
            batch.clear()
            for r in stream:
                batch.append(r)
                if len(batch) >= min(5000, n - len(index)):
                    break
            if not batch:
                raise SystemExit(f"scaling: the stream ended at {len(index)} items")
            prepared, wall, cpu = _prepare(batch)
            fp_wall, fp_cpu, fp_items = fp_wall + wall, fp_cpu + cpu, fp_items + len(batch)
            for key, fp, ts in prepared:
                index.match(fp, ts)
                index.add(key, fp, ts)

    for n in sorted(checkpoints):
        fill(n)
        probe_records = [r for _, r in zip(range(probes), stream, strict=False)]
        prepared, p_wall, p_cpu = _prepare(probe_records)
        matched = 0
        l_wall = l_cpu = 0.0
        wall, cpu = time.perf_counter, time.process_time
        for key, fp, ts in prepared:
            w0, c0 = wall(), cpu()
            matched += index.match(fp, ts) is not None
            l_wall, l_cpu = l_wall + wall() - w0, l_cpu + cpu() - c0
            index.add(key, fp, ts)
        k = len(prepared)
        row = {
            "stored": n,
            "probes": k,
            "matched_share": matched / k,
            "fingerprint_us_cpu": p_cpu / k * 1e6,
            "lookup_us_cpu": l_cpu / k * 1e6,
            "lookup_us_wall": l_wall / k * 1e6,
            "fingerprint_plus_lookup_items_per_s_cpu": k / (p_cpu + l_cpu),
            "fingerprint_plus_lookup_items_per_s_wall": k / (p_wall + l_wall),
            "peak_rss_mb": _rss_mb(),
            "elapsed_s": time.perf_counter() - started,
        }
        rows.append(row)
        if log:
            print(json.dumps(row), file=sys.stderr, flush=True)
    return {
        "seed": seed,
        "probes": probes,
        "fingerprint_us_cpu_all": fp_cpu / max(1, fp_items) * 1e6,
        "rows": rows,
    }


def compare_libraries(seed: int, n: int = 1000) -> dict[str, float]:
    """µs per item (CPU) to MinHash the same shingles with rensa and with datasketch."""
    import zlib

    import datasketch
    import rensa

    from wiredesk.syndication import fingerprint as fpmod
    from wiredesk.syndication.normalize import match_key

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
        f"seed {result['seed']}, {result['probes']} probe items per size; "
        f"fingerprint over the whole fill: {result['fingerprint_us_cpu_all']:.0f} us CPU/item",
        "",
        "| stored items | fingerprint µs (CPU) | lookup µs (CPU) | lookup µs (wall) "
        "| fingerprint + lookup items/s (CPU) | (wall) | matched | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['stored']:,} | {r['fingerprint_us_cpu']:.0f} | {r['lookup_us_cpu']:.1f} "
            f"| {r['lookup_us_wall']:.1f} | {r['fingerprint_plus_lookup_items_per_s_cpu']:,.0f} "
            f"| {r['fingerprint_plus_lookup_items_per_s_wall']:,.0f} "
            f"| {r['matched_share']:.0%} | {r['peak_rss_mb']:,.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--checkpoints", default="10000,100000,300000,1000000")
    ap.add_argument("--probes", type=int, default=2000)
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--libraries", action="store_true", help="only compare rensa and datasketch MinHash"
    )
    args = ap.parse_args(argv)
    try:
        checkpoints = [int(x) for x in args.checkpoints.split(",") if x.strip()]
    except ValueError:
        print(f"scaling: --checkpoints {args.checkpoints!r}: expected numbers, e.g. 10000,100000")
        return 2
    if not checkpoints or min(checkpoints) <= 0 or args.probes <= 0:
        print("scaling: --checkpoints and --probes must be positive")
        return 2
    if args.libraries:
        for name, us in compare_libraries(args.seed).items():
            print(f"{name:<28} {us:8.1f} µs CPU per item (document signature)")
        return 0
    result = run(args.seed, checkpoints, args.probes)
    print(json.dumps(result, indent=1) if args.json else render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
