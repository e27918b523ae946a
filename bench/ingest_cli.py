"""Benchmark: `wiredesk ingest --once` as a whole process, against feedparser parsing the
same files, on the two shapes agencies send.

A user runs the command, so the command is what is timed: interpreter start-up, imports,
opening the database, then every payload of a drop folder stored raw, parsed, processed,
saved and grouped into stories. The reference is feedparser doing nothing but parse the same
files in a process of its own (its start-up not counted: the comparison is the stricter for
it). Both shapes are real wires:

- "4k": 10,000 Hindi items of about 4 KB in 100 files of 100 (a wire polled often);
- "8k": 10,000 Hindi items of about 8 KB in 20 files of 500 (a big feed, polled rarely).

Runs of the two alternate, so a noisy machine slows both alike; the table gives every run's
ratio and the worst of them, which is the figure to quote.

    .venv/bin/python bench/ingest_cli.py                  # both shapes, three runs each
    .venv/bin/python bench/ingest_cli.py --shapes 4k --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hindi_corpus import write_corpus  # noqa: E402

SHAPES = {  # name: (items, items per file, paragraphs per story)
    "4k": (10_000, 100, (2, 4)),
    "8k": (10_000, 500, (5, 9)),
}
WIREDESK = str(Path(sys.executable).parent / "wiredesk")
FEEDPARSER = """
import json, sys, time
from pathlib import Path
import feedparser
files = sorted(Path(sys.argv[1]).glob("feed-*.xml"))
data = [f.read_bytes() for f in files]
t0 = time.perf_counter()
n = sum(len(feedparser.parse(d).entries) for d in data)
print(json.dumps({"items": n, "seconds": time.perf_counter() - t0}))
"""


def corpus(shape: str, root: Path) -> Path:
    total, per_file, paragraphs = SHAPES[shape]
    folder = root / f"corpus-{shape}"
    if not folder.exists():
        write_corpus(folder, total=total, per_file=per_file, paragraphs=paragraphs)
    return folder


def run_feedparser(folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", FEEDPARSER, str(folder)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def run_wiredesk(folder: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="wiredesk-ingest-bench-") as tmp:
        site = Path(tmp)
        inbox = site / "inbox"
        shutil.copytree(folder, inbox)
        (site / "wiredesk.toml").write_text(
            '[site]\nname = "bench"\nlanguage = "hi"\ndata_dir = "data"\n'
            '[sections]\ndesh = "देश"\nvidesh = "विदेश"\nkhel = "खेल"\nvyapar = "व्यापार"\n'
            '[[sources]]\nid = "ians"\nname = "IANS"\nfolder = "inbox"\n',
            encoding="utf-8",
        )
        t0 = time.perf_counter()
        out = subprocess.run(
            [WIREDESK, "ingest", "--once", "--config", str(site / "wiredesk.toml")],
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - t0
    found = re.search(r"(\d+) new stor", out.stdout)
    return {"items": int(found.group(1)) if found else 0, "seconds": seconds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", default="4k,8k")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus-dir", type=Path, default=HERE / "out")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    results: dict[str, list[dict[str, float]]] = {}
    for shape in args.shapes.split(","):
        folder = corpus(shape, args.corpus_dir)
        files = sorted(folder.glob("feed-*.xml"))
        size = sum(f.stat().st_size for f in files)
        total = SHAPES[shape][0]
        print(
            f"{shape}: {total:,} items in {len(files)} files, {size / 1e6:.1f} MB "
            f"({size / total / 1000:.1f} KB per item of RSS)"
        )
        runs = []
        for i in range(args.runs):
            fp = run_feedparser(folder)
            wd = run_wiredesk(folder)
            fp_rate = fp["items"] / fp["seconds"]
            wd_rate = wd["items"] / wd["seconds"]
            runs.append(
                {
                    "feedparser_items_s": fp_rate,
                    "wiredesk_items_s": wd_rate,
                    "wiredesk_seconds": wd["seconds"],
                    "items": wd["items"],
                    "ratio": wd_rate / fp_rate,
                }
            )
            print(
                f"  run {i + 1}: feedparser {fp_rate:,.0f} items/s (parse alone); wiredesk "
                f"{wd['items']:,} items in {wd['seconds']:.2f} s = {wd_rate:,.0f} items/s "
                f"(whole process); ratio {wd_rate / fp_rate:.2f}"
            )
        worst = min(r["ratio"] for r in runs)
        print(f"  worst ratio {worst:.2f}, best {max(r['ratio'] for r in runs):.2f}")
        results[shape] = runs
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
