"""Benchmark: does wiredesk read what feedparser reads? Per-field agreement on material the
project did not write, and both parsers' speed on it, in the same run.

Every file of feedparser's own test corpus (tests/fixtures/feedparser, BSD-2-Clause: about
2,100 small feeds, each written to exercise one rule of one format) and the project's agency
samples (the demo's and tests/formats/samples) goes through `wiredesk.parse` and through
`feedparser.parse`. Where both read at least one entry, the entries are paired in document
order and five fields compared, each only where feedparser has a value:

- title: wiredesk's headline (plain text) against feedparser's title as text (feedparser keeps
  markup in an HTML title; here it is stripped and unescaped, as a reader would see it);
- link, guid (feedparser's `id`), published (feedparser's `published_parsed`, else
  `updated_parsed`, to the second, UTC);
- body text: wiredesk's body as text against the text of feedparser's first content, else
  its summary, both with whitespace collapsed. wiredesk lifts a dateline, credit line or
  sign-off, disclaimer and `Source :` line out of the body into fields (the page shows them
  apart); a body that differs from feedparser's by those alone (at most 200 characters of
  them) counts as agreeing, and the count of such bodies is printed.

Every disagreement gets a kind (wiredesk has nothing, one is a prefix of the other, they
differ only in whitespace or entities, …) so the kinds can be reviewed one by one
(docs/formats.md says who is right for each). Files only one parser reads are counted apart.

    .venv/bin/python bench/fidelity.py                      # the table and the kinds
    .venv/bin/python bench/fidelity.py --show 'title:*'     # every title disagreement
    .venv/bin/python bench/fidelity.py --json out.json
"""

from __future__ import annotations

import argparse
import calendar
import fnmatch
import html
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPORA = {
    "feedparser": REPO / "tests" / "fixtures" / "feedparser",
    "samples": REPO / "src" / "wiredesk" / "demo" / "samples",
    "format samples": REPO / "tests" / "formats" / "samples",
}
FIELDS = ("title", "link", "guid", "published", "body")
TARGETS = {"title": 0.995, "body": 0.95}  # issue 12's, where feedparser reads the file
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def as_text(markup: str | None) -> str:
    """What a reader sees of a piece of HTML: tags dropped, entities decoded, spaces collapsed."""
    if not markup:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup))).strip()


def plain(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


@dataclass
class Tally:
    compared: Counter[str] = field(default_factory=Counter)
    agreed: Counter[str] = field(default_factory=Counter)
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str], list[dict[str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    files: Counter[str] = field(default_factory=Counter)
    lifted: int = 0  # bodies that agree once the attribution wiredesk lifted is set aside


def kind_of(name: str, ours: str, theirs: str) -> str:
    """A name for how two values of one field differ."""
    if not ours:
        return "wiredesk empty"
    if name == "published":
        return "different time"
    if ours.casefold() == theirs.casefold():
        return "case only"
    squeeze = re.compile(r"[\s\u00a0\u200b]+")
    if squeeze.sub("", ours) == squeeze.sub("", theirs):
        return "whitespace only"
    if html.unescape(ours) == html.unescape(theirs) or as_text(ours) == as_text(theirs):
        return "entities or markup left in"
    if theirs.startswith(ours):
        return "wiredesk cut short"
    if ours.startswith(theirs):
        return "wiredesk longer"
    if name == "link" and (ours.rstrip("/") == theirs.rstrip("/")):
        return "trailing slash"
    if name == "link" and not theirs.startswith(("http:", "https:")):
        return "feedparser's link not absolute"
    if theirs in ours:
        return "feedparser's inside wiredesk's"
    if ours in theirs:
        return "wiredesk's inside feedparser's"
    return "different"


def _only_lifted(item: Any, ours: str, theirs: str) -> bool:
    """Whether wiredesk's body is feedparser's with only the apparatus the pipeline lifts
    into fields taken out (a dateline, a credit or sign-off, a disclaimer, a `Source :`
    line): by design, the page and the feeds show those apart."""
    lifted = [
        item.credit_line,
        item.upstream_disclaimer,
        item.upstream_source,
        item.dateline_place,
    ]
    if not ours or not any(lifted) or ours not in theirs:
        return False
    rest = theirs.replace(ours, " ", 1)
    for text in (item.credit_line, item.upstream_disclaimer):
        if text:
            rest = rest.replace(plain(text), " ")
    return len(plain(rest)) <= 200  # what is left is apparatus, not a paragraph of story


def their_fields(entry: Any) -> dict[str, str]:
    content = entry.get("content") or []
    body = content[0].get("value") if content else entry.get("summary")
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    stamp = ""
    if when:
        try:
            stamp = datetime.fromtimestamp(calendar.timegm(when), UTC).strftime("%Y-%m-%dT%H:%M:%S")
        except (OverflowError, ValueError, TypeError):
            stamp = ""
    return {
        "title": as_text(entry.get("title")),
        "link": entry.get("link") or "",
        "guid": entry.get("id") or "",
        "published": stamp,
        "body": as_text(body),
    }


def our_fields(item: Any) -> dict[str, str]:
    when = item.published_at or item.updated_at
    return {
        "title": plain(item.headline),
        "link": item.link or "",
        "guid": item.guid or "",
        "published": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") if when else "",
        "body": plain(item.body_text) or as_text(item.body_html),
    }


def files_of(corpora: Iterable[str]) -> list[tuple[str, Path]]:
    out = []
    for name in corpora:
        root = CORPORA[name]
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name not in ("LICENSE", "README.md"):
                out.append((name, path))
    return out


def run(corpora: Iterable[str]) -> tuple[Tally, dict[str, float], int]:
    import feedparser

    import wiredesk

    tally = Tally()
    seconds = {"wiredesk": 0.0, "feedparser": 0.0}
    files = files_of(corpora)
    for corpus, path in files:
        data = path.read_bytes()
        t0 = time.perf_counter()
        try:
            ours = wiredesk.parse(data, location=str(path))
        except Exception:
            ours = []
        t1 = time.perf_counter()
        theirs = feedparser.parse(data).entries  # bytes: never fetched, never a path
        t2 = time.perf_counter()
        seconds["wiredesk"] += t1 - t0
        seconds["feedparser"] += t2 - t1
        if not ours and not theirs:
            tally.files["read by neither"] += 1
            continue
        if not theirs:
            tally.files[f"read by wiredesk only ({corpus})"] += 1
            continue
        if not ours:
            tally.files[f"read by feedparser only ({corpus})"] += 1
            continue
        tally.files["read by both"] += 1
        rel = str(path.relative_to(REPO))
        for item, entry in zip(ours, theirs, strict=False):
            mine, other = our_fields(item), their_fields(entry)
            for name in FIELDS:
                if not other[name]:
                    continue
                tally.compared[name] += 1
                if mine[name] == other[name]:
                    tally.agreed[name] += 1
                    continue
                if name == "body" and _only_lifted(item, mine[name], other[name]):
                    tally.agreed[name] += 1  # the same story; its apparatus is in fields
                    tally.lifted += 1
                    continue
                key = (name, kind_of(name, mine[name], other[name]))
                tally.kinds[key] += 1
                tally.examples[key].append(
                    {"file": rel, "wiredesk": mine[name][:200], "feedparser": other[name][:200]}
                )
    return tally, seconds, len(files)


def report(tally: Tally, seconds: dict[str, float], files: int, show: str | None) -> None:
    print(f"{files} files; {dict(tally.files)}")
    speed = seconds["feedparser"] / seconds["wiredesk"] if seconds["wiredesk"] else 0.0
    print(
        f"parse time over every file: wiredesk {seconds['wiredesk']:.2f} s, feedparser "
        f"{seconds['feedparser']:.2f} s (wiredesk {speed:.1f}x as fast)"
    )
    print(
        f"bodies agreeing once the attribution wiredesk lifts into fields is set aside: "
        f"{tally.lifted}"
    )
    print(f"\n{'field':10} {'compared':>9} {'agree':>8}  target")
    for name in FIELDS:
        n = tally.compared[name]
        share = tally.agreed[name] / n if n else 0.0
        target = TARGETS.get(name)
        mark = (
            "" if target is None else f"{target:.1%} " + ("met" if share >= target else "NOT met")
        )
        print(f"{name:10} {n:9,} {share:8.2%}  {mark}")
    print("\ndisagreements by kind (field: kind: count, first example):")
    for (name, kind), count in sorted(tally.kinds.items(), key=lambda kv: (kv[0][0], -kv[1])):
        first = tally.examples[(name, kind)][0]
        print(f"  {name}: {kind}: {count}  e.g. {first['file']}")
    if show:
        print()
        for (name, kind), examples in sorted(tally.examples.items()):
            if fnmatch.fnmatch(f"{name}:{kind}", show):
                for e in examples:
                    print(f"{name}: {kind}: {e['file']}")
                    print(f"    wiredesk:   {e['wiredesk']!r}")
                    print(f"    feedparser: {e['feedparser']!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpora", default=",".join(CORPORA), help="which of: " + ", ".join(CORPORA))
    ap.add_argument("--show", help="print every disagreement matching FIELD:KIND (glob)")
    ap.add_argument("--json", type=Path, help="write the figures and every example here")
    args = ap.parse_args()
    sys.setrecursionlimit(10_000)
    tally, seconds, files = run(args.corpora.split(","))
    report(tally, seconds, files, args.show)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "files": files,
                    "file_counts": dict(tally.files),
                    "seconds": seconds,
                    "fields": {
                        n: {"compared": tally.compared[n], "agreed": tally.agreed[n]}
                        for n in FIELDS
                    },
                    "kinds": [
                        {"field": n, "kind": k, "count": c, "examples": tally.examples[(n, k)]}
                        for (n, k), c in tally.kinds.items()
                    ],
                },
                ensure_ascii=False,
                indent=1,
            ),
            "utf-8",
        )


if __name__ == "__main__":
    main()
