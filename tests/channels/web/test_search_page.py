"""`/search`: the page a reader sees, on SQLite and PostgreSQL, through the real app."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from tests.channels.channels_support import Clock, Filler, make_settings, story_item
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial
from wiredesk.text.search_keys import MAX_QUERY_CHARS


def headlines(html: str) -> list[str]:
    """The results' headlines as a reader reads them (marks removed)."""
    found = re.findall(r'<h2 class="headline"><a href="[^"]+">(.*?)</a></h2>', html, re.S)
    return [re.sub(r"</?mark>", "", h) for h in found]


def test_a_hindi_search_finds_every_spelling_and_marks_the_words_as_written(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1, headline="हिन्दी दिवस पर कार्यक्रम", body_text="राजभाषा हिन्दी का सम्मान।"))
    fill(story_item(2, headline="हिंदी पखवाड़ा शुरू", body_text="दफ़्तरों में काम।"))
    fill(story_item(3, headline="मिलकर काम करेंगे", body_text="दोनों दल।"))
    resp = hi_client.get("/search", params={"q": "हिंदी"})
    assert resp.status_code == 200
    assert sorted(headlines(resp.text)) == ["हिंदी पखवाड़ा शुरू", "हिन्दी दिवस पर कार्यक्रम"]
    assert "<mark>हिन्दी</mark> दिवस" in resp.text  # the story's own spelling, marked
    assert "राजभाषा <mark>हिन्दी</mark> का" in resp.text  # and in the snippet of its body
    assert '<meta name="robots" content="noindex">' in resp.text
    assert resp.headers["cache-control"] == "no-store"
    assert 'value="हिंदी"' in resp.text  # the box keeps what was typed


def test_a_fragment_of_a_word_finds_nothing_and_says_so(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1, headline="मिलकर काम करेंगे", body_text="दोनों दल।"))
    resp = hi_client.get("/search?q=मिल")
    assert resp.status_code == 200
    assert headlines(resp.text) == []
    assert "किसी ख़बर में ये सभी शब्द नहीं मिले।" in resp.text


def test_markup_in_a_query_or_a_story_is_escaped_never_run(
    en_client: TestClient, fill: Filler
) -> None:
    fill(
        story_item(
            1,
            headline="Why <script>alert(1)</script> appears in copy",
            body_text="The script tag <script> was quoted by the agency.",
            language="en",
        )
    )
    resp = en_client.get("/search", params={"q": "<script>alert(1)</script>"})
    assert resp.status_code == 200
    assert "<script>alert(1)" not in resp.text
    assert "&lt;<mark>script</mark>&gt;<mark>alert</mark>(<mark>1</mark>)" in resp.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in resp.text
    assert headlines(resp.text) == ["Why &lt;script&gt;alert(1)&lt;/script&gt; appears in copy"]


def test_empty_punctuation_and_overlong_queries_answer_200_and_say_why(
    en_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1, headline="Flood warning", language="en"))
    empty = en_client.get("/search")
    assert empty.status_code == 200 and "Type a word or two" in empty.text
    punctuation = en_client.get("/search?q=%21%3F")
    assert punctuation.status_code == 200 and "no words to look for" in punctuation.text
    long = en_client.get("/search", params={"q": "flood " + "x" * 5000})
    assert long.status_code == 200
    assert f"Only the first {MAX_QUERY_CHARS} characters" in long.text
    assert headlines(long.text) == ["Flood warning"]


def test_filters_and_pages_are_links_and_bad_values_are_left_out_with_a_note(
    tmp_path: Path, store: Database, fill: Filler, clock: Clock
) -> None:
    client = TestClient(site_app(make_settings(tmp_path, "en", page_size=2), store, clock=clock))
    for n in range(5):
        section = "khel" if n % 2 else "videsh"
        fill(story_item(n, headline=f"Flood update {n}", section=section, language="en"))
    fill(story_item(9, headline="Flood elsewhere", guid="p9", language="en"), source="pti")
    first = client.get("/search?q=flood")
    assert headlines(first.text) == ["Flood elsewhere", "Flood update 4"]
    more = re.search(r'<a class="next" rel="next" href="([^"]+)"', first.text)
    assert more is not None
    second = client.get(more.group(1).replace("&amp;", "&"))
    assert headlines(second.text) == ["Flood update 3", "Flood update 2"]
    assert 'class="prev" href="/search?q=flood"' in second.text
    khel = client.get("/search?q=flood&section=khel")
    assert headlines(khel.text) == ["Flood update 3", "Flood update 1"]
    pti = client.get("/search?q=flood&source=pti")
    assert headlines(pti.text) == ["Flood elsewhere"]
    bad = client.get("/search?q=flood&section=nowhere&from=yesterday&after=abc")
    assert bad.status_code == 200
    assert headlines(bad.text) == ["Flood elsewhere", "Flood update 4"]
    assert "Left out, as it names nothing here: Section, From" in bad.text


def test_a_kill_takes_a_story_out_of_results_at_once(
    hi_client: TestClient, fill: Filler, store: Database
) -> None:
    short_id = fill(story_item(1, headline="बाढ़ की चेतावनी"))
    assert headlines(hi_client.get("/search?q=बाढ़").text) == ["बाढ़ की चेतावनी"]
    item = editorial.find_copy(store, short_id)
    assert item is not None
    editorial.kill(store, item, reason="legal", actor="editor test")
    assert headlines(hi_client.get("/search?q=बाढ़").text) == []


def test_every_page_has_a_search_box_that_works_without_javascript(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1, headline="बाढ़ की चेतावनी"))
    home = hi_client.get("/")
    form = re.search(
        r'<form class="search-box" action="/search" method="get"[^>]*>(.*?)</form>', home.text, re.S
    )
    assert form is not None and 'name="q"' in form.group(1)
