"""The Incoming page over HTTP, through the site's real application: every copy newest first
with its state, source, section, language and story; filters, search, and pages that go on
below the last copy shown."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.desk.desk_support import T0, DeskSite
from tests.desk.desk_wire import group, item_id, wire
from wiredesk.store.ledger import editorial, takedowns
from wiredesk.store.ledger.desk_views import story_of


def _rows(html: str) -> list[str]:
    """The short ids listed, top to bottom."""
    return re.findall(r'<tr class="desk-copy" id="copy-([^"]+)">', html)


def _row(html: str, short_id: str) -> str:
    found = re.search(rf'<tr class="desk-copy" id="copy-{short_id}">(.*?)</tr>', html, re.S)
    assert found is not None, short_id
    return found.group(1)


def _state(html: str, short_id: str) -> str:
    found = re.search(
        r'<span class="desk-state desk-state-\w+">(\w+)</span>([^<]*)', _row(html, short_id)
    )
    assert found is not None
    return (found.group(1) + found.group(2)).strip()


def _wire_day(site: DeskSite) -> dict[str, str]:
    """One copy in each state the desk tells apart (but "scheduled", which a copy stored by
    ingest is not: its time is never after its arrival), stored in this order."""
    db = site.db
    made = {
        "published": wire(db, "ians", "i1", 0, headline="Monsoon reaches Kerala"),
        "held": wire(db, "uni", "u1", 10, auto_publish=False, headline="Monsoon held copy"),
        "embargoed": wire(
            db, "pti", "p1", 20, embargo_until=T0 + timedelta(hours=2), headline="Budget figures"
        ),
        "killed": wire(db, "ani", "a1", 40, headline="Monsoon rumour", section="videsh"),
        "withdrawn": wire(db, "ani", "a2", 50, headline="Court matter", language="hi"),
    }
    editorial.kill(db, item_id(db, made["killed"]), reason="wrong", actor="editor x", now=T0)
    sid = story_of(db, made["withdrawn"])
    assert sid is not None
    takedowns.take_down(db, sid, reason="legal", actor="editor x", now=T0)
    return made


def test_a_viewer_reads_every_copy_newest_first_with_its_state(site: DeskSite) -> None:
    made = _wire_day(site)
    site.add("vera", "viewer")
    page = site.signed_in("vera").get("/desk/incoming")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text
    assert _rows(page.text) == list(reversed(made.values()))  # newest arrival first
    assert _state(page.text, made["published"]) == "published"
    assert _state(page.text, made["held"]) == "held"
    assert _state(page.text, made["embargoed"]) == "embargoed until 2026-03-02 11:00 UTC"
    assert _state(page.text, made["killed"]) == "killed"
    assert _state(page.text, made["withdrawn"]) == "withdrawn"
    row = _row(page.text, made["killed"])
    assert "<td>ani</td>" in row and "<td>videsh</td>" in row and "<td>en</td>" in row
    assert "Monsoon rumour" in row
    story = story_of(site.db, made["killed"])
    assert f'<a href="/desk/stories/{story}">story {story}</a>' in row
    assert f'<a href="/desk/copies/{made["killed"]}">' in row
    assert "<td>hi</td>" in _row(page.text, made["withdrawn"])


def test_an_anonymous_browser_is_sent_to_sign_in(site: DeskSite) -> None:
    answer = site.client().get("/desk/incoming?state=held")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/desk/login?next=/desk/incoming")


def test_filters_narrow_the_list(site: DeskSite) -> None:
    made = _wire_day(site)
    site.add("asha", "editor")
    browser = site.signed_in("asha")

    def shown(query: str) -> set[str]:
        answer = browser.get("/desk/incoming?" + query)
        assert answer.status_code == 200, answer.text
        return set(_rows(answer.text))

    assert shown("source=ani") == {made["killed"], made["withdrawn"]}
    assert shown("section=videsh") == {made["killed"]}
    assert shown("language=hi") == {made["withdrawn"]}
    for state, short_id in made.items():
        assert shown(f"state={state}") == {short_id}, state
    assert shown("source=pti&state=embargoed") == {made["embargoed"]}
    assert shown("source=ians&state=held") == set()
    # the form keeps what was asked
    page = browser.get("/desk/incoming?source=ani&state=killed").text
    assert '<option value="ani" selected>' in page
    assert '<option value="killed" selected>' in page


def test_search_finds_copies_the_public_never_sees(site: DeskSite) -> None:
    made = _wire_day(site)
    site.add("asha", "editor")
    browser = site.signed_in("asha")
    found = browser.get("/desk/incoming?q=monsoon")
    assert found.status_code == 200
    assert _rows(found.text) == [made["killed"], made["held"], made["published"]]
    narrowed = browser.get("/desk/incoming?q=monsoon&state=held").text
    assert _rows(narrowed) == [made["held"]]
    assert _rows(browser.get("/desk/incoming?q=monsoon&source=ians").text) == [made["published"]]
    nothing = browser.get("/desk/incoming?q=cricket").text
    assert _rows(nothing) == []
    assert "No copies match these filters." in nothing


def test_pages_go_on_below_the_last_copy_shown(site: DeskSite) -> None:
    made = [wire(site.db, "ians", f"g{n}", n) for n in range(53)]
    site.add("asha", "viewer")
    browser = site.signed_in("asha")
    first = browser.get("/desk/incoming?source=ians").text
    assert _rows(first) == list(reversed(made))[:50]
    older = re.search(r'<a rel="next" href="([^"]+)">Older</a>', first)
    assert older is not None
    link = older.group(1).replace("&amp;", "&")
    assert link.startswith("/desk/incoming?source=ians&before=")
    # a copy arriving meanwhile goes above the first page, never shifts the next one
    wire(site.db, "ians", "new", 60)
    second = browser.get(link).text
    assert _rows(second) == list(reversed(made))[50:]
    assert 'rel="next"' not in second
    assert '<a href="/desk/incoming?source=ians">Newest</a>' in second


def test_a_story_of_several_copies_says_how_many(site: DeskSite) -> None:
    a = wire(site.db, "ians", "i1", 0)
    b = wire(site.db, "pti", "p1", 5)
    group(site.db, a, b)
    site.add("asha", "viewer")
    page = site.signed_in("asha").get("/desk/incoming").text
    story = story_of(site.db, a)
    for short_id in (a, b):
        assert f'story {story}</a> <span class="desk-small">(2 copies)</span>' in _row(
            page, short_id
        )


def test_a_damaged_address_gets_a_clear_answer(site: DeskSite) -> None:
    wire(site.db, "ians", "i1", 0)
    site.add("asha", "viewer")
    browser = site.signed_in("asha")
    bad_state = browser.get("/desk/incoming?state=lost")
    assert bad_state.status_code == 400
    assert "There is no state &#39;lost&#39;; choose one of published, held" in bad_state.text
    bad_page = browser.get("/desk/incoming?before=x")
    assert bad_page.status_code == 400
    assert "before= must be a number" in bad_page.text
