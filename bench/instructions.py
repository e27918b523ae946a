"""Instruction counts of the ingest benchmark's two phases: a comparison that noise cannot move.

    .venv/bin/python bench/instructions.py            # the corpus's first 2 files (1,000 items)
    .venv/bin/python bench/instructions.py --files 1
    .venv/bin/python bench/instructions.py --cli 4k --files 10   # `wiredesk ingest --once`

Wall-clock ratios on a shared 2-core machine swing by ±25 % between runs minutes apart
(bench/RESULTS.md). `valgrind --tool=callgrind` counts the instructions each phase's child
executes, which is the same on every run for the same code and input. Each child runs once
on the chosen files and once on an empty folder; the difference is the work per item
without interpreter start-up and imports. Run `bench/ingest.py` first: it writes the corpus.

`--cli SHAPE` counts `bench/ingest_cli.py`'s comparison instead: the whole `wiredesk ingest
--once` process (every thread) on the first files of that shape's corpus, the same command on
an empty drop folder (start-up and exit), and feedparser's parse of the same files; wiredesk's
bytecode is compiled first, as there.

Instructions are not time: wiredesk's larger working set runs at a lower rate than a
pure-Python parser's loop, so the wall-clock ratio sits below this one (by ~25 % on the
session's machine). Use it to compare versions of wiredesk, not as the target's figure.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def count(phase: str, corpus: Path) -> int:
    """Instructions executed by one child of bench/ingest.py on `corpus`."""
    out = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            str(HERE / "ingest.py"),
            "--child",
            phase,
            "--corpus",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = _COLLECTED.search(out.stderr)
    if found is None:
        tail = out.stderr[-2000:]
        raise SystemExit(f"valgrind printed no instruction count for {phase}:\n{tail}")
    return int(found.group(1))


def count_cli(files: list[Path]) -> int:
    """Instructions of the whole `wiredesk ingest --once` process on a drop folder holding
    `files` (none: start-up and exit alone)."""
    sys.path.insert(0, str(HERE))
    from ingest_cli import WIREDESK, make_site

    with tempfile.TemporaryDirectory() as tmp:
        some = Path(tmp) / "some"
        some.mkdir()
        for f in files:
            (some / f.name).symlink_to(f)
        config = make_site(Path(tmp) / "site", some if files else None)
        out = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                WIREDESK,
                "ingest",
                "--once",
                "--config",
                str(config),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    found = _COLLECTED.search(out.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no instruction count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def count_feedparser(files: list[Path]) -> int:
    """Instructions of bench/ingest_cli.py's feedparser child on `files`."""
    sys.path.insert(0, str(HERE))
    from ingest_cli import FEEDPARSER

    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            (Path(tmp) / f.name).symlink_to(f)
        out = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                sys.executable,
                "-c",
                FEEDPARSER,
                tmp,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    found = _COLLECTED.search(out.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no instruction count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def main_cli(shape: str, n_files: int) -> None:
    sys.path.insert(0, str(HERE))
    from ingest_cli import compile_bytecode, corpus

    compile_bytecode()  # as bench/ingest_cli.py does: start-up as an installed copy has it

    files = sorted(corpus(shape, HERE / "out").glob("feed-*.xml"))[:n_files]
    items = sum(f.read_bytes().count(b"<item>") for f in files)
    empty = count_cli([])
    whole = count_cli(files)
    fp_empty = count_feedparser([])
    fp = count_feedparser(files)
    per_item = (whole - empty) / items
    fp_item = (fp - fp_empty) / items
    print(f"{shape}: {items} items in {len(files)} files")
    print(f" wiredesk ingest --once, start-up and exit: {empty / 1e6:,.0f} M instructions")
    print(f" wiredesk ingest --once, per item: {per_item / 1e6:.2f} M instructions")
    print(f" feedparser parse, per item: {fp_item / 1e6:.2f} M instructions")
    print(f"ratio (feedparser / wiredesk instructions per item): {fp_item / per_item:.2f}")
    whole_run = empty + per_item * 10_000
    print(f"at 10,000 items, start-up included: {fp_item * 10_000 / whole_run:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=HERE / "out" / "corpus")
    ap.add_argument("--files", type=int, default=2, help="corpus files to run (500 items each)")
    ap.add_argument("--cli", metavar="SHAPE", help="count bench/ingest_cli.py's SHAPE instead")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    if args.cli:
        main_cli(args.cli, args.files)
        return
    files = sorted(args.corpus.glob("feed-*.xml"))[: args.files]
    if not files:
        raise SystemExit(f"no feed-*.xml in {args.corpus}; run bench/ingest.py first")
    with tempfile.TemporaryDirectory() as tmp:
        empty, some = Path(tmp) / "empty", Path(tmp) / "some"
        empty.mkdir()
        some.mkdir()
        for f in files:
            (some / f.name).symlink_to(f)
        items = sum(f.read_bytes().count(b"<item>") for f in files)
        per_item = {
            phase: (count(phase, some) - count(phase, empty)) / items
            for phase in ("feedparser", "wiredesk")
        }
    fp, wd = per_item["feedparser"], per_item["wiredesk"]
    print(f"{items} items in {len(files)} files")
    print(f" feedparser: {fp / 1e6:.2f} M instructions per item")
    print(f"   wiredesk: {wd / 1e6:.2f} M instructions per item")
    print(f"ratio (feedparser / wiredesk instructions): {fp / wd:.2f}")


if __name__ == "__main__":
    main()
