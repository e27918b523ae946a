"""The engine on real Hindi copy: every portal edit of the seed story is found as the same
story; template days, stories sharing a background paragraph, and items outside the time
window are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests import fixture_files
from wiredesk.syndication.engine import Fingerprint, SyndicationIndex, fingerprint

SEED = fixture_files.SEED
HEADLINE = "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति तोकायेव से मुलाकात की"
T0 = datetime(2022, 2, 5, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def story(seed_lines: list[str]) -> list[str]:
    """The five story paragraphs, without the credit, disclaimer and source lines."""
    return seed_lines[:5]


def _index_with(paragraphs: list[str], headline: str = HEADLINE) -> SyndicationIndex:
    index = SyndicationIndex()
    index.add("original", fingerprint(headline, "\n\n".join(paragraphs), "hi"), T0)
    return index


def _match(index: SyndicationIndex, headline: str, paragraphs: list[str], hours: float = 3):
    fp = fingerprint(headline, "\n\n".join(paragraphs), "hi")
    return index.match(fp, T0 + timedelta(hours=hours))


def test_exact_duplicate_matches_with_the_same_exact_hash(story: list[str]) -> None:
    body = "\n\n".join(story)
    assert fingerprint(HEADLINE, body, "hi").exact == fingerprint(HEADLINE, body, "hi").exact
    m = _match(_index_with(story), HEADLINE, story)
    assert m is not None and m.key == "original" and "exact duplicate" in m.reason


def test_trailer_lines_kept_or_stripped_is_the_same_text(
    seed_lines: list[str], story: list[str]
) -> None:
    with_trailer = fingerprint(HEADLINE, "\n\n".join(seed_lines), "hi")
    without = fingerprint(HEADLINE, "\n\n".join(story), "hi")
    assert with_trailer.exact == without.exact


def _respell(text: str) -> str:
    return (
        text.replace("कजाकिस्तान", "कजाकस्तान")
        .replace("पेइचिंग", "बीजिंग")
        .replace("संबंध", "सम्बन्ध")
        .replace("2022", "२०२२")
        .replace("।", " |")
    )


EDITS = {
    "teaser": lambda h, p: (h, p[:1]),
    "teaser with a new headline": lambda h, p: ("कजाक राष्ट्रपति से मिले शी", p[:1]),
    "paragraph dropped": lambda h, p: (h, [p[0], p[1], p[3], p[4]]),
    "paragraphs reordered": lambda h, p: (h, [p[0], p[2], p[1], p[3], p[4]]),
    "paragraph added": lambda h, p: (
        h,
        [*p, "कजाकिस्तान मध्य एशिया का सबसे बड़ा देश है और चीन का पड़ोसी है।"],
    ),
    "lead replaced": lambda h, p: (h, ["एक अहम घटनाक्रम में, शी चिनफिंग ने तोकायेव से भेंट की।", *p[1:]]),
    "lead trimmed": lambda h, p: (h, [p[0].split("।")[0].rsplit(",", 1)[0] + "।", *p[1:]]),
    "headline rewritten": lambda h, p: ("बड़ी ख़बर: " + h.replace("मुलाकात", "भेंट"), p),
    "spelling, digits and danda": lambda h, p: (_respell(h), [_respell(x) for x in p]),
    "dateline and credit line": lambda h, p: (
        h,
        ["पेइचिंग, 5 फरवरी (आईएएनएस)। " + p[0], *p[1:], "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"],
    ),
    "paragraphs merged, doubled spaces": lambda h, p: (
        "  " + h,
        [p[0].replace(" ", "  ", 3), p[1] + " " + p[2], *p[3:]],
    ),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_each_portal_edit_is_the_same_story(story: list[str], edit: str) -> None:
    headline, paragraphs = EDITS[edit](HEADLINE, story)
    m = _match(_index_with(story), headline, paragraphs)
    assert m is not None, edit
    assert m.key == "original" and m.reason


def _market_close(weekday: str, points: str, level: str, gainer_pct: str, rupee: str) -> list[str]:
    return [
        f"बेंचमार्क संपर्क 30 सूचकांक {weekday} को {points} अंक चढ़कर {level} पर बंद हुआ।",
        f"सूचकांक में त्रिकोण इन्फ्रा का शेयर {gainer_pct} प्रतिशत चढ़कर सबसे आगे रहा।",
        f"रुपया डॉलर के मुक़ाबले {rupee} पर बंद हुआ।",
        "कारोबारियों के अनुसार धातु, बैंकिंग और सूचना प्रौद्योगिकी शेयरों में सबसे ज़्यादा "
        "कारोबार हुआ, जबकि फ़ार्मा शेयरों में चुनिंदा ख़रीदारी देखी गई।",
        "कारोबारियों ने कहा कि आने वाले सत्रों में निवेशक वैश्विक संकेतों और कच्चे तेल की क़ीमतों पर नज़र रखेंगे।",
    ]


def test_template_days_with_other_figures_are_different_stories() -> None:
    monday = _market_close("सोमवार", "412.35", "72,114.20", "3.4", "83.12")
    tuesday = _market_close("मंगलवार", "198.60", "71,915.60", "2.9", "83.27")
    index = _index_with(monday, "संपर्क 30 में 412.35 अंकों की बढ़त")
    assert _match(index, "संपर्क 30 में 198.60 अंकों की बढ़त", tuesday, hours=24) is None
    # ...while a copy of Monday's report with its last paragraph cut is Monday's.
    assert _match(index, "संपर्क 30 में 412.35 अंकों की बढ़त", monday[:4], hours=2) is not None


BACKGROUND = (
    "रामगढ़ में बांध परियोजना पिछले एक दशक से विवादों में रही है। परियोजना के कारण बारह गांवों "
    "के विस्थापन का सवाल उठा था और मामला उच्च न्यायालय तक पहुंचा था।"
)


def test_stories_sharing_a_background_paragraph_are_different() -> None:
    first = [
        "रामगढ़ बांध के विस्थापितों ने सोमवार को ज़िला मुख्यालय पर धरना दिया।",
        "धरने में करीब चार सौ लोग शामिल हुए और मुआवज़े की मांग की।",
        BACKGROUND,
        "ज़िलाधिकारी ने प्रतिनिधिमंडल से मिलकर मांगों पर विचार का आश्वासन दिया।",
    ]
    update = [
        "रामगढ़ बांध की नहरों का काम बुधवार से फिर शुरू होगा।",
        BACKGROUND,
    ]
    index = _index_with(first, "रामगढ़ बांध के विस्थापितों का धरना")
    assert _match(index, "रामगढ़ बांध की नहरों का काम फिर शुरू", update, hours=30) is None


def test_the_time_window_bounds_matches(story: list[str]) -> None:
    index = SyndicationIndex(window=timedelta(hours=72))
    index.add("original", fingerprint(HEADLINE, "\n\n".join(story), "hi"), T0)
    assert _match(index, HEADLINE, story, hours=71) is not None
    assert _match(index, HEADLINE, story, hours=-71) is not None
    assert _match(index, HEADLINE, story, hours=73) is None
    assert _match(index, HEADLINE, story, hours=24 * 30) is None


def test_remove_forgets_an_item_and_len_counts(story: list[str]) -> None:
    index = _index_with(story)
    index.add("copy", fingerprint(HEADLINE, "\n\n".join(story[:3]), "hi"), T0)
    assert len(index) == 2
    index.remove("original")
    index.remove("never-added")
    assert len(index) == 1
    m = _match(index, HEADLINE, story)
    assert m is not None and m.key == "copy"
    index.remove("copy")
    assert _match(index, HEADLINE, story) is None and len(index) == 0


def test_other_language_is_not_matched(story: list[str]) -> None:
    index = SyndicationIndex()
    index.add("x", fingerprint(HEADLINE, "\n\n".join(story), "en"), T0)
    assert _match(index, HEADLINE, story) is None


def test_fingerprint_row_round_trip(story: list[str]) -> None:
    fp = fingerprint(HEADLINE, "\n\n".join(story), "hi")
    row = fp.to_row()
    assert set(row) == {"exact", "signature", "features", "language"}
    # Databases hand blobs back as memoryview (psycopg) or bytes (sqlite3).
    back = Fingerprint.from_row({**row, "signature": memoryview(fp.signature)})
    assert back == fp
    index = SyndicationIndex()
    index.add("stored", back, T0)
    m = index.match(fp, T0)
    assert m is not None and m.key == "stored"


def test_foreign_or_corrupt_rows_fail_with_what_to_do(story: list[str]) -> None:
    row = fingerprint(HEADLINE, "\n\n".join(story), "hi").to_row()
    with pytest.raises(ValueError, match="recompute the fingerprints"):
        Fingerprint.from_row({**row, "signature": b"\x09" + bytes(row["signature"])[1:]})
    with pytest.raises(ValueError, match="lacks column 'features'"):
        Fingerprint.from_row({k: v for k, v in row.items() if k != "features"})
    features = row["features"]
    assert isinstance(features, bytes)
    with pytest.raises(ValueError, match="recompute the fingerprints"):
        Fingerprint.from_row({**row, "features": b"\x09" + features[1:]})
    with pytest.raises(ValueError, match="recompute the fingerprints"):  # stored cut short
        Fingerprint.from_row({**row, "features": features[:12]})
