"""The bundled sample feeds are the first thing a new user sees: `wiredesk demo` serves them.

These tests read the files as they ship (through the package, as the demo does) and check
what the demo relies on: every file is a well-formed feed, there are enough stories in both
languages and several sections, guids are stable and unique, the update drop really updates an
earlier story, the seed's shape (credit, disclaimer, `Source :` lines) is represented, nothing
points at a real host, and the example configuration loads and covers every section used.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from importlib.resources import files
from pathlib import Path

import pytest
from lxml import etree

from wiredesk.config import load_settings, section_key
from wiredesk.formats import parse
from wiredesk.model import Envelope, Transport

REPO = Path(__file__).resolve().parents[2]
SAMPLES = Path(str(files("wiredesk.demo") / "samples"))
EXAMPLE_CONFIG = REPO / "examples" / "wiredesk.toml"

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Namespace and spec URIs that appear in the files but are never fetched.
SPEC_HOSTS = {"iptc.org", "purl.org", "www.w3.org", "jsonfeed.org", "search.yahoo.com"}

FEED_FILES = {
    "samachar": sorted((SAMPLES / "samachar").glob("*.xml")),
    "indiawire": [SAMPLES / "indiawire" / "feed.atom"],
    "portal": [SAMPLES / "portal" / "feed.json"],
}
UPDATE_FILE = SAMPLES / "samachar-updates" / "003-update.xml"


@dataclass(frozen=True)
class Story:
    source: str
    file: str
    guid: str
    title: str
    body: str  # HTML or plain text, as sent
    categories: tuple[str, ...]
    language: str
    published: datetime


def _xml(path: Path) -> etree._Element:
    # The same safety as the real parser: no network, no entity expansion.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.parse(str(path), parser).getroot()


def _rss_stories(source: str, path: Path) -> list[Story]:
    channel = _xml(path).find("channel")
    assert channel is not None, f"{path.name}: no <channel>"
    language = channel.findtext("language", "")
    out = []
    for item in channel.findall("item"):
        body = item.findtext(CONTENT_ENCODED) or item.findtext("description") or ""
        out.append(
            Story(
                source=source,
                file=path.name,
                guid=item.findtext("guid", ""),
                title=item.findtext("title", ""),
                body=body,
                categories=tuple(c.text or "" for c in item.findall("category")),
                language=language,
                published=parsedate_to_datetime(item.findtext("pubDate", "")),
            )
        )
    return out


def _atom_stories(source: str, path: Path) -> list[Story]:
    root = _xml(path)
    language = root.get(XML_LANG, "")
    return [
        Story(
            source=source,
            file=path.name,
            guid=entry.findtext(f"{ATOM}id", ""),
            title=entry.findtext(f"{ATOM}title", ""),
            body=entry.findtext(f"{ATOM}content", ""),
            categories=tuple(c.get("term", "") for c in entry.findall(f"{ATOM}category")),
            language=language,
            published=datetime.fromisoformat(entry.findtext(f"{ATOM}published", "")),
        )
        for entry in root.findall(f"{ATOM}entry")
    ]


def _json_stories(source: str, path: Path) -> list[Story]:
    feed = json.loads(path.read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    return [
        Story(
            source=source,
            file=path.name,
            guid=item["id"],
            title=item["title"],
            body=item.get("content_html") or item["content_text"],
            categories=tuple(item.get("tags", [])),
            language=item.get("language", feed["language"]),
            published=datetime.fromisoformat(item["date_published"]),
        )
        for item in feed["items"]
    ]


def _stories(source: str, path: Path) -> list[Story]:
    if path.suffix == ".json":
        return _json_stories(source, path)
    if path.suffix == ".atom":
        return _atom_stories(source, path)
    return _rss_stories(source, path)


@pytest.fixture(scope="module")
def stories() -> list[Story]:
    return [s for source, paths in FEED_FILES.items() for p in paths for s in _stories(source, p)]


def _text_lines(body: str) -> list[str]:
    """The body as a reader sees it: one line per paragraph, tags dropped."""
    text = re.sub(r"</(?:p|li|blockquote|figcaption)>|<br\s*/?>", "\n", body)
    text = re.sub(r"<[^>]+>", "", text)
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_sample_files_are_where_the_demo_looks() -> None:
    assert len(FEED_FILES["samachar"]) >= 2, "the Hindi agency needs at least two drop files"
    for paths in FEED_FILES.values():
        for p in paths:
            assert p.is_file(), p
    assert UPDATE_FILE.is_file()
    assert (SAMPLES / "README.md").is_file()


def test_every_sample_file_is_well_formed() -> None:
    checked = 0
    for path in sorted(SAMPLES.rglob("*")):
        if path.is_dir() or path.name == "README.md" or path.parent.name == "pictures":
            continue
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        else:
            assert path.suffix in (".xml", ".atom"), f"unexpected file {path}"
            _xml(path)
        checked += 1
    assert checked >= 5


def test_feed_languages_are_declared() -> None:
    assert _xml(FEED_FILES["samachar"][0]).findtext("channel/language") == "hi"
    assert _xml(FEED_FILES["indiawire"][0]).get(XML_LANG) == "en"
    assert json.loads(FEED_FILES["portal"][0].read_text(encoding="utf-8"))["language"] == "hi"


def test_enough_stories_in_both_languages_and_sections(stories: list[Story]) -> None:
    assert len(stories) >= 30
    by_source = {s.source for s in stories}
    assert {"samachar", "indiawire", "portal"} <= by_source  # two agencies and a portal
    assert sum(s.source == "samachar" for s in stories) >= 14
    assert sum(s.source == "indiawire" for s in stories) >= 12
    assert sum(s.source == "portal" for s in stories) >= 4
    for lang in ("hi", "en"):
        sections = {c for s in stories if s.language == lang for c in s.categories}
        assert len(sections) >= 3, f"{lang}: only sections {sections}"
    assert all(s.categories for s in stories), "every story names its section"


def test_stories_read_like_agency_copy(stories: list[Story]) -> None:
    for s in stories:
        lines = _text_lines(s.body)
        words = sum(len(line.split()) for line in lines)
        assert 150 <= words <= 400, f"{s.guid}: {words} words"
        assert len(lines) >= 4, f"{s.guid}: write short paragraphs"
        if s.language == "hi":
            devanagari = sum("\u0900" <= ch <= "\u097f" for ch in s.title + s.body)
            assert devanagari > 300, f"{s.guid}: not Hindi text"
            assert "।" in s.body, f"{s.guid}: Hindi sentences end with ।"


def test_most_stories_open_with_an_agency_dateline(stories: list[Story]) -> None:
    sb = [s for s in stories if s.source == "samachar"]
    sb_datelined = [s for s in sb if re.search(r"^[^।]{2,60}, \d{1,2} फरवरी \(एसबी\)।", s.body[3:])]
    assert len(sb_datelined) > len(sb) / 2
    iws = [s for s in stories if s.source == "indiawire"]
    assert all(re.match(r"<p>[A-Z][A-Z ,a-z]+, Feb \d{1,2} \(IWS\) — ", s.body) for s in iws)


def test_dates_are_2026_spread_over_days_and_well_formed(stories: list[Story]) -> None:
    for s in stories:
        assert s.published.tzinfo is not None, s.guid
        assert s.published.year == 2026, s.guid
    times = [s.published for s in stories]
    assert max(times) - min(times) >= timedelta(hours=18)
    assert len({t.date() for t in times}) >= 2


def test_guids_are_unique_within_each_source(stories: list[Story]) -> None:
    for source in FEED_FILES:
        guids = [s.guid for s in stories if s.source == source]
        assert all(guids), f"{source}: an item without a guid"
        dupes = {g for g in guids if guids.count(g) > 1}
        assert not dupes, f"{source}: duplicate guids {dupes}"


def test_update_drop_changes_an_earlier_story(stories: list[Story]) -> None:
    (update,) = _stories("samachar", UPDATE_FILE)
    earlier = {s.guid: s for s in stories if s.source == "samachar"}
    assert update.guid in earlier, "the update must reuse a guid from an earlier drop"
    original = earlier[update.guid]
    assert update.title != original.title
    assert update.body != original.body
    assert "ताज़ा जानकारी" in update.body and "ताज़ा जानकारी" not in original.body
    assert update.published > original.published
    assert update.categories == original.categories
    # The README names the story the demo updates, so a user knows where to look.
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert update.guid in readme


def test_seed_shaped_stories_end_with_credit_lines(stories: list[Story]) -> None:
    """Like the seed: date inside the first sentence, then (साभार : X), disclaimer, Source."""
    credit = re.compile(r"^\(साभार : [^()]+\)$")
    disclaimer = re.compile(r"^डिस्क्लेमरः ")  # the visarga, not a colon
    source_line = re.compile(r"^Source : [A-Z]{2,5}$")
    shaped = []
    for s in stories:
        lines = _text_lines(s.body)
        idx = [i for i, line in enumerate(lines) if credit.match(line)]
        if not idx:
            continue
        tail = lines[idx[-1] + 1 :]
        if all(disclaimer.match(t) or source_line.match(t) for t in tail):
            shaped.append((s, lines, tail))
    assert len(shaped) >= 3
    with_disclaimer = [x for x in shaped if len(x[2]) == 2]
    assert len(with_disclaimer) >= 2, "some must carry an upstream disclaimer and Source line"
    for s, _lines, tail in with_disclaimer:
        assert disclaimer.match(tail[0]) and source_line.match(tail[1]), s.guid
    for s, lines, _ in shaped:
        first = lines[0].split("।")[0]
        assert re.search(r"\d{1,2} फरवरी को", first), f"{s.guid}: date inside the first sentence"


def test_portal_republishes_with_its_disclaimer_and_source(stories: list[Story]) -> None:
    portal = [s for s in stories if s.source == "portal"]
    ending = [s for s in portal if re.match(r"^Source : \w+$", _text_lines(s.body)[-1])]
    assert len(ending) >= 3
    assert all(_text_lines(s.body)[-2].startswith("डिस्क्लेमरः") for s in ending)
    # One portal item is an SB story word for word: the same story from two sources.
    sb_bodies = {_text_lines(s.body)[0] for s in stories if s.source == "samachar"}
    assert any(_text_lines(s.body)[0] in sb_bodies for s in portal)


def test_bodies_use_the_html_a_site_must_render(stories: list[Story]) -> None:
    html = "\n".join(s.body for s in stories)
    assert re.search(r"<a href=\"https://[^\"]+\">[^<]+</a>", html)
    assert "<blockquote>" in html
    assert re.search(r"<img [^>]*alt=\"[^\"]{10,}\"", html)
    assert "<ul>" in html
    # and at least one plain-text body, one paragraph per line, as pasted copy often is
    assert any("<p>" not in s.body for s in stories)


def test_samples_never_point_at_a_real_host() -> None:
    """The demo runs offline: every link and image is on a reserved .example domain."""
    for path in sorted(SAMPLES.rglob("*")):
        if path.is_dir() or path.parent.name == "pictures":
            continue
        text = path.read_text(encoding="utf-8")
        for host in re.findall(r"https?://([^/\"'\s<>)]+)", text):
            assert host.endswith(".example") or host in SPEC_HOSTS, f"{path.name}: {host}"


def test_wiredesk_parsers_read_every_sample() -> None:
    """The project's own format parsers find every item the raw files hold, without problems."""
    expected = {"samachar": "rss", "indiawire": "atom", "portal": "jsonfeed"}
    for source, paths in FEED_FILES.items():
        for path in [*paths, *([UPDATE_FILE] if source == "samachar" else [])]:
            envelope = Envelope(
                source_id=source,
                payload=path.read_bytes(),
                transport=Transport.FILE,
                location=str(path),
            )
            result = parse(envelope)
            assert result.format == expected[source], path.name
            assert not result.problems, (path.name, result.problems)
            assert len(result.items) == len(_stories(source, path)), path.name


def test_example_config_loads_and_covers_the_samples(stories: list[Story]) -> None:
    settings = load_settings(EXAMPLE_CONFIG)
    site = settings.site
    assert site.language == "hi"
    assert str(site.timezone) == "Asia/Kolkata"
    assert {s.id for s in settings.sources} == set(FEED_FILES)
    used = {section_key(c) for s in stories for c in s.categories}
    assert used <= set(site.section_keys), f"sections missing: {used - set(site.section_keys)}"
    # one section per subject, whichever language the agency files it in
    assert list(site.sections) == ["desh", "videsh", "khel", "vyapar"]
    assert [e.language for e in site.editions] == ["hi", "en"]
    for source in settings.sources:
        assert source.section in site.sections, source.id
        assert source.disclaimer.startswith("डिस्क्लेमरः"), source.id
        assert site.name in source.disclaimer, f"{source.id}: the disclaimer names our site"
    samachar = settings.source("samachar")
    assert samachar is not None and samachar.folder is not None
    # A drop folder moves its files away; it must never be the bundled samples themselves.
    assert samachar.folder.resolve() != (SAMPLES / "samachar").resolve()
    for sid, rel in (("indiawire", "indiawire/feed.atom"), ("portal", "portal/feed.json")):
        src = settings.source(sid)
        assert src is not None and src.url is not None
        assert src.url.startswith("file://") and src.url.endswith(f"demo/samples/{rel}")


def test_every_agency_sends_pictures_small_real_and_beside_its_files() -> None:
    """The demo shows pictures from a fresh clone with no network: each picture a feed or a
    body names is a small JPEG beside the file, that the site can size (at least 1024 wide);
    every file in a pictures folder is named by something."""
    from PIL import Image

    named: set[Path] = set()
    files = [*FEED_FILES["samachar"], UPDATE_FILE, *FEED_FILES["indiawire"],
             *FEED_FILES["portal"], *sorted((SAMPLES / "vartavahini").glob("*.xml")),
             *sorted((SAMPLES / "vartavahini-updates").glob("*.xml"))]  # fmt: skip
    for path in files:
        result = parse(Envelope("demo", path.read_bytes(), Transport.FILE, str(path)))
        hrefs = [i.href for item in result.items for i in item.images]
        hrefs += [
            m for item in result.items for m in re.findall(r'<img src="([^"]+)"', item.body_html)
        ]
        for href in hrefs:
            assert href.startswith("pictures/"), (path.name, href)
            agency = path.parent.name.removesuffix("-updates")
            named.add(SAMPLES / agency / href)
    sources_with_pictures = {p.parent.parent.name for p in named}
    assert sources_with_pictures == {"samachar", "vartavahini", "indiawire", "portal"}
    on_disk = set(SAMPLES.glob("*/pictures/*"))
    assert named == on_disk
    for picture in on_disk:
        assert 10_000 < picture.stat().st_size < 80_000, picture.name
        with Image.open(picture) as image:
            assert image.format == "JPEG" and image.size[0] >= 1024
