"""Search through the public reader, on SQLite and PostgreSQL: a labelled Hindi query set,
false-match probes, the gate, filters, paging and keys kept in step with every write."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from tests.store.store_support import NOW, T0, envelope, item_id
from wiredesk.model import Item, PubStatus, Signal
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, editorial, stories, visibility
from wiredesk.store.ledger.stories import GroupingPlan
from wiredesk.store.public.gate import DuplicatePolicy
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.views import SearchQuery
from wiredesk.text.search_keys import parse_query

ZWJ = "\u200d"

# guid: (headline, body) — each spelled as agencies spell it
CORPUS: dict[str, tuple[str, str]] = {
    "hindi-1": ("हिन्दी दिवस पर कार्यक्रम", "राजभाषा हिन्दी के सम्मान में आयोजन।"),
    "hindi-2": ("हिंदी पखवाड़ा शुरू", "सरकारी दफ़्तरों में हिंदी का प्रयोग बढ़ा।"),
    "sambandh-1": ("दोनों देशों के सम्बन्ध", "राजनयिक सम्बन्धों पर चर्चा हुई।"),
    "sambandh-2": ("भारत-नेपाल संबंध मजबूत", "संबंध सुधारने पर ज़ोर।"),
    "zameen-1": ("ज़मीन विवाद में फ़ैसला", "अदालत ने ज़मीन लौटाने को कहा।"),
    "zameen-2": ("जमीन अधिग्रहण पर रोक", "किसानों की जमीन पर सुनवाई।"),
    "milkar": ("मिलकर काम करेंगे दोनों दल", "नेताओं ने मिलकर घोषणा की।"),
    "mil": ("बैठक में नेता मिल गए", "दोनों नेता दिल्ली में मिल गए।"),
    "maal": ("मालगाड़ी पटरी से उतरी", "माल ढुलाई रुकी, मील भर लंबा जाम।"),
    "digits-1": ("२०२४ के चुनाव नतीजे", "मतगणना ४ जून को हुई।"),
    "digits-2": ("2024 में रिकॉर्ड मतदान", "4 जून को नतीजे आए।"),
    "english": ("Prime Minister visits Delhi", "The PM met officials in DELHI on Monday."),
    "mixed": ("ISRO ने Chandrayaan लॉन्च किया", "श्रीहरिकोटा से प्रक्षेपण सफल रहा।"),
    "chaand": ("चाँद पर पहुँचा यान", "वैज्ञानिकों ने खुशी जताई।"),
    "kshetra": (f"क्{ZWJ}षेत्र में बारिश", "तटीय इलाकों में अलर्ट।"),
    "bhartiya": ("भारतीय टीम जीती", "कप्तान ने जीत का श्रेय दिया।"),
    "mausam-1": ("मौसम विभाग ने चेताया", "भारी बारिश की चेतावनी।"),
    "mausam-2": ("विभाग की बैठक", "अगले हफ़्ते का मौसम साफ़ रहेगा।"),
    "hasi": ("हंसी के ठहाके", "दर्शकों में हँसी गूँजी।"),
}

# query: the stories it must find, exactly
LABELLED: dict[str, set[str]] = {
    "हिंदी": {"hindi-1", "hindi-2"},
    "हिन्दी": {"hindi-1", "hindi-2"},
    "संबंध": {"sambandh-1", "sambandh-2"},
    "सम्बन्ध": {"sambandh-1", "sambandh-2"},
    "जमीन": {"zameen-1", "zameen-2"},
    "ज़मीन": {"zameen-1", "zameen-2"},
    "फैसला": {"zameen-1"},
    "2024": {"digits-1", "digits-2"},
    "२०२४": {"digits-1", "digits-2"},
    "4 जून": {"digits-1", "digits-2"},
    "delhi": {"english"},
    "Delhi officials": {"english"},
    "isro लॉन्च": {"mixed"},
    "चांद": {"chaand"},
    "चाँद": {"chaand"},
    "क्षेत्र": {"kshetra"},
    "हँसी": {"hasi"},
    "भारत": {"sambandh-2"},  # भारत-नेपाल: the hyphen separates words
    "बारिश": {"kshetra", "mausam-1"},
    '"मौसम विभाग"': {"mausam-1"},
    "मौसम विभाग": {"mausam-1", "mausam-2"},
}

# false-match probes: what each must never find
PROBES: dict[str, set[str]] = {
    "मिल": {"milkar", "maal"},  # a vowel-sign-split fragment of मिलकर; माल and मील
    "मिलकर": {"mil"},
    "भारत": {"bhartiya"},  # a word that is a substring of another
    "दिवस पर कार्यक्रम हिंदी x": {"hindi-1"},  # every word must be there
    "202": {"digits-1", "digits-2"},
    "ज": {"zameen-1", "zameen-2"},
}


def corpus_items() -> list[Item]:
    return [
        Item(
            guid=guid,
            headline=headline,
            body_html=f"<p>{body}</p>",
            body_text=body,
            slug=guid,
            section="desh",
            language="en" if guid == "english" else "hi",
            published_at=T0 + timedelta(minutes=n),
        )
        for n, (guid, (headline, body)) in enumerate(CORPUS.items())
    ]


def find(store: Database, text: str, **filters: Any) -> list[str]:
    page = PublicReader(store).search(NOW, SearchQuery(parse_query(text), **filters), size=100)
    return [c.guid for c in page.copies]


@pytest.fixture
def corpus(store: Database) -> Database:
    copies.save(store, "ians", corpus_items(), envelope(store), now=T0)
    return store


def test_every_labelled_hindi_query_finds_exactly_its_stories(corpus: Database) -> None:
    wrong = {}
    for query, expected in LABELLED.items():
        found = set(find(corpus, query))
        if found != expected:
            wrong[query] = (sorted(found), sorted(expected))
    assert wrong == {}


def test_false_match_probes_find_nothing_they_should_not(corpus: Database) -> None:
    wrong = {}
    for query, forbidden in PROBES.items():
        found = set(find(corpus, query))
        if found & forbidden:
            wrong[query] = sorted(found & forbidden)
    assert wrong == {}
    assert find(corpus, "मिल") == ["mil"]
    assert find(corpus, "माल") == ["maal"]  # its body's own word माल, not मालगाड़ी
    assert find(corpus, "मालगाड़ी") == ["maal"]
    assert find(corpus, "गाड़ी") == []


def test_queries_with_no_words_or_markup_find_nothing_and_fail_nowhere(corpus: Database) -> None:
    assert find(corpus, "") == []
    assert find(corpus, "।, !") == []
    assert find(corpus, "<script>alert(1)</script>") == []
    assert find(corpus, '"unclosed phrase') == []
    assert find(corpus, "AND OR NOT * ^ : ( )") == []  # FTS5's syntax is never read


def test_results_are_newest_first_and_page_below_the_last_one_shown(corpus: Database) -> None:
    reader = PublicReader(corpus)
    query = SearchQuery(parse_query("में"))
    everything = [c.guid for c in reader.search(NOW, query, size=100).copies]
    assert len(everything) >= 5
    seen: list[str] = []
    after = None
    while True:
        page = reader.search(NOW, query, size=2, after=after)
        seen += [c.guid for c in page.copies]
        if page.more_after is None:
            break
        after = page.more_after
    assert seen == everything
    ids = [item_id(corpus, c.short_id) for c in reader.search(NOW, query, size=100).copies]
    assert ids == sorted(ids, reverse=True)


def test_search_shows_only_what_the_lists_show(store: Database) -> None:
    """Killed, withheld, held, still embargoed and non-lead copies are never found; an
    embargoed one is once its embargo ends; a kill takes a copy out at once."""
    visibility.adopt_policy(store, DuplicatePolicy("link"))
    word = "अनोखाशब्द"

    def item(guid: str, minutes: int, **kw: Any) -> Item:
        return Item(
            guid=guid,
            headline=f"{word} {guid}",
            body_html="<p>पाठ</p>",
            body_text="पाठ",
            slug=guid,
            section="desh",
            language="hi",
            published_at=T0 + timedelta(minutes=minutes),
            **kw,
        )

    env = envelope(store)
    copies.save(
        store,
        "ians",
        [
            item("plain", 0),
            item("withheld", 1, pub_status=PubStatus.WITHHELD),
            item("embargoed", 2, embargo_until=NOW + timedelta(hours=1)),
            item("killed-by-agency", 3, signals=[Signal.KILL]),
            item("lead", 4),
        ],
        env,
        now=T0,
    )
    copies.save(store, "held-source", [item("held", 5)], env, auto_publish=False, now=T0)
    copies.save(store, "pti", [item("second-copy", 6)], envelope(store, b"p2", "pti"), now=T0)
    lead = editorial.find_copy(store, "ians:lead")
    second = editorial.find_copy(store, "pti:second-copy")
    assert lead is not None and second is not None
    stories.apply(store, GroupingPlan(joins=[(second, lead)]), NOW)

    assert sorted(find(store, word)) == ["lead", "plain"]
    reader = PublicReader(store)
    later = SearchQuery(parse_query(word))
    found_later = reader.search(NOW + timedelta(hours=2), later, size=100).copies
    assert sorted(c.guid for c in found_later) == ["embargoed", "lead", "plain"]
    # an agency's filter, like the agency's page, shows its copy that is not the lead
    assert find(store, word, source_id="pti") == ["second-copy"]

    plain = editorial.find_copy(store, "ians:plain")
    assert plain is not None
    editorial.kill(store, plain, reason="legal", actor="editor test", now=NOW)
    assert find(store, word) == ["lead"]
    # killing the lead: the story's next copy leads it, and is found in its place
    editorial.kill(store, lead, reason="legal", actor="editor test", now=NOW)
    assert find(store, word) == ["second-copy"]


def test_under_publish_every_public_copy_is_found(store: Database) -> None:
    visibility.adopt_policy(store, DuplicatePolicy("publish"))
    store.policy = DuplicatePolicy("publish")
    copies.save(store, "ians", corpus_items()[:1], envelope(store), now=T0)
    other = corpus_items()[0]
    copies.save(store, "pti", [other], envelope(store, b"p2", "pti"), now=T0)
    first = editorial.find_copy(store, "ians:hindi-1")
    second = editorial.find_copy(store, "pti:hindi-1")
    assert first is not None and second is not None
    stories.apply(store, GroupingPlan(joins=[(second, first)]), NOW)
    assert find(store, "हिंदी") == ["hindi-1", "hindi-1"]


def test_filters_narrow_results_by_section_agency_language_originator_and_date(
    store: Database,
) -> None:
    def item(guid: str, minutes: int, section: str, language: str, **kw: Any) -> Item:
        return Item(
            guid=guid,
            headline=f"बाढ़ flood {guid}",
            body_html="<p>पाठ</p>",
            body_text="पाठ",
            slug=guid,
            section=section,
            language=language,
            published_at=T0 + timedelta(days=minutes),
            **kw,
        )

    wire = [
        ("ians", item("a", 0, "desh", "hi", originator="चाइना  मीडिया ग्रुप")),
        ("ians", item("b", 1, "khel", "hi")),
        ("ians", item("c", 2, "desh", "en")),
        ("pti", item("d", 3, "desh", "hi")),
    ]
    for source, it in wire:  # each arriving when it was published
        assert it.published_at is not None
        env = envelope(store, it.guid.encode(), source)
        copies.save(store, source, [it], env, now=it.published_at)
    now = T0 + timedelta(days=10)

    def found(**filters: Any) -> list[str]:
        query = SearchQuery(parse_query("बाढ़"), **filters)
        return sorted(c.guid for c in PublicReader(store).search(now, query).copies)

    assert found() == ["a", "b", "c", "d"]
    assert found(section="desh") == ["a", "c", "d"]
    assert found(section="khel") == ["b"]
    assert found(section="nowhere") == []
    assert found(source_id="pti") == ["d"]
    assert found(language="en") == ["c"]
    assert found(originator="चाइना मीडिया ग्रुप") == ["a"]
    assert found(since=T0 + timedelta(days=1), until=T0 + timedelta(days=3)) == ["b", "c"]
    assert found(section="desh", language="hi", source_id="ians") == ["a"]


def test_keys_follow_every_new_current_version_and_ignore_an_older_one(store: Database) -> None:
    first = Item(
        guid="g",
        headline="पहला शीर्षक",
        body_html="<p>पुराना पाठ</p>",
        body_text="पुराना पाठ",
        slug="g",
        section="desh",
        language="hi",
        published_at=T0,
        version=2,
    )
    copies.save(store, "ians", [first], envelope(store), now=T0)
    assert find(store, "पुराना") == ["g"]
    update = replace(first, body_text="नया पाठ", body_html="<p>नया पाठ</p>", version=3)
    copies.save(store, "ians", [update], envelope(store, b"v3"), now=T0)
    assert find(store, "पुराना") == []
    assert find(store, "नया") == ["g"]
    # a version the agency numbers older arrives late: kept in history, not shown, not searched
    late = replace(first, body_text="देर से", body_html="<p>देर से</p>", version=1)
    copies.save(store, "ians", [late], envelope(store, b"v1"), now=T0)
    assert find(store, "देर") == []
    assert find(store, "नया") == ["g"]
    # a correction rewrites the key too
    fixed = replace(
        first,
        body_text="सुधरा पाठ",
        body_html="<p>सुधरा पाठ</p>",
        version=4,
        signals=[Signal.CORRECTION],
    )
    copies.save(store, "ians", [fixed], envelope(store, b"v4"), now=T0)
    assert find(store, "सुधरा") == ["g"] and find(store, "नया") == []


def test_a_phrase_pages_like_words_do(store: Database) -> None:
    items = [
        Item(
            guid=f"g{n}",
            headline=f"मौसम विभाग {n}" if n % 2 else f"विभाग {n} मौसम",
            body_html="<p>पाठ</p>",
            body_text="पाठ",
            slug=f"g{n}",
            section="desh",
            language="hi",
            published_at=T0 + timedelta(minutes=n),
        )
        for n in range(7)
    ]
    copies.save(store, "ians", items, envelope(store), now=T0 + timedelta(hours=1))
    reader = PublicReader(store)
    query = SearchQuery(parse_query('"मौसम विभाग"'))
    seen: list[str] = []
    after = None
    while True:
        page = reader.search(NOW, query, size=1, after=after)
        seen += [c.guid for c in page.copies]
        if page.more_after is None:
            break
        after = page.more_after
    assert seen == ["g5", "g3", "g1"]


def test_date_ranges_across_months_find_exactly_the_copies_published_in_them(
    store: Database,
) -> None:
    """A range of up to MONTH_TOKENS months is also looked up by month in the index; the
    month is the copy's publication time's (UTC), kept in step when an embargo moves it."""
    from datetime import UTC, datetime

    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    def item(guid: str, when: datetime, **kw: Any) -> Item:
        return Item(
            guid=guid,
            headline=f"चुनाव {guid}",
            body_html="<p>पाठ</p>",
            body_text="पाठ",
            slug=guid,
            section="desh",
            language="hi",
            published_at=when,
            **kw,
        )

    wire = {
        "jan-end": at("2026-01-31 23:30"),
        "feb-start": at("2026-02-01 00:10"),
        "old": at("2023-06-15 12:00"),
    }
    for guid, when in wire.items():
        copies.save(store, "ians", [item(guid, when)], envelope(store, guid.encode()), now=when)
    # embargoed till March, then re-sent embargoed till April: its publication moves
    sent = at("2026-02-10 00:00")
    first = item("moved", sent, embargo_until=at("2026-03-05 00:00"))
    copies.save(store, "ians", [first], envelope(store, b"m1"), now=sent)
    moved = replace(first, embargo_until=at("2026-04-05 00:00"), body_text="पाठ दो")
    copies.save(store, "ians", [moved], envelope(store, b"m2"), now=sent + timedelta(days=1))
    now = at("2026-06-01 00:00")

    def found(since: str, until: str) -> list[str]:
        query = SearchQuery(parse_query("चुनाव"), since=at(since), until=at(until))
        return sorted(c.guid for c in PublicReader(store).search(now, query, size=50).copies)

    assert found("2026-01-31 00:00", "2026-02-01 00:00") == ["jan-end"]
    assert found("2026-02-01 00:00", "2026-02-02 00:00") == ["feb-start"]
    assert found("2026-01-31 23:00", "2026-02-01 01:00") == ["feb-start", "jan-end"]
    assert found("2026-03-01 00:00", "2026-04-01 00:00") == []
    assert found("2026-04-01 00:00", "2026-05-01 00:00") == ["moved"]
    # longer than MONTH_TOKENS months: found through `items` alone, the same way
    assert found("2023-01-01 00:00", "2026-02-01 00:00") == ["jan-end", "old"]


def test_a_page_is_filled_past_many_matches_the_gate_drops(store: Database) -> None:
    """The newest matches are killed: search reads on (in growing batches on PostgreSQL)
    until the page is full, and a page starting above every id is the first page."""
    batch = [
        Item(
            guid=f"g{n:02d}",
            headline=f"सूखा {n}",
            body_html="<p>पाठ</p>",
            body_text="पाठ",
            slug=f"g{n}",
            section="desh",
            language="hi",
            published_at=T0 + timedelta(minutes=n),
        )
        for n in range(40)
    ]
    copies.save(store, "ians", batch, envelope(store), now=T0 + timedelta(hours=1))
    for n in range(5, 40):
        found = editorial.find_copy(store, f"ians:g{n:02d}")
        assert found is not None
        editorial.kill(store, found, reason="legal", actor="editor test", now=NOW)
    reader = PublicReader(store)
    query = SearchQuery(parse_query("सूखा"))
    first = reader.search(NOW, query, size=2)
    assert [c.guid for c in first.copies] == ["g04", "g03"]
    assert first.more_after is not None
    rest = reader.search(NOW, query, size=10, after=first.more_after)
    assert [c.guid for c in rest.copies] == ["g02", "g01", "g00"] and rest.more_after is None
    huge = reader.search(NOW, query, size=2, after=10**18)
    assert [c.guid for c in huge.copies] == ["g04", "g03"]


def test_two_words_common_apart_and_rare_together_are_all_found_newest_first(
    store: Database,
) -> None:
    """Each word is in half the copies, both only in a few old ones. On PostgreSQL the
    statistics say either word is common, so search walks the keys from the newest; the walk
    finds nothing in its first keys and hands over to the GIN index below them, which must
    find every copy with both words, in order, page after page (SQLite's index reads them
    newest first either way)."""
    together = {5, 17, 30, 44, 61}
    batch = [
        Item(
            guid=f"g{n:04d}",
            headline=f"{'बाढ़' if n % 2 == 0 or n in together else 'सूखा'} समाचार {n}",
            body_html="<p>पाठ</p>",
            body_text="राहत" if n % 2 == 1 or n in together else "पाठ",
            slug=f"g{n}",
            section="desh",
            language="hi",
            published_at=T0 + timedelta(minutes=n),
        )
        for n in range(1200)
    ]
    copies.save(store, "ians", batch, envelope(store), now=T0 + timedelta(days=1))
    store.refresh_statistics()
    reader = PublicReader(store)
    query = SearchQuery(parse_query("बाढ़ राहत"))
    first = reader.search(NOW, query, size=3)
    assert [c.guid for c in first.copies] == ["g0061", "g0044", "g0030"]
    rest = reader.search(NOW, query, size=3, after=first.more_after)
    assert [c.guid for c in rest.copies] == ["g0017", "g0005"] and rest.more_after is None
