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

wiredesk's bytecode is compiled first (`compileall`), as `pip install` does: a source tree run
with PYTHONDONTWRITEBYTECODE set (as on the project's test machines) would otherwise compile
every module at every start, which no installed copy does. `--no-bytecode` measures that case.

    .venv/bin/python bench/ingest_cli.py                  # both shapes, three runs each
    .venv/bin/python bench/ingest_cli.py --shapes 4k --runs 1
    .venv/bin/python bench/ingest_cli.py --phases 4k      # where an item's time goes

`--phases` runs the same command in this process with a timer around each step of the path
(and an empty-inbox run of the real command for start-up) and prints microseconds per item:
CPU time of the thread that runs the step (`time.thread_time`), so that the other work of a
busy machine does not count. The timers cost a little themselves; use them to see where time
goes, the runs for figures.
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

SHAPES = {  # name: (items, items per file, paragraphs per story, varied sentences)
    "4k": (10_000, 100, (2, 4), False),
    "8k": (10_000, 500, (5, 9), False),
    # the same, with sentences that do not recur across stories (hindi_corpus.story says why)
    "4k-varied": (10_000, 100, (2, 4), True),
    "8k-varied": (10_000, 500, (5, 9), True),
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
    total, per_file, paragraphs, varied = SHAPES[shape]
    folder = root / f"corpus-{shape}"
    if not folder.exists():
        write_corpus(folder, total=total, per_file=per_file, paragraphs=paragraphs, varied=varied)
    return folder


def run_feedparser(folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", FEEDPARSER, str(folder)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def make_site(site: Path, folder: Path | None) -> Path:
    """A site folder whose drop folder holds the corpus (or nothing); returns its settings."""
    inbox = site / "inbox"
    if folder is None:
        inbox.mkdir(parents=True)
    else:
        shutil.copytree(folder, inbox)
    config = site / "wiredesk.toml"
    config.write_text(
        '[site]\nname = "bench"\nlanguage = "hi"\ndata_dir = "data"\n'
        '[sections]\ndesh = "देश"\nvidesh = "विदेश"\nkhel = "खेल"\nvyapar = "व्यापार"\n'
        '[[sources]]\nid = "ians"\nname = "IANS"\nfolder = "inbox"\n',
        encoding="utf-8",
    )
    return config


def run_wiredesk(folder: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="wiredesk-ingest-bench-") as tmp:
        site = Path(tmp)
        make_site(site, folder)
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


# (label, module, attribute, parent label): the steps `--phases` times, in the order printed.
# A dotted attribute is a method of a class. Each is patched where callers look it up.
PHASES = (
    ("open database", "wiredesk.runtime.database", "open_database", None),
    ("recover unfinished", "wiredesk.ingest.polling", "recover_unfinished", None),
    ("source state", "wiredesk.store.ledger.source_state", "get", None),
    ("source state", "wiredesk.store.ledger.source_state", "update_state", None),
    ("read file", "wiredesk.ingest.transports.files", "read_dropped", None),
    ("move file", "wiredesk.ingest.transports.files", "move_done", None),
    ("raw payload", "wiredesk.ingest.polling", "record_payload", None),
    ("accept", "wiredesk.ingest.polling", "process_stored", None),
    ("prepare", "wiredesk.ingest.accept", "prepare", "accept"),
    ("parse", "wiredesk.formats", "parse", "prepare"),
    ("pipeline", "wiredesk.pipeline", "process", "prepare"),
    ("store refusal", "wiredesk.ingest.prepare", "store_refusal", "prepare"),
    ("save", "wiredesk.store.ledger.copies", "save_in", "accept"),
    ("known guids", "wiredesk.store.ledger.copies", "_known_guids", "save"),
    ("create", "wiredesk.store.ledger.copies", "_create_many", "save"),
    ("short ids", "wiredesk.store.ledger.copies", "free_short_ids", "create"),
    ("insert rows", "wiredesk.store.ledger.copies", "insert_many", "create"),
    ("next ids", "wiredesk.store.ledger.copies", "next_ids_of", "create"),
    ("version rows", "wiredesk.store.ledger.copies", "version_row", "create"),
    ("search keys", "wiredesk.store.ledger.search_index", "key_of", "create"),
    ("search index", "wiredesk.store.ledger.search_index", "add", "create"),
    ("new-copy tags", "wiredesk.store.ledger.copies", "_note_new", "save"),
    ("changes log", "wiredesk.store.ledger.changes", "record", "save"),
    ("group", "wiredesk.ingest.accept", "group_in", "accept"),
    ("index build", "wiredesk.ingest.grouping", "index_for", "group"),
    ("decide", "wiredesk.ingest.grouping", "_decide", "group"),
    # inline, grouping fingerprints each new copy; a worker does it in `prepare`
    ("fingerprint", "wiredesk.syndication.engine", "fingerprint", "decide"),
    ("fingerprint", "wiredesk.ingest.prepare", "fingerprint", "decide"),
    ("match ids", "wiredesk.syndication.engine", "match_ids", "fingerprint"),
    ("features", "wiredesk.syndication.fingerprint", "features", "fingerprint"),
    ("signature", "wiredesk.syndication.fingerprint", "signature", "fingerprint"),
    ("match", "wiredesk.syndication.engine", "SyndicationIndex.match", "decide"),
    ("index add", "wiredesk.syndication.engine", "SyndicationIndex.add", "decide"),
    ("copy facts", "wiredesk.store.ledger.stories", "facts", "decide"),
    ("story sizes", "wiredesk.store.ledger.stories", "story_sizes", "decide"),
    ("apply plan", "wiredesk.store.ledger.stories", "apply_in", "group"),
    ("finish envelope", "wiredesk.store.ledger.envelopes", "finish", "accept"),
)


def run_phases(shape: str, folder: Path) -> None:
    """`wiredesk ingest --once` in this process with a timer around each step (`PHASES`)."""
    import gc
    import importlib
    import threading
    from collections import defaultdict

    with tempfile.TemporaryDirectory(prefix="wiredesk-ingest-bench-") as tmp:
        config = make_site(Path(tmp), None)
        starts = []
        for _ in range(3):  # the real command on an empty inbox: start-up and shut-down
            t0 = time.perf_counter()
            subprocess.run(
                [WIREDESK, "ingest", "--once", "--config", str(config)],
                check=True,
                capture_output=True,
            )
            starts.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    from wiredesk.cli.main import cli

    import_s = time.perf_counter() - t0
    spent: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    local = threading.local()

    def timed(label: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            running = getattr(local, "running", None)
            if running is None:
                running = local.running = set()
            if label in running:  # a recursive or repeated label counts once
                return fn(*args, **kwargs)
            running.add(label)
            t = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += time.thread_time() - t
                calls[label] += 1
                running.discard(label)

        return wrapper

    for label, module, attribute, _ in PHASES:
        owner = importlib.import_module(module)
        *classes, name = attribute.split(".")
        for cls in classes:
            owner = getattr(owner, cls)
        if hasattr(owner, name):  # a step this version of wiredesk has
            setattr(owner, name, timed(label, getattr(owner, name)))
    stages = importlib.import_module("wiredesk.pipeline.stages")
    stage_labels = []
    for stage in stages.STAGES:
        stage_labels.append(f"  {stage.__name__}")
    stages.STAGES = tuple(
        timed(label, stage) for label, stage in zip(stage_labels, stages.STAGES, strict=True)
    )
    gc_time = [0.0, 0.0]

    def on_gc(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            gc_time[1] = time.thread_time()
        else:
            gc_time[0] += time.thread_time() - gc_time[1]

    # Every step in this thread, so each is timed: the command itself prepares payloads in a
    # second process beside the writer (ingest/workers.py), which the runs measure.
    workers = importlib.import_module("wiredesk.ingest.workers")
    if hasattr(workers, "Preparer"):
        workers.Preparer.possible = staticmethod(lambda: False)
    gc.callbacks.append(on_gc)
    with tempfile.TemporaryDirectory(prefix="wiredesk-ingest-bench-") as tmp:
        config = make_site(Path(tmp), folder)
        t0, c0 = time.perf_counter(), time.process_time()
        cli.main(["ingest", "--once", "--config", str(config)], standalone_mode=False)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    gc.callbacks.remove(on_gc)
    items = SHAPES[shape][0]

    def us(seconds: float) -> str:
        return f"{seconds / items * 1e6:8.1f}"

    start = min(starts)
    load = os.getloadavg()[0]
    print(
        f"{shape}: µs per item ({items:,} items), one in-process run, every step in one thread; "
        f"load {load:.2f}"
    )
    print(
        f"  {us(start)}  start-up and exit (`ingest --once` on an empty inbox, best of 3: "
        f"{start:.2f} s; imports alone {import_s:.2f} s)"
    )
    print(f"  {us(wall)}  the run in this process, wall time (CPU {us(cpu).strip()}); steps:")
    parents = {label: parent for label, _, _, parent in PHASES}
    depth = {}
    for label, _, _, parent in PHASES:
        depth[label] = 0 if parent is None else depth[parent] + 1
    shown = set()
    for label, _, _, _ in PHASES:
        if label in shown:
            continue
        shown.add(label)
        children = [c for c, p in parents.items() if p == label]
        pad = "  " * depth[label]
        print(f"  {us(spent[label])}  {pad}{label} ({calls[label]:,} calls)")
        if label == "pipeline":
            for s_label in stage_labels:
                print(f"  {us(spent[s_label])}  {pad}  {s_label.strip()}")
        if children:
            rest = spent[label] - sum(spent[c] for c in children)
            print(f"  {us(rest)}  {pad}  (rest of {label})")
    top = sum(spent[label] for label, _, _, parent in PHASES if parent is None)
    print(f"  {us(cpu - top)}  (rest of the process's CPU: event loop, threads, reports)")
    print(f"  {us(gc_time[0])}  (cycle collector, counted inside the steps above)")


def compile_bytecode() -> None:
    """Compile the wiredesk package the command will import, as an installation has it."""
    code = (
        "import compileall, os, wiredesk; "
        "compileall.compile_dir(os.path.dirname(wiredesk.__file__), quiet=1)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", default="4k,8k")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus-dir", type=Path, default=HERE / "out")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--phases", metavar="SHAPE", help="time each step of one run of SHAPE")
    ap.add_argument(
        "--no-bytecode", action="store_true", help="do not compile wiredesk's bytecode first"
    )
    args = ap.parse_args()
    if not args.no_bytecode:
        compile_bytecode()
    if args.phases:
        run_phases(args.phases, corpus(args.phases, args.corpus_dir))
        return
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
    bytecode = "not compiled first" if args.no_bytecode else "compiled first"
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; bytecode {bytecode}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
