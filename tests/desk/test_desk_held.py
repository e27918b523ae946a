"""The held queue over HTTP, through the site's real application: what an editor and a viewer
see, approving (the copy goes up on the public site), rejecting (it never does), the desk's
fix of a headline or section (the agency's version kept), and the refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.desk.desk_support import T0, DeskSite, csrf_of, make_site, post, push, rss
from wiredesk.store.ledger import desk_queue
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.schema import item_versions

SOURCES = [
    {"id": "wire", "name": "The Wire Agency", "push_token": "t" * 24, "auto_publish": False},
    {"id": "open", "name": "Open Agency", "push_token": "u" * 24},
]
SECTIONS = {"national": "National", "world": "World"}


@pytest.fixture
def held_site(tmp_path: Path) -> Iterator[DeskSite]:
    with make_site(tmp_path, sources=SOURCES, sections=SECTIONS) as made:
        made.add("asha", "editor")
        made.add("vik", "viewer")
        yield made


def public_headlines(site: DeskSite) -> list[str]:
    return sorted(c.headline for c in PublicReader(site.db).list_copies(T0, limit=100))


def item_id(site: DeskSite, guid: str) -> int:
    [found] = [c.item_id for c in desk_queue.held(site.db) if c.guid == guid]
    return found


def test_an_editor_sees_the_queue_oldest_first_and_approving_publishes(
    held_site: DeskSite,
) -> None:
    push(held_site, "wire", rss(("w-1", "Monsoon reaches Kerala early")))
    push(held_site, "wire", rss(("w-2", "Rail budget doubles")))
    push(held_site, "open", rss(("o-1", "Markets open higher")))
    public = held_site.client()
    assert "Monsoon reaches Kerala early" not in public.get("/").text  # held: not public
    assert public_headlines(held_site) == ["Markets open higher"]

    editor = held_site.signed_in("asha")
    page = editor.get("/desk/held")
    assert page.status_code == 200
    text = page.text
    assert text.index("Monsoon reaches Kerala early") < text.index("Rail budget doubles")
    assert "Markets open higher" not in text  # its source publishes without approval
    assert "The Wire Agency" in text and "wire:w-1" in text
    assert 'action="/desk/held/' in text and "Reject" in text

    approved = post(editor, "/desk/held", f"/desk/held/{item_id(held_site, 'w-1')}/approve")
    assert approved.status_code == 303
    assert approved.headers["location"] == "/desk/held?done=approved"
    after = editor.get(approved.headers["location"]).text
    assert "Approved: the copy is on the site." in after
    assert "Monsoon reaches Kerala early" not in after  # out of the queue
    assert "Monsoon reaches Kerala early" in public.get("/").text  # the cached page too
    assert public_headlines(held_site) == ["Markets open higher", "Monsoon reaches Kerala early"]

    [entry] = desk_queue.audit_entries(held_site.db, action="approve")
    assert (entry.actor, entry.address, entry.headline) == (
        "editor asha",
        "testclient",
        "Monsoon reaches Kerala early",
    )


def test_rejecting_keeps_the_copy_off_for_good_with_the_reason(held_site: DeskSite) -> None:
    push(held_site, "wire", rss(("w-1", "Unverified claim about a minister")))
    editor = held_site.signed_in("asha")
    target = item_id(held_site, "w-1")

    no_reason = post(editor, "/desk/held", f"/desk/held/{target}/reject", reason="  ")
    assert no_reason.status_code == 400 and "Say why the copy is rejected." in no_reason.text
    assert [c.guid for c in desk_queue.held(held_site.db)] == ["w-1"]

    rejected = post(
        editor, "/desk/held", f"/desk/held/{target}/reject", reason="not verified by anyone"
    )
    assert rejected.status_code == 303
    notice = editor.get(rejected.headers["location"]).text
    assert "Rejected: the copy will not be published." in notice
    assert desk_queue.held(held_site.db) == []
    assert public_headlines(held_site) == []
    # approving it afterwards (an old page) does nothing, and says so
    late = post(editor, "/desk/held", f"/desk/held/{target}/approve")
    assert late.status_code == 404 and "not waiting for approval" in late.text
    # nor does the agency sending the story again, changed
    push(held_site, "wire", rss(("w-1", "Unverified claim about a minister, updated")))
    assert desk_queue.held(held_site.db) == [] and public_headlines(held_site) == []

    [entry] = desk_queue.audit_entries(held_site.db, action="reject")
    assert (entry.actor, entry.reason, entry.address) == (
        "editor asha",
        "not verified by anyone",
        "testclient",
    )


def test_fixing_the_headline_and_section_keeps_the_agencys_version(held_site: DeskSite) -> None:
    push(held_site, "wire", rss(("w-1", "Monsoon reachs Kerela early")))
    editor = held_site.signed_in("asha")
    target = item_id(held_site, "w-1")

    fixed = post(
        editor,
        "/desk/held",
        f"/desk/held/{target}/fix",
        headline="Monsoon reaches Kerala early",
        section="national",
    )
    assert fixed.status_code == 303 and fixed.headers["location"] == "/desk/held?done=fixed"
    page = editor.get("/desk/held").text
    assert "Monsoon reaches Kerala early" in page
    assert "the agency's: <q>Monsoon reachs Kerela early</q>" in page
    assert public_headlines(held_site) == []  # fixed, still waiting

    post(editor, "/desk/held", f"/desk/held/{target}/approve")
    [shown] = PublicReader(held_site.db).list_copies(T0)
    assert (shown.headline, shown.section) == ("Monsoon reaches Kerala early", "national")
    assert "monsoon-reaches-kerala-early" in held_site.client().get("/national/").text

    with held_site.db.engine.connect() as conn:
        versions = conn.execute(
            select(item_versions.c.version, item_versions.c.headline, item_versions.c.provenance)
            .where(item_versions.c.item_id == target)
            .order_by(item_versions.c.version)
        ).all()
    assert [(v.version, v.headline) for v in versions] == [
        (1, "Monsoon reachs Kerela early"),  # the agency's, as it came
        (2, "Monsoon reaches Kerala early"),
    ]
    assert not desk_queue.is_desk_version(versions[0].provenance)
    [hop] = [h for h in json.loads(versions[1].provenance) if h["role"] == "desk"]
    assert hop["action"] == "edited by the desk: headline"

    edits = desk_queue.audit_entries(held_site.db, action="desk-edit")
    assert sorted(e.reason or "" for e in edits) == [
        "headline: 'Monsoon reachs Kerela early' -> 'Monsoon reaches Kerala early'",
        "section: news -> national",
    ]
    assert {(e.actor, e.address) for e in edits} == {("editor asha", "testclient")}


def test_the_fix_can_go_with_the_approval_in_one_form(held_site: DeskSite) -> None:
    push(held_site, "wire", rss(("w-1", "Draft headline")))
    editor = held_site.signed_in("asha")
    target = item_id(held_site, "w-1")
    done = post(
        editor,
        "/desk/held",
        f"/desk/held/{target}/approve",
        headline="Final headline",
        section="world",
    )
    assert done.status_code == 303
    [shown] = PublicReader(held_site.db).list_copies(T0)
    assert (shown.headline, shown.section) == ("Final headline", "world")


def test_a_fix_that_cannot_be_made_says_why_and_changes_nothing(held_site: DeskSite) -> None:
    push(held_site, "wire", rss(("w-1", "Original headline")))
    editor = held_site.signed_in("asha")
    target = item_id(held_site, "w-1")
    for form, said in [
        ({"headline": "   "}, "The headline cannot be empty."),
        ({"headline": "x" * 1001}, "at most 1000 characters"),
        ({"section": "sport"}, "There is no section &#39;sport&#39;"),
    ]:
        answer = post(editor, "/desk/held", f"/desk/held/{target}/approve", **form)
        assert answer.status_code == 400, form
        assert said in answer.text
    [copy] = desk_queue.held(held_site.db)
    assert (copy.headline, copy.section, copy.edited) == ("Original headline", "news", False)
    assert desk_queue.audit_entries(held_site.db, action="desk-edit") == []


def test_a_viewer_reads_the_queue_but_every_act_is_refused(held_site: DeskSite) -> None:
    push(held_site, "wire", rss(("w-1", "Waiting story")))
    target = item_id(held_site, "w-1")
    viewer = held_site.signed_in("vik")
    page = viewer.get("/desk/held")
    assert page.status_code == 200 and "Waiting story" in page.text
    assert "/approve" not in page.text and "/reject" not in page.text
    token = csrf_of(page.text)
    for act, form in [
        ("approve", {}),
        ("fix", {"headline": "Changed by a viewer"}),
        ("reject", {"reason": "a viewer's whim"}),
    ]:
        answer = viewer.post(f"/desk/held/{target}/{act}", data={"csrf": token, **form})
        assert answer.status_code == 403, act
        assert "This needs the editor role" in answer.text
    [copy] = desk_queue.held(held_site.db)
    assert copy.headline == "Waiting story"
    assert public_headlines(held_site) == []


def test_an_act_without_the_pages_token_is_refused(held_site: DeskSite) -> None:
    push(held_site, "wire", rss(("w-1", "Waiting story")))
    target = item_id(held_site, "w-1")
    editor = held_site.signed_in("asha")
    for act in ("approve", "fix", "reject"):
        answer = editor.post(
            f"/desk/held/{target}/{act}", data={"headline": "x", "reason": "because"}
        )
        assert answer.status_code == 403, act
        assert "out of date or was sent from another site" in answer.text
    assert [c.headline for c in desk_queue.held(held_site.db)] == ["Waiting story"]
    assert public_headlines(held_site) == []


def test_a_long_queue_goes_page_by_page_oldest_first(held_site: DeskSite) -> None:
    push(held_site, "wire", rss(*[(f"w-{n:02}", f"Story number {n:02}") for n in range(52)]))
    viewer = held_site.signed_in("vik")
    first = viewer.get("/desk/held").text
    assert first.count('class="desk-held"') == 50
    assert "Story number 00" in first and "Story number 50" not in first
    onward = first.split('rel="next" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    second = viewer.get(onward).text
    assert second.count('class="desk-held"') == 2
    assert "Story number 50" in second and "Story number 51" in second
    assert 'rel="next"' not in second
