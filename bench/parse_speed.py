"""Benchmark: `wiredesk.parse` against `feedparser.parse` on the same files, by shape.

Issue 12 asks that parse speed stay well ahead of feedparser's while the readings agree
(`bench/fidelity.py` measures the agreement, and times the two on feedparser's own corpus of
tiny one-rule files, where a file's fixed costs are most of the time). Wires send bigger
documents, so this times both on each shape a newsroom meets:

- "feedparser corpus": the ~2,100 small files of tests/fixtures/feedparser;
- "agency samples": the demo's and tests/formats/samples (NewsML-G2, NITF, ninjs, 7901, feeds);
- "4k" and "8k": the Hindi wire shapes of bench/ingest_cli.py (100 items of ~4 KB a file; 500
  of ~8 KB a file), generated into --corpus-dir if missing.

Each shape is parsed whole by one parser, then by the other, alternating for --runs rounds,
in one process (imports done first, so start-up is not in either figure); the table gives
each parser's best and worst round, items per second, and the worst ratio (wiredesk's slowest
round against feedparser's fastest).

    .venv/bin/python bench/parse_speed.py
    .venv/bin/python bench/parse_speed.py --shapes 4k,8k --runs 5
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from hindi_corpus import write_corpus  # noqa: E402

SHAPES = ("feedparser corpus", "agency samples", "4k", "8k")


def files_of(shape: str, corpus_dir: Path) -> list[bytes]:
    if shape == "feedparser corpus":
        paths = sorted((REPO / "tests" / "fixtures" / "feedparser").rglob("*.xml"))
    elif shape == "agency samples":
        paths = [
            p
            for root in (
                REPO / "src" / "wiredesk" / "demo" / "samples",
                REPO / "tests" / "formats" / "samples",
            )
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix in (".xml", ".json", ".txt", ".nitf", ".anpa")
        ]
    else:
        total, per_file, paragraphs = {"4k": (10_000, 100, (2, 4)), "8k": (10_000, 500, (5, 9))}[
            shape
        ]
        folder = corpus_dir / f"corpus-{shape}"
        if not folder.exists():
            write_corpus(folder, total=total, per_file=per_file, paragraphs=paragraphs)
        paths = sorted(folder.glob("feed-*.xml"))
    return [p.read_bytes() for p in paths]


def run_wiredesk(data: list[bytes]) -> tuple[float, int]:
    import wiredesk

    t0 = time.perf_counter()
    n = 0
    for d in data:
        with contextlib.suppress(Exception):  # a file wiredesk refuses counts no items
            n += len(wiredesk.parse(d))
    return time.perf_counter() - t0, n


def run_feedparser(data: list[bytes]) -> tuple[float, int]:
    import feedparser

    t0 = time.perf_counter()
    n = sum(len(feedparser.parse(d).entries) for d in data)
    return time.perf_counter() - t0, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus-dir", type=Path, default=Path("/tmp/wiredesk-bench-corpus"))
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    run_wiredesk([]), run_feedparser([])  # imports, outside the timings
    print(
        f"{'shape':<20} {'files':>6} {'items w/f':>13} {'wiredesk s (best-worst)':>24} "
        f"{'feedparser s (best-worst)':>26} {'worst ratio':>11}"
    )
    for shape in args.shapes.split(","):
        data = files_of(shape, args.corpus_dir)
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(args.runs):
            s, n_ours = run_wiredesk(data)
            ours.append(s)
            s, n_theirs = run_feedparser(data)
            theirs.append(s)
        ratio = min(theirs) / max(ours)
        print(
            f"{shape:<20} {len(data):>6} {n_ours:>6}/{n_theirs:<6} "
            f"{min(ours):>11.3f}-{max(ours):<11.3f} {min(theirs):>12.3f}-{max(theirs):<12.3f} "
            f"{ratio:>10.1f}x"
        )


if __name__ == "__main__":
    main()
