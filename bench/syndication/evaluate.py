"""Measure a clusterer on the labelled syndication set, beside the naive reference.

    .venv/bin/python bench/syndication/evaluate.py                       # exact_hash + naive
    .venv/bin/python bench/syndication/evaluate.py --system wiredesk.dedupe:cluster
    .venv/bin/python bench/syndication/evaluate.py --size 100000 --no-naive --json

A system is any function `cluster(records: list[dict]) -> list[str]` named `module:function`
(importable from the repository root, `src/` or this folder). It receives the records without
their `cluster` label and returns one label per record, in order. Beside pairwise
precision/recall/F1 and ARI, the report says which edits a system fails to see through (the
share of edited copies kept with their original) and which hard negatives it merges (the share
of related-but-different story pairs it put in one cluster).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
for p in (HERE, REPO / "src", REPO):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import generate  # noqa: E402
import naive  # noqa: E402
import portal_set  # noqa: E402
from generate import Labelled  # noqa: E402
from metrics import score, subset_scores, timed  # noqa: E402

# The labelled sets: the agency set of issue 5 (Hindi and English, fifteen portal edits) and
# the portal-lead set of issue 14 (six languages, a portal's own lead over the wire).
SETS = {"agency": generate.iter_labelled, "portal": portal_set.iter_labelled}

System = Callable[[list[dict[str, str]]], list[str]]


class UsageError(Exception):
    """A mistake on the command line; the message says what to do."""


def load_system(spec: str) -> System:
    module_name, sep, func_name = spec.partition(":")
    if not sep or not module_name or not func_name:
        raise UsageError(
            f"--system {spec!r}: expected module:function, e.g. exact_hash:cluster "
            "or wiredesk.dedupe:cluster"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(
            f"--system {spec!r}: cannot import module {module_name!r} ({exc}); it must be "
            f"importable from {REPO}, {REPO / 'src'} or {HERE}"
        ) from exc
    fn = getattr(module, func_name, None)
    if not callable(fn):
        raise UsageError(f"--system {spec!r}: {module_name} has no function {func_name!r}")
    return fn  # type: ignore[no-any-return]


def hard_negative_group(lab: Labelled) -> str:
    if lab.kind == "template":
        return "template:" + lab.family.split("-", 2)[2]
    return lab.kind


def diagnose(labs: Sequence[Labelled], labels: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per edit: share of copies labelled like their original. Per hard-negative kind: share
    of pairs of different stories in one family that share a label somewhere."""
    original: dict[str, str] = {}
    for lab, label in zip(labs, labels, strict=True):
        if lab.role == "original":
            original[lab.record["cluster"]] = label
    kept: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for lab, label in zip(labs, labels, strict=True):
        if lab.role == "original":
            continue
        same = int(label == original.get(lab.record["cluster"]))
        for name in lab.edits or ("exact",):
            kept[name][0] += same
            kept[name][1] += 1
    families: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    group_of: dict[str, str] = {}
    for lab, label in zip(labs, labels, strict=True):
        if lab.family:
            families[lab.family][lab.record["cluster"]].add(label)
            group_of[lab.family] = hard_negative_group(lab)
    merged: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for family, clusters in families.items():
        for a, b in combinations(sorted(clusters), 2):
            merged[group_of[family]][0] += int(bool(clusters[a] & clusters[b]))
            merged[group_of[family]][1] += 1
    truth = [lab.record["cluster"] for lab in labs]
    by_edit: dict[str, dict[str, float]] = {}
    for name in sorted({e for lab in labs for e in lab.edits}):
        member = [name in lab.edits for lab in labs]
        by_edit[name] = _subset(truth, labels, member, sum(member))
    by_language: dict[str, dict[str, float]] = {}
    for lang in sorted({lab.record["language"] for lab in labs}):
        member = [lab.record["language"] == lang for lab in labs]
        by_language[lang] = _subset(truth, labels, member, sum(member))
    return {
        "pairs_by_edit": by_edit,
        "pairs_by_language": by_language,
        "copy_kept_with_original": {
            k: {"rate": v[0] / v[1], "copies": v[1]} for k, v in sorted(kept.items())
        },
        "negative_pairs_merged": {
            k: {"rate": v[0] / v[1], "pairs": v[1]} for k, v in sorted(merged.items())
        },
    }


def _subset(
    truth: Sequence[str], labels: Sequence[str], member: list[bool], items: int
) -> dict[str, float]:
    precision, recall, true_pairs, predicted_pairs = subset_scores(truth, labels, member)
    return {"precision": precision, "recall": recall, "true_pairs": true_pairs,
            "predicted_pairs": predicted_pairs, "items": items}  # fmt: skip


def run(
    seed: int = 0,
    size: int | None = None,
    system: str = "exact_hash:cluster",
    with_naive: bool = True,
    max_naive: int = 20000,
    labelled_set: str = "agency",
) -> dict[str, Any]:
    fn = load_system(system)
    if labelled_set not in SETS:
        raise UsageError(f"--set {labelled_set!r}: expected one of {', '.join(SETS)}")
    labs = list(SETS[labelled_set](seed, size))
    truth = [lab.record["cluster"] for lab in labs]
    inputs = [{k: v for k, v in lab.record.items() if k != "cluster"} for lab in labs]
    result: dict[str, Any] = {
        "set": {
            "name": labelled_set,
            "seed": seed,
            "items": len(labs),
            "clusters": len(set(truth)),
            "languages": sorted({lab.record["language"] for lab in labs}),
        },
        "systems": [],
    }
    t = timed(fn, inputs)
    result["systems"].append(
        {
            "name": system,
            "threshold": None,
            "scores": score(truth, t.labels).as_dict(),
            "seconds": t.seconds,
            "items_per_second": t.items_per_second,
            "diagnostics": diagnose(labs, t.labels),
        }
    )
    if with_naive and len(labs) > max_naive:
        result["naive_skipped"] = f"{len(labs)} items > --max-naive {max_naive}"
    elif with_naive:
        sims = naive.pair_similarities(inputs)
        sweeps = naive.sweep(inputs, truth, sims=sims)
        for measure, sw in sweeps.items():
            labels = naive.cluster_at(sims, measure, sw.best_threshold)
            result["systems"].append(
                {
                    "name": f"naive 3-shingle {measure} (best threshold, oracle)",
                    "threshold": sw.best_threshold,
                    "scores": sw.best.as_dict(),
                    "seconds": sw.seconds,
                    "items_per_second": len(labs) / sw.seconds if sw.seconds else 0.0,
                    "diagnostics": diagnose(labs, labels),
                    "curve": [
                        {"threshold": th, "precision": s.precision, "recall": s.recall,
                         "f1": s.f1, "ari": s.ari}
                        for th, s in sw.curve
                    ],
                }
            )  # fmt: skip
    return result


def render(result: dict[str, Any]) -> str:
    s = result["set"]
    lines = [
        f"set: {s.get('name', 'agency')}, {s['items']} items, {s['clusters']} clusters, "
        f"languages {', '.join(s['languages'])}, seed {s['seed']}",
        "",
        f"{'system':<52} {'thr':>5} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} {'items/s':>10}",
    ]
    for sys_ in result["systems"]:
        sc = sys_["scores"]
        thr = f"{sys_['threshold']:.2f}" if sys_["threshold"] is not None else "-"
        lines.append(
            f"{sys_['name']:<52} {thr:>5} {sc['precision']:6.3f} {sc['recall']:6.3f} "
            f"{sc['f1']:6.3f} {sc['ari']:6.3f} {sys_['items_per_second']:10.0f}"
        )
    if "naive_skipped" in result:
        lines.append(f"(naive reference skipped: {result['naive_skipped']})")
    names = [x["name"].split(" (")[0] for x in result["systems"]]
    width = max(12, *(len(n) for n in names))
    for title, key in (
        ("pairs touching copies with each edit: P / R", "pairs_by_edit"),
        ("pairs touching items in each language: P / R", "pairs_by_language"),
    ):
        lines += ["", title + ":"]
        rows = sorted({k for x in result["systems"] for k in x["diagnostics"][key]})
        lines.append(f"  {'':<22}" + "".join(f" {n[:width]:>{width}}" for n in names))
        for row in rows:
            cells = []
            count = 0
            for x in result["systems"]:
                d = x["diagnostics"][key].get(row)
                count = d["true_pairs"] if d else count
                cell = f"{d['precision']:.3f} / {d['recall']:.3f}" if d else "-"
                cells.append(f" {cell:>{width}}")
            lines.append(f"  {row:<22}" + "".join(cells) + f"   ({count} true pairs)")
    for title, key, unit in (
        ("edited copies kept with their original", "copy_kept_with_original", "copies"),
        ("hard-negative story pairs merged (lower is better)", "negative_pairs_merged", "pairs"),
    ):
        lines += ["", title + ":"]
        rows = sorted({k for x in result["systems"] for k in x["diagnostics"][key]})
        lines.append(f"  {'':<22}" + "".join(f" {n[:width]:>{width}}" for n in names))
        for row in rows:
            cells = []
            count = 0
            for x in result["systems"]:
                d = x["diagnostics"][key].get(row)
                count = d[unit] if d else count
                cells.append(f" {d['rate']:>{width}.3f}" if d else f" {'-':>{width}}")
            lines.append(f"  {row:<22}" + "".join(cells) + f"   ({count} {unit})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=None, help="items (default: one block)")
    ap.add_argument("--system", default="exact_hash:cluster", help="module:function")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive reference")
    ap.add_argument("--max-naive", type=int, default=20000, help="skip naive above this size")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--set", default="agency", choices=sorted(SETS), help="labelled set")
    args = ap.parse_args(argv)
    try:
        result = run(args.seed, args.size, args.system, not args.no_naive, args.max_naive, args.set)
    except UsageError as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
