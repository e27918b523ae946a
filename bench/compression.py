"""Benchmark: what compressing a fresh render costs, by coding and quality, on the site's own
pages.

A render sits on the path from an agency's push to the reader who sees the story, and during a
busy ingest the home page and the feeds are rendered several times a second; so the quality a
render is compressed at (channels/web/encoding.py) is a trade of milliseconds on that path
against bytes sent. This fetches pages as a reader would get them (plain), then times brotli
at several qualities and gzip at several levels on each, in this process (best of --rounds),
and prints the size and time of each against brotli 11, the smallest.

    .venv/bin/python bench/compression.py http://127.0.0.1:8000/ http://127.0.0.1:8000/feed.json ...
    .venv/bin/python bench/compression.py page.html feed.json     # files work too
"""

from __future__ import annotations

import argparse
import gzip
import time
import urllib.request
from pathlib import Path

import brotli

BROTLI_QUALITIES = (4, 5, 6, 7, 9, 11)
GZIP_LEVELS = (1, 6, 9)


def body_of(where: str) -> bytes:
    if where.startswith(("http://", "https://")):
        with urllib.request.urlopen(where, timeout=60) as r:
            return bytes(r.read())
    return Path(where).read_bytes()


def best_time(fn: object, rounds: int) -> tuple[float, int]:
    best, size = float("inf"), 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
        size = len(out)
    return best, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pages", nargs="+", help="URLs or files")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    print(f"{'page':<44} {'plain':>9}  coding   {'bytes':>8} {'ms':>7}  vs br 11")
    for where in args.pages:
        body = body_of(where)
        rows = []
        for q in BROTLI_QUALITIES:
            s, n = best_time(lambda q=q, b=body: brotli.compress(b, quality=q), args.rounds)
            rows.append((f"br {q}", n, s))
        for level in GZIP_LEVELS:
            s, n = best_time(
                lambda lv=level, b=body: gzip.compress(b, compresslevel=lv, mtime=0), args.rounds
            )
            rows.append((f"gzip {level}", n, s))
        smallest = next(n for name, n, _ in rows if name == "br 11")
        for i, (name, n, s) in enumerate(rows):
            label = where[-44:] if i == 0 else ""
            plain = f"{len(body):,}" if i == 0 else ""
            print(
                f"{label:<44} {plain:>9}  {name:<7} {n:>8,} {s * 1000:>7.2f}  "
                f"{(n / smallest - 1) * 100:+.1f} %"
            )


if __name__ == "__main__":
    main()
