"""The story page over HTTP, through the site's real application: every copy, who leads and
why, each version against the one before, provenance; and the takedowns done from it, which
take the story off the public site and its feeds, are audited with who, why and from where,
and are refused to a viewer or without the page's token."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.desk.desk_support import DeskSite, csrf_of, post
from tests.desk.desk_wire import group, item_id, wire
from wiredesk.model import Signal
from wiredesk.store import operator
from wiredesk.store.ledger import visibility
from wiredesk.store.public.gate import DuplicatePolicy

PUBLIC_PAGES = ("/", "/feed.xml", "/atom.xml", "/feed.json", "/desh/")


def _story(site: DeskSite) -> tuple[str, str, int]:
    """IANS first, PTI five minutes later: one story; returns their short ids and its id."""
    ians = wire(site.db, "ians", "i1", 0, headline="Court hears plea on river water")
    pti = wire(site.db, "pti", "p1", 5, headline="Court hears the plea on river water")
    group(site.db, ians, pti)
    [row] = operator.copy_statuses(site.db, item_id=item_id(site.db, ians))
    assert row.story_id is not None
    return ians, pti, row.story_id


def _public(site: DeskSite) -> dict[str, str]:
    reader = site.client()
    return {path: reader.get(path).text for path in PUBLIC_PAGES}


def _shown_anywhere(site: DeskSite, *short_ids: str) -> set[str]:
    return {s for text in _public(site).values() for s in short_ids if s in text}


def _section(html: str, short_id: str) -> str:
    """The part of the story page about one copy."""
    found = re.search(
        rf'<article class="desk-story-copy" id="copy-{short_id}">(.*?)</article>', html, re.S
    )
    assert found is not None, short_id
    return found.group(1)


def test_an_editor_sees_every_copy_who_leads_and_why_and_what_each_version_changed(
    site: DeskSite,
) -> None:
    ians, pti, story = _story(site)
    wire(
        site.db,
        "pti",
        "p1",
        5,
        headline="Court hears the plea on river water again",
        body="The court heard the plea on Tuesday.",
        signals=[Signal.CORRECTION],
        correction_note="Corrects the day of the hearing.",
        credit_line="PTI / Reuters",
        originator="Reuters",
        dateline_place="New Delhi",
        dateline_date="2 March",
        arrived=30,
    )
    site.add("asha", "editor")
    page = site.signed_in("asha").get(f"/desk/stories/{story}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text
    # both copies, lead first, and why it leads
    assert page.text.index(f'id="copy-{ians}"') < page.text.index(f'id="copy-{pti}"')
    assert f'<a href="#copy-{ians}">ians {ians}</a>' in page.text
    assert "The site prefers no agency, so the earliest published copy leads" in page.text
    assert "published 2026-03-02 06:00 UTC" in page.text
    # PTI's second version against its first, word by word
    copy = _section(page.text, pti)
    assert "<strong>Version 2</strong>" in copy and "<strong>Version 1</strong>" in copy
    assert copy.index("Version 2") < copy.index("Version 1")  # newest first
    assert "river water<ins> again</ins>" in copy
    assert "on <del>Monday.</del><ins>Tuesday.</ins>" in copy
    assert "Changed from version 1: headline and text." in copy
    assert "<strong>Correction:</strong> Corrects the day of the hearing." in copy
    assert '<span class="desk-signal">correction</span>' in copy
    # provenance
    for shown in (
        "PTI / Reuters",
        "<dd>Reuters</dd>",
        "New Delhi, 2 March",
        "guid <code>p1</code>",
    ):
        assert shown in copy, shown
    assert re.search(r"envelope \d+, by push from <code>push</code>", copy)
    # IANS has one version: nothing marked
    assert "<ins>" not in _section(page.text, ians) and "<del>" not in _section(page.text, ians)


def test_the_lead_follows_the_sites_preferred_sources_and_says_so(site: DeskSite) -> None:
    ians, pti, story = _story(site)
    visibility.adopt_policy(site.db, DuplicatePolicy("link", ("pti", "ians")))
    site.add("asha", "viewer")
    page = site.signed_in("asha").get(f"/desk/stories/{story}").text
    assert f'<a href="#copy-{pti}">pti {pti}</a>' in page
    assert "Its agency, pti, is number 1 of the site&#39;s preferred sources" in page
    assert page.index(f'id="copy-{pti}"') < page.index(f'id="copy-{ians}"')


def test_a_copy_opens_its_story(site: DeskSite) -> None:
    _, pti, story = _story(site)
    site.add("asha", "viewer")
    browser = site.signed_in("asha")
    answer = browser.get(f"/desk/copies/{pti}")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/desk/stories/{story}#copy-{pti}"
    assert browser.get("/desk/copies/nosuchcopy").status_code == 404
    assert browser.get("/desk/stories/999999").status_code == 404
    assert browser.get("/desk/stories/abc").status_code == 404


def test_an_editor_takes_the_story_down_everywhere_and_restores_it(site: DeskSite) -> None:
    ians, pti, story = _story(site)
    assert _shown_anywhere(site, ians, pti) == {ians}  # the lead is listed
    site.add("asha", "editor")
    editor = site.signed_in("asha")
    page = f"/desk/stories/{story}"

    down = post(editor, page, f"{page}/take-down", reason="  court order:\n  sub judice ")
    assert down.status_code == 303 and down.headers["location"] == f"{page}?done=taken-down"
    shown = editor.get(down.headers["location"]).text
    assert "The story is taken down" in shown
    assert "By editor asha at 2026-03-02 09:00 UTC: court order: sub judice" in shown
    assert 'action="/desk/stories/' + str(story) + '/take-down"' not in shown
    assert f'action="/desk/stories/{story}/restore"' in shown

    # gone from the public home page and every feed, both copies, and their pages say so
    assert _shown_anywhere(site, ians, pti) == set()
    reader = site.client()
    assert reader.get(f"/desh/story-i1-{ians}").status_code == 410
    assert reader.get(f"/desh/story-p1-{pti}").status_code == 410
    # a copy of the story arriving later from another agency stays down
    late = wire(site.db, "ani", "a1", 60)
    group(site.db, ians, late)
    assert _shown_anywhere(site, late) == set()
    # audited, for each copy: who, what, why, from which address
    for short_id in (ians, pti):
        entry = operator.audit_entries(site.db, item_id(site.db, short_id))[-1]
        assert (entry.action, entry.actor, entry.reason) == (
            "story taken down",
            "editor asha",
            "court order: sub judice",
        )
    row = "<td>story taken down</td><td>editor asha</td><td>court order: sub judice</td>"
    assert row + "<td>testclient</td>" in shown

    again = post(editor, page, f"{page}/take-down", reason="twice")
    assert again.headers["location"] == f"{page}?done=already-down"

    site.clock.advance(minutes=5)
    back = post(editor, page, f"{page}/restore", reason="order lifted")
    assert back.status_code == 303 and back.headers["location"] == f"{page}?done=restored"
    assert "The story is restored" in editor.get(back.headers["location"]).text
    assert _shown_anywhere(site, ians, pti, late) == {ians}
    restored = operator.audit_entries(site.db, item_id(site.db, pti))[-1]
    assert (restored.action, restored.actor, restored.reason) == (
        "story restored",
        "editor asha",
        "order lifted",
    )


def test_killing_one_copy_is_a_separate_choice_and_leaves_the_story_up(site: DeskSite) -> None:
    ians, pti, story = _story(site)
    site.add("asha", "editor")
    editor = site.signed_in("asha")
    page = f"/desk/stories/{story}"
    answer = post(editor, page, f"/desk/copies/{ians}/kill", reason="wrong photo caption")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{page}?done=killed#copy-{ians}"

    # the story stays up, led by PTI's copy now
    assert _shown_anywhere(site, ians, pti) == {pti}
    assert site.client().get(f"/desh/story-i1-{ians}").status_code == 410
    shown = editor.get(page).text
    assert f'<a href="#copy-{pti}">pti {pti}</a>' in shown
    assert f"Ranked above it but not public now: ians {ians} (killed)." in shown
    assert "(an editor's kill: final): wrong photo caption" in _section(shown, ians)
    assert f'action="/desk/copies/{ians}/kill"' not in shown  # nothing more to kill
    entry = operator.audit_entries(site.db, item_id(site.db, ians))[-1]
    assert (entry.action, entry.actor, entry.reason) == (
        "kill",
        "editor asha",
        "wrong photo caption",
    )


def test_an_act_needs_a_reason(site: DeskSite) -> None:
    ians, pti, story = _story(site)
    site.add("asha", "editor")
    editor = site.signed_in("asha")
    page = f"/desk/stories/{story}"
    refused = post(editor, page, f"{page}/take-down", reason="   ")
    assert refused.status_code == 400
    assert "Say why you are taking the story down" in refused.text
    one = post(editor, page, f"/desk/copies/{pti}/kill", reason="")
    assert one.status_code == 400
    assert "Say why you are killing this copy" in _section(one.text, pti)
    assert _shown_anywhere(site, ians, pti) == {ians}  # nothing happened


def _refused_everything(browser: TestClient, form: dict[str, str], story: int, copy: str) -> None:
    for path in (
        f"/desk/stories/{story}/take-down",
        f"/desk/stories/{story}/restore",
        f"/desk/copies/{copy}/kill",
    ):
        answer = browser.post(path, data=form)
        assert answer.status_code == 403, path


def test_a_viewer_sees_the_story_but_every_act_is_refused(site: DeskSite) -> None:
    ians, pti, story = _story(site)
    site.add("vera", "viewer")
    viewer = site.signed_in("vera")
    page = viewer.get(f"/desk/stories/{story}")
    assert page.status_code == 200
    assert "take-down" not in page.text and "/kill" not in page.text  # no forms shown
    _refused_everything(viewer, {"csrf": csrf_of(page.text), "reason": "because"}, story, ians)
    refused = viewer.post(
        f"/desk/stories/{story}/take-down", data={"csrf": csrf_of(page.text), "reason": "x"}
    )
    assert "This needs the editor role" in refused.text
    assert _shown_anywhere(site, ians, pti) == {ians}
    assert operator.audit_entries(site.db, item_id(site.db, ians)) == []  # nothing was done


def test_an_act_without_the_pages_token_or_from_another_site_is_refused(site: DeskSite) -> None:
    ians, pti, story = _story(site)
    site.add("asha", "editor")
    site.add("bina", "editor")
    editor = site.signed_in("asha")
    token = csrf_of(editor.get(f"/desk/stories/{story}").text)
    others = csrf_of(site.signed_in("bina").get("/desk/").text)
    for form in ({"reason": "x"}, {"csrf": "", "reason": "x"}, {"csrf": others, "reason": "x"}):
        _refused_everything(editor, form, story, ians)
    evil = editor.post(
        f"/desk/stories/{story}/take-down",
        data={"csrf": token, "reason": "x"},
        headers={"origin": "https://evil.example"},
    )
    assert evil.status_code == 403
    assert "out of date or was sent from another site" in evil.text
    assert _shown_anywhere(site, ians, pti) == {ians}


def test_a_taken_down_story_says_so_in_incoming(site: DeskSite) -> None:
    ians, pti, story = _story(site)
    site.add("asha", "editor")
    editor = site.signed_in("asha")
    post(editor, f"/desk/stories/{story}", f"/desk/stories/{story}/take-down", reason="legal")
    listing = editor.get("/desk/incoming?state=withdrawn").text
    assert ians in listing and pti in listing
    assert listing.count('desk-state-withdrawn">withdrawn<') == 2
