"""The feedparser project's own corpus: 1,700 real-world-shaped feeds nobody here wrote.

Every file must either give items or a `FormatError` (a bad feed is recorded against its
envelope; any other exception would stop a source). And where feedparser finds an entry with
something to publish, we must find at least one item in nearly every file.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import feedparser
import pytest

from tests import fixture_files
from wiredesk.errors import FormatError
from wiredesk.formats import parse_payload
from wiredesk.formats.fields import plain_text

FIXTURES = fixture_files.FEEDPARSER
WELLFORMED = FIXTURES / "wellformed"
# Ill-formed and oddly encoded files: only "no crash" is asserted for them.
ROUGH = [FIXTURES / "illformed", FIXTURES / "encoding", FIXTURES / "entities"]


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".xml", ".json"))


def _outcome(path: Path) -> int:
    """Items read, or -1 for a FormatError; any other exception fails the test with the path."""
    try:
        return len(parse_payload(path.read_bytes()).items)
    except FormatError as e:
        assert str(e) and "\n" not in str(e), f"{path}: message must be one line"
        return -1
    except Exception as e:  # pragma: no cover - the failure message is the point
        pytest.fail(f"{path.relative_to(FIXTURES)}: {type(e).__name__}: {e}")


def _feedparser_has_publishable_entry(path: Path) -> bool:
    """An entry with a title or body that has text; empty entries are skipped by design."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = feedparser.parse(io.BytesIO(path.read_bytes()))
    return any(
        plain_text(e.get("title"))
        or plain_text(e.get("summary"))
        or any(plain_text(c.get("value")) for c in e.get("content") or [])
        for e in parsed.entries
    )


def test_the_corpus_is_present() -> None:
    # Fail, never skip, when the fixtures are missing: a silent skip would hide every check.
    assert len(_files(WELLFORMED)) > 1500, f"feedparser corpus missing under {WELLFORMED}"
    for sub in ("rss", "atom", "atom10", "rdf"):
        assert _files(WELLFORMED / sub), f"no files in {WELLFORMED / sub}"
    assert _files(FIXTURES / "json"), "no JSON Feed sample in the corpus"


def test_wellformed_corpus_gives_items_wherever_feedparser_does() -> None:
    expected = missed = 0
    missing: list[str] = []
    for path in [*_files(WELLFORMED), *_files(FIXTURES / "json")]:
        got = _outcome(path)
        if _feedparser_has_publishable_entry(path):
            expected += 1
            if got <= 0:
                missed += 1
                missing.append(str(path.relative_to(FIXTURES)))
    assert expected > 400
    assert missed <= expected * 0.10, f"{missed}/{expected} files gave no items: {missing}"


@pytest.mark.parametrize("folder", ROUGH, ids=lambda p: p.name)
def test_rough_files_give_items_or_a_format_error(folder: Path) -> None:
    files = _files(folder)
    assert files, f"no fixtures in {folder}"
    outcomes = [_outcome(path) for path in files]
    assert any(n > 0 for n in outcomes)


def test_jsonfeed_sample_from_the_corpus() -> None:
    result = parse_payload((FIXTURES / "json" / "example.json").read_bytes())
    assert result.title == "My Example Feed"
    assert [i.guid for i in result.items] == ["2", "1"]
    assert result.items[0].categories == ["test", "JSON"]
    assert result.items[1].byline == "you"
