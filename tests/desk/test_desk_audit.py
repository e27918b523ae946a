"""The audit page over HTTP, through the site's real application: every act — who, when, what,
why, from which address — newest first, page after page by key, filtered by who, action and
dates; and nothing on it writes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.desk.desk_support import T0, DeskSite, make_site, post, push, rss
from wiredesk.channels.web.security import CONTENT_SECURITY_POLICY
from wiredesk.store.ledger import desk_queue

SOURCES = [{"id": "wire", "name": "Wire", "push_token": "t" * 24, "auto_publish": False}]
_ROW = re.compile(
    r"<tr>\s*<td>([^<]*)</td>\s*<td class=\"desk-actor\">([^<]*)</td>\s*"
    r"<td class=\"desk-action\">([^<]*)</td>"
)


@pytest.fixture
def audit_site(tmp_path: Path) -> Iterator[DeskSite]:
    with make_site(tmp_path, sources=SOURCES, base_url="http://127.0.0.1:8000") as made:
        made.add("asha", "editor")
        made.add("vik", "viewer")
        yield made


def rows(html: str) -> list[tuple[str, str, str]]:
    """(when, who, what) of each entry the page lists, in its order."""
    return [m.groups() for m in _ROW.finditer(html)]


def test_every_act_is_listed_newest_first_with_who_what_why_and_where(
    audit_site: DeskSite,
) -> None:
    push(audit_site, "wire", rss(("w-1", "First story"), ("w-2", "Second story")))
    [first, second] = desk_queue.held(audit_site.db)
    editor = audit_site.signed_in("asha")
    audit_site.clock.advance(minutes=5)
    post(editor, "/desk/held", f"/desk/held/{first.item_id}/approve")
    audit_site.clock.advance(minutes=5)
    post(editor, "/desk/held", f"/desk/held/{second.item_id}/reject", reason="a duplicate")

    viewer = audit_site.signed_in("vik")  # a viewer reads the log
    page = viewer.get("/desk/audit")
    assert page.status_code == 200
    listed = rows(page.text)
    assert listed[:2] == [
        ("2026-03-02 09:10 UTC", "editor vik", "sign-in"),
        ("2026-03-02 09:10 UTC", "editor asha", "reject"),
    ]
    assert ("2026-03-02 09:05 UTC", "editor asha", "approve") in listed
    assert ("2026-03-02 09:00 UTC", "operator test", "user-add") in listed
    reject_row = page.text.split('desk-action">reject</td>', 1)[1].split("</tr>", 1)[0]
    assert "Second story" in reject_row and "wire:w-2" in reject_row
    assert "a duplicate" in reject_row and "<td>testclient</td>" in reject_row
    # the page only reads: no form but the sign-out button and its own filters (a GET)
    assert page.text.count('method="post"') == 1
    assert 'method="get" action="/desk/audit"' in page.text
    assert viewer.post("/desk/audit", data={}).status_code == 405
    for name, value in (
        ("cache-control", "no-store"),
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-frame-options", "DENY"),
    ):
        assert page.headers[name] == value


def test_filters_by_who_action_and_dates(audit_site: DeskSite) -> None:
    db = audit_site.db
    for day, actor, action in [
        (0, "editor asha", "approve"),
        (1, "editor asha", "reject"),
        (1, "editor bina", "approve"),
        (2, "agency wire", "kill"),
        (3, "editor asha", "approve"),
    ]:
        desk_queue.record_act(
            db, action, actor, reason=None, address=None, now=T0 + timedelta(days=day, hours=3)
        )
    viewer = audit_site.signed_in("vik")

    def shown(query: str) -> list[tuple[str, str]]:
        answer = viewer.get("/desk/audit?" + query)
        assert answer.status_code == 200, answer.text
        return [(when[:10], who) for when, who, _ in rows(answer.text)]

    assert shown("who=asha&action=approve") == [
        ("2026-03-05", "editor asha"),
        ("2026-03-02", "editor asha"),
    ]
    assert shown("who=agency+wire") == [("2026-03-04", "agency wire")]
    assert shown("action=approve&from=2026-03-03&to=2026-03-04") == [("2026-03-03", "editor bina")]
    assert shown("who=Asha&from=2026-03-03") == [
        ("2026-03-05", "editor asha"),
        ("2026-03-03", "editor asha"),
    ]
    assert shown("who=nobody") == []
    assert "No entries match these filters." in viewer.get("/desk/audit?who=nobody").text
    # the form keeps what was asked
    page = viewer.get("/desk/audit?who=asha&action=reject&from=2026-03-03").text
    assert 'name="who" value="asha"' in page
    assert '<option value="reject" selected>' in page
    assert 'value="2026-03-03"' in page


def test_a_date_that_is_not_one_is_refused_with_how_to_write_it(audit_site: DeskSite) -> None:
    viewer = audit_site.signed_in("vik")
    answer = viewer.get("/desk/audit?from=02/03/2026")
    assert answer.status_code == 400
    assert "The from date &#39;02/03/2026&#39; is not a date; write it as YYYY-MM-DD" in answer.text


def test_pages_follow_each_other_by_key_without_gaps_or_repeats(audit_site: DeskSite) -> None:
    db = audit_site.db
    # 120 entries, three to a minute: a page boundary falls between entries of one time
    for n in range(120):
        desk_queue.record_act(
            db,
            "reprocess",
            "editor asha",
            reason=f"entry {n:03}",
            address="10.0.0.9",
            now=T0 - timedelta(days=1) + timedelta(minutes=n // 3),
        )
    viewer = audit_site.signed_in("vik")
    seen: list[str] = []
    url = "/desk/audit?action=reprocess"
    pages = 0
    while url:
        page = viewer.get(url).text
        pages += 1
        seen += re.findall(r"entry (\d{3})", page)
        found = re.search(r'rel="next" href="([^"]+)"', page)
        url = found.group(1).replace("&amp;", "&") if found else ""
        if found:
            assert "action=reprocess" in url  # the filters go along
        if pages == 1:  # an act while someone reads: the pages already made do not shift
            desk_queue.record_act(
                db, "reprocess", "editor asha", reason="entry 999", address=None, now=T0
            )
    assert pages == 3
    assert seen == [f"{n:03}" for n in reversed(range(120))]
    assert "entry 999" in viewer.get("/desk/audit?action=reprocess").text


def test_a_hand_made_cursor_shows_the_newest_page(audit_site: DeskSite) -> None:
    viewer = audit_site.signed_in("vik")
    answer = viewer.get("/desk/audit?before=not-a-cursor")
    assert answer.status_code == 200
    assert ("2026-03-02 09:00 UTC", "editor vik", "sign-in") in rows(answer.text)
