"""Check: the pipeline and the syndication fingerprint give exactly what another revision gives.

Speeding up the pure part of ingest (`pipeline.process`, `syndication.engine.fingerprint`) must
not change a single output. This runs both on many items and compares every field of every
processed item, and every fingerprint, with what a reference revision (default `main`)
computes from the same input:

- the ingest benchmark's Hindi corpora, both shapes (`ingest_cli.SHAPES`);
- the site benchmark's Hindi and English wire copy (`site_corpus`);
- every item the parsers read from `tests/fixtures` (feedparser's corpus, NewsML-G2, ...) and
  the seed story, as HTML and as plain text;
- variants of corpus items made to reach the less common paths: `<br>` and raw newlines for
  paragraph breaks, entities, decomposed nukta letters, wrappers, attributes, upper-case tags,
  odd spacing, empty paragraphs, control characters, attribution run into one paragraph.

Items go through in one sequence, as ingest sends them, and the fixture items a second time in
reverse order, so that the stages' memos and caches meet another history.

    .venv/bin/python bench/pipeline_equivalence.py              # this tree against main
    .venv/bin/python bench/pipeline_equivalence.py --ref HEAD~3
    .venv/bin/python bench/pipeline_equivalence.py --write out.jsonl   # digests only

The reference revision's `src` is unpacked into a temporary folder (with its C extension: the
built one of this tree when `_native.c` is the same, else built there), and each side runs in a
process of its own with its `src` first on the path. Exit status 1 when anything differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RECEIVED = datetime(2026, 2, 6, 12, 0, tzinfo=UTC)


def _corpus_items(tmp: Path) -> Iterator[tuple[str, object, str | None]]:
    """(label, item, feed language) of the benchmark corpora."""
    sys.path.insert(0, str(HERE))
    from hindi_corpus import write_corpus
    from ingest_cli import SHAPES
    from site_corpus import AGENCIES, chunk_items, rss_document

    from wiredesk import formats

    for shape, (total, per_file, paragraphs) in SHAPES.items():
        folder = tmp / f"corpus-{shape}"
        files = write_corpus(folder, total=total, per_file=per_file, paragraphs=paragraphs)
        for path in files:
            result = formats.parse_payload(path.read_bytes())
            for i, item in enumerate(result.items):
                yield f"{shape}/{path.name}/{i}", item, result.language
    site = chunk_items("equivalence", 1, 0, 1, 4000, datetime(2026, 2, 5, tzinfo=UTC))
    for agency in AGENCIES:
        batch = [i for i in site if i.agency.id == agency.id]
        result = formats.parse_payload(rss_document(agency, batch).encode())
        for i, item in enumerate(result.items):
            yield f"site/{agency.id}/{i}", item, result.language


def _fixture_items() -> Iterator[tuple[str, object, str | None]]:
    from wiredesk import formats
    from wiredesk.model import Item

    root = REPO / "tests" / "fixtures"
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name in ("LICENSE", "README.md"):
            continue
        name = str(path.relative_to(root))
        try:
            result = formats.parse_payload(path.read_bytes())
        except Exception:
            continue
        for i, item in enumerate(result.items):
            yield f"fixture/{name}/{i}", item, result.language
    seed = (root / "seed" / "seed-story.hi.txt").read_text(encoding="utf-8")
    headline = "चीनी राष्ट्रपति शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति से मुलाकात की"
    yield "seed/text", Item(guid="seed", headline=headline, body_html=seed), None
    paragraphs = "".join(f"<p>{line}</p>" for line in seed.splitlines() if line.strip())
    yield "seed/html", Item(guid="seed-html", headline=headline, body_html=paragraphs), "hi"
    yield "seed/br", Item(guid="seed-br", body_html=seed.replace("\n", "<br>")), None


_TRAILER = (
    "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)",
    "डिस्क्लेमरः यह आईएएनएस न्यूज फीड से सीधे पब्लिश हुई खबर है.",
    "Source : IANS",
    "(With inputs from PTI)",
    "Source: PTI",
)


def _variants(body: str, rng: random.Random) -> Iterator[tuple[str, str]]:
    """Bodies like `body` (a run of `<p>` paragraphs) in the shapes feeds also send."""
    paras = body.removeprefix("<p>").removesuffix("</p>").split("</p><p>")
    yield "br", "<p>" + "<br>".join(paras) + "</p>"
    yield "br-slash", "<p>" + "<br />".join(paras) + "</p>"
    yield "newline", "<p>" + "\n".join(paras) + "</p>"
    yield "text", "\n".join(paras)
    yield "text-crlf", "\r\n".join(paras)
    yield "spaced", "\n".join(f"<p>{p}</p>" for p in paras)
    yield "upper", "".join(f"<P>{p}</P>" for p in paras)
    yield "attrs", "".join(f'<p class="x" style="y">{p}</p>' for p in paras)
    yield "div", "<div>" + "".join(f"<div>{p}</div>" for p in paras) + "</div>"
    yield "unclosed", "".join(f"<p>{p}" for p in paras)
    yield "empty", "<p></p><p> </p>" + body + "<p>&nbsp;</p><p><br></p>"
    yield "nbsp", body.replace(" ", "\xa0", 3).replace("। ", "।  ", 2)
    yield "padded", "".join(f"<p>  {p} </p>" for p in paras)
    yield "entities", body.replace("।", "&#2404;", 2).replace(",", "&amp;", 1) + "<p>&lt;x&gt;</p>"
    yield "control", body.replace(" ", "&#1;", 1).replace("।", "\x0b।", 1)
    yield "nfd", unicodedata.normalize("NFD", body)
    yield "nfd-ra", body.replace("र", "र\u093c", 2).replace("न", "न\u093c\u0951", 1)
    yield "zw", body.replace(" ", " \u200b", 2).replace("्", "्\u200d", 2)
    yield "bold-dateline", body.replace("<p>", "<p><b>", 1).replace("।", "।</b>", 1)
    yield (
        "link",
        body.replace("<p>", '<p><a href="http://x.example/?a=1&b=2">', 1).replace("।", "</a>।", 1),
    )
    yield "script", "<script>alert(1)</script>" + body + "<style>p{}</style>"
    yield "comment", "<!-- c -->" + body
    yield "tags-in-text", body.replace("।", " <i>x</i> ", 1).replace("।", " < and > ", 1)
    yield "h1", "<h1>" + paras[0] + "</h1>" + "".join(f"<p>{p}</p>" for p in paras[1:])
    yield "list", "<ul>" + "".join(f"<li>{p}</li>" for p in paras) + "</ul>"
    yield "surrogate", body.replace("।", "\ud800", 1)
    yield "only-dateline", "<p>" + paras[0][:40] + "</p>"
    trailer = rng.sample(_TRAILER, rng.randint(1, 4))
    yield "trailer-p", body + "".join(f"<p>{t}</p>" for t in trailer)
    yield "trailer-br", body[:-4] + "".join(f"<br>{t}" for t in trailer) + "</p>"
    yield "trailer-newline", body[:-4] + "".join(f"\n{t}" for t in trailer) + "</p>"
    yield "trailer-run", body[:-4] + " " + " ".join(trailer) + "</p>"
    yield "credit-first", f"<p>{_TRAILER[0]}</p>" + body
    yield "credit-only", f"<p>{_TRAILER[0]}</p>"
    yield "trailer-only", "".join(f"<p>{t}</p>" for t in trailer)
    yield "bold-trailer", body + f"<p><b>{trailer[0]}</b></p>"


def _mutated_items(
    base: list[tuple[str, object, str | None]],
) -> Iterator[tuple[str, object, str | None]]:
    from dataclasses import replace

    rng = random.Random(5)
    for label, item, language in base[::97]:
        body = item.body_html  # type: ignore[attr-defined]
        if not body.startswith("<p>"):
            continue
        for name, variant in _variants(body, rng):
            yield f"{label}~{name}", replace(item, body_html=variant), language  # type: ignore[type-var]
        yield f"{label}~no-headline", replace(item, headline=""), language  # type: ignore[type-var]
        yield f"{label}~no-language", replace(item, language=None), None  # type: ignore[type-var]


def _digest(value: object) -> str:
    return hashlib.blake2b(
        repr(value).encode("utf-8", "backslashreplace"), digest_size=10
    ).hexdigest()


def _outcome(item: object, language: str | None, site_language: str) -> dict[str, str]:
    from wiredesk import pipeline
    from wiredesk.pipeline.context import StageContext
    from wiredesk.syndication.engine import fingerprint

    ctx = StageContext(
        source_name="IANS",
        default_section="desh",
        site_language=site_language,
        sections={"desh": "देश", "videsh": "विदेश", "khel": "खेल", "world": "दुनिया"},
        feed_language=language,
        received_at=RECEIVED + timedelta(days=400),
    )
    try:
        out = pipeline.process(item, ctx)  # type: ignore[arg-type]
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}"}
    result = {f.name: _digest(getattr(out, f.name)) for f in fields(out)}
    try:
        fp = fingerprint(out.headline, out.body_text, out.language)
        result["fingerprint"] = _digest((fp.exact, fp.signature, fp.features, fp.language))
    except Exception as e:
        result["fingerprint"] = f"error {type(e).__name__}: {e}"
    return result


def write(out: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="wiredesk-equivalence-") as tmp:
        corpus = list(_corpus_items(Path(tmp)))
    fixtures = list(_fixture_items())
    mutated = list(_mutated_items(corpus)) + list(_mutated_items(fixtures))
    runs = [("", corpus), ("", fixtures), ("", mutated), ("again:", fixtures[::-1])]
    count = 0
    with out.open("w", encoding="utf-8") as f:
        for prefix, items in runs:
            for label, item, language in items:
                for site_language in ("hi", "en") if label.startswith("fixture") else ("hi",):
                    outcome = _outcome(item, language, site_language)
                    key = f"{prefix}{label}@{site_language}"
                    f.write(json.dumps({"id": key, **outcome}, ensure_ascii=False) + "\n")
                    count += 1
    return count


def _reference_src(ref: str, tmp: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref, "src", "setup.py"],
        check=True,
        capture_output=True,
    ).stdout
    tmp.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    same_c = (
        subprocess.run(
            [
                "git",
                "-C",
                str(REPO),
                "diff",
                "--quiet",
                ref,
                "--",
                "src/wiredesk/syndication/_native.c",
            ]
        ).returncode
        == 0
    )
    built = sorted((REPO / "src/wiredesk/syndication").glob("_native*.so"))
    if same_c and built:
        shutil.copy(built[0], tmp / "src/wiredesk/syndication" / built[0].name)
    else:
        subprocess.run(
            [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
            cwd=tmp,
            check=True,
            capture_output=True,
        )
    return tmp / "src"


def _run_side(src: Path, out: Path) -> None:
    code = (
        "import runpy, sys; src = sys.argv[1]; sys.argv = sys.argv[2:]; "
        "sys.path.insert(0, src); runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(src), __file__, "--write", str(out)], check=True
    )


def _load(path: Path) -> dict[str, dict[str, str]]:
    rows = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            rows[row.pop("id")] = row
    return rows


def compare(ref: str) -> int:
    with tempfile.TemporaryDirectory(prefix="wiredesk-equivalence-ref-") as tmp_name:
        tmp = Path(tmp_name)
        ref_src = _reference_src(ref, tmp / "ref")
        _run_side(ref_src, tmp / "ref.jsonl")
        _run_side(REPO / "src", tmp / "new.jsonl")
        old, new = _load(tmp / "ref.jsonl"), _load(tmp / "new.jsonl")
    differ = 0
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a != b:
            differ += 1
            if differ <= 30:
                what = (
                    "missing"
                    if a is None or b is None
                    else sorted(k for k in a if a[k] != b.get(k))
                )
                print(f"DIFFERS {key}: {what}")
    errors = sum(1 for row in new.values() if "error" in row)
    print(
        f"{len(new):,} outcomes compared with {ref} ({errors:,} items the pipeline refuses, "
        f"on both sides alike): {differ:,} differ"
    )
    return 1 if differ else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", default="main", help="the revision to compare with")
    ap.add_argument("--write", type=Path, help="only write this tree's digests here")
    args = ap.parse_args()
    if args.write:
        import wiredesk

        count = write(args.write)
        print(f"{count:,} outcomes from {Path(wiredesk.__file__).parent}", file=sys.stderr)
        return
    sys.exit(compare(args.ref))


if __name__ == "__main__":
    main()
