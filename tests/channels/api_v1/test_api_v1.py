"""The subscribers' API as a subscriber meets it: the real site application over a real store
(SQLite and PostgreSQL), keys made by the ledger as `wiredesk apikey add` makes them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from starlette.testclient import TestClient

from tests.channels.channels_support import T0, Clock, Filler, make_settings, story_item
from wiredesk.model import Envelope, PubStatus, Signal, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import api_keys, copies, editorial, envelopes, stories, takedowns
from wiredesk.store.ledger.stories import GroupingPlan

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "fixtures" / "ninjs" / "ninjs-2.1.schema.json").read_text()
)
NINJS = jsonschema.Draft202012Validator(SCHEMA)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def api(store: Database, tmp_path: Path, clock: Clock) -> TestClient:
    return TestClient(site_app(make_settings(tmp_path, "hi"), store, clock=clock))


@pytest.fixture
def key(store: Database) -> str:
    return api_keys.add(store, "everything", sources=None, now=T0)


def uris(page: dict[str, Any]) -> list[str]:
    return [n["uri"] for n in page["items"]]


def short_ids(objs: list[dict[str, Any]]) -> list[str]:
    return [next(a["value"] for a in o["altids"] if a["role"] == "shortid") for o in objs]


def walk(api: TestClient, key: str, first: str) -> list[dict[str, Any]]:
    """Every page from `first` on, following `next`; checks the Link header says the same."""
    out: list[dict[str, Any]] = []
    url: str | None = first
    while url:
        page = api.get(url, headers=bearer(key))
        assert page.status_code == 200, page.text
        body = page.json()
        out += body["items"]
        link = page.headers.get("link")
        assert link == (f'<{body["next"]}>; rel="next"' if body["next"] else None)
        url = body["next"]
    return out


# --- keys ----------------------------------------------------------------------------------


def test_no_key_an_unknown_key_and_a_revoked_key_are_401_with_www_authenticate(
    api: TestClient, store: Database, key: str, fill: Filler
) -> None:
    fill(story_item(1))
    for headers in ({}, bearer("wd_not-a-key"), {"Authorization": f"Basic {key}"}):
        r = api.get("/api/v1/items", headers=headers)
        assert r.status_code == 401, headers
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert r.headers["content-type"] == "application/problem+json"
        assert "ख़बर" not in r.text
    assert api.get("/api/v1/items", headers=bearer(key)).status_code == 200
    assert api_keys.revoke(store, "everything", now=T0)
    revoked = api.get("/api/v1/items", headers=bearer(key))
    assert revoked.status_code == 401
    assert 'error="invalid_token"' in revoked.headers["www-authenticate"]


def test_a_key_outside_its_scope_is_refused_and_its_lists_hold_only_its_sources(
    api: TestClient, store: Database, fill: Filler
) -> None:
    ians = fill(story_item(1, headline="आईएएनएस की ख़बर"))
    pti = fill(story_item(2, headline="पीटीआई की ख़बर"), source="pti")
    scoped = api_keys.add(store, "ians-only", sources=["ians"], now=T0)

    listed = api.get("/api/v1/items", headers=bearer(scoped)).json()
    assert short_ids(listed["items"]) == [ians]
    stories = api.get("/api/v1/stories", headers=bearer(scoped)).json()["stories"]
    assert [s["headlines"][0]["value"] for s in stories] == ["आईएएनएस की ख़बर"]

    for url in (
        "/api/v1/items?source=pti",
        "/api/v1/items?source=ians,pti",
        "/api/v1/stories?source=pti",
        f"/api/v1/items/{pti}",
        f"/api/v1/items/{pti}/versions",
    ):
        r = api.get(url, headers=bearer(scoped))
        assert r.status_code == 403, url
        assert "पीटीआई" not in r.text
    assert api.get(f"/api/v1/items/{ians}", headers=bearer(scoped)).status_code == 200
    ok = api.get("/api/v1/items?source=ians", headers=bearer(scoped))
    assert short_ids(ok.json()["items"]) == [ians]


def test_a_key_past_its_budget_gets_429_with_retry_after(
    api: TestClient, store: Database, fill: Filler
) -> None:
    fill(story_item(1))
    slow = api_keys.add(store, "slow", sources=None, now=T0, rate_per_minute=3)
    other = api_keys.add(store, "other", sources=None, now=T0, rate_per_minute=3)
    for _ in range(3):
        assert api.get("/api/v1/items", headers=bearer(slow)).status_code == 200
    refused = api.get("/api/v1/items", headers=bearer(slow))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 20  # a token every 20 s
    assert "ख़बर" not in refused.text
    # the budget is the key's own
    assert api.get("/api/v1/items", headers=bearer(other)).status_code == 200


# --- conditional requests ---------------------------------------------------------------------


def test_every_get_has_an_etag_and_a_matching_if_none_match_gets_304_until_it_changes(
    api: TestClient, key: str, fill: Filler
) -> None:
    sid = fill(story_item(1, version=1))
    for url in (
        "/api/v1/items",
        f"/api/v1/items/{sid}",
        f"/api/v1/items/{sid}/versions",
        "/api/v1/stories",
        "/api/openapi.json",
    ):
        first = api.get(url, headers=bearer(key))
        etag = first.headers["etag"]
        again = api.get(url, headers={**bearer(key), "If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.content == b"" and again.headers["etag"] == etag
        assert etag.startswith('W/"')  # one ETag for the plain and the compressed bytes
        strong = api.get(url, headers={**bearer(key), "If-None-Match": etag.removeprefix("W/")})
        assert strong.status_code == 304, url
        assert api.get(url, headers={**bearer(key), "If-None-Match": '"other"'}).status_code == 200

    before = api.get("/api/v1/items", headers=bearer(key)).headers["etag"]
    fill(story_item(1, version=2, headline="नया शीर्षक"))
    changed = api.get("/api/v1/items", headers={**bearer(key), "If-None-Match": before})
    assert changed.status_code == 200
    assert changed.json()["items"][0]["headlines"][0]["value"] == "नया शीर्षक"


# --- what is shown ------------------------------------------------------------------------------


def test_copies_are_ninjs_2_with_the_sites_provenance(
    api: TestClient, key: str, fill: Filler
) -> None:
    sid = fill(
        story_item(
            1,
            summary="सार",
            byline="संवाददाता",
            credit_line="(साभार : चाइना मीडिया ग्रुप, पेइचिंग)",
            originator="चाइना मीडिया ग्रुप",
            dateline_place="नई दिल्ली",
            urgency=3,
        )
    )
    r = api.get(f"/api/v1/items/{sid}", headers=bearer(key))
    assert r.status_code == 200
    obj = r.json()
    NINJS.validate(obj)
    assert obj["uri"] == f"https://news.example.com/videsh/khabar-1-{sid}"
    assert obj["pubstatus"] == "usable" and obj["type"] == "text"
    assert obj["headlines"] == [{"role": "main", "value": "ख़बर संख्या 1"}]
    assert obj["by"] == "संवाददाता" and obj["located"] == "नई दिल्ली" and obj["urgency"] == 3
    html = next(b for b in obj["bodies"] if b["contenttype"] == "text/html")
    assert html["value"].startswith("<p>पहला अनुच्छेद 1।</p>")
    roles = {d["role"]: d["value"] for d in obj["descriptions"]}
    assert roles["summary"] == "सार"
    assert roles["creditline"] == "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"
    assert roles["disclaimer"].startswith("डिस्क्लेमरः")
    sources = {s["role"]: s["name"] for s in obj["infosources"]}
    assert sources == {"distributor": "IANS", "originator": "चाइना मीडिया ग्रुप"}
    assert {"role": "guid", "value": "guid-1"} in obj["altids"]


def test_a_killed_story_is_canceled_without_its_text_and_drops_out_of_stories(
    api: TestClient, store: Database, key: str, fill: Filler
) -> None:
    kept = fill(story_item(1, version=1))
    agency = fill(story_item(2, headline="एजेंसी ने वापस ली", version=1))
    desk = fill(story_item(3, headline="संपादकों ने हटाई"))
    fill(story_item(2, headline="KILL: एजेंसी ने वापस ली", version=2, signals=[Signal.KILL]))
    editorial.kill(store, editorial.find_copy(store, desk), reason="legal", actor="editor asha")

    listed = api.get("/api/v1/items", headers=bearer(key)).json()["items"]
    status = dict(zip(short_ids(listed), (o["pubstatus"] for o in listed), strict=True))
    assert status == {desk: "canceled", agency: "canceled", kept: "usable"}
    for obj in listed:
        NINJS.validate(obj)
    for sid, notice in (
        (agency, "यह खबर एजेंसी ने वापस ले ली है।"),
        (desk, "यह खबर संपादकों ने हटा दी है।"),
    ):
        one = api.get(f"/api/v1/items/{sid}", headers=bearer(key))
        assert one.status_code == 200
        text = one.text
        assert "bodies" not in one.json() and "अनुच्छेद" not in text
        assert "एजेंसी ने वापस ली" not in text and "संपादकों ने हटाई" not in text
        assert one.json()["headlines"] == [{"role": "main", "value": "ख़बर वापस ली गई"}]
        assert one.json()["descriptions"][0]["value"] == notice
        assert api.get(f"/api/v1/items/{sid}/versions", headers=bearer(key)).status_code == 410

    canceled = api.get("/api/v1/items?state=canceled", headers=bearer(key)).json()["items"]
    assert sorted(short_ids(canceled)) == sorted([agency, desk])
    usable = api.get("/api/v1/items?state=usable", headers=bearer(key)).json()["items"]
    assert short_ids(usable) == [kept]
    stories = api.get("/api/v1/stories", headers=bearer(key)).json()["stories"]
    assert [s["headlines"][0]["value"] for s in stories] == ["ख़बर संख्या 1"]


def test_a_story_taken_down_by_the_editors_is_canceled_like_a_kill(
    api: TestClient, store: Database, key: str, clock: Clock, fill: Filler
) -> None:
    kept = fill(story_item(1))
    first = fill(story_item(2, headline="अदालत का मामला"))
    second = fill(story_item(3, headline="अदालत का मामला फिर"), source="pti")
    ids = [editorial.find_copy(store, s) for s in (first, second)]
    assert None not in ids
    a, b = (i for i in ids if i is not None)
    stories.apply(store, GroupingPlan(joins=[(b, a)]), T0 + timedelta(hours=3))
    story = takedowns.story_of_copy(store, a)
    polled = clock.now
    clock.now += timedelta(minutes=10)
    takedowns.take_down(store, story, reason="court order", actor="editor asha", now=clock.now)
    # a copy of the story arriving after the takedown: the public never saw it
    late = fill(story_item(4, headline="अदालत"), source="ani", now=clock.now + timedelta(minutes=1))
    late_id = editorial.find_copy(store, late)
    assert late_id is not None
    stories.apply(store, GroupingPlan(joins=[(late_id, a)]), clock.now + timedelta(minutes=1))
    clock.now += timedelta(minutes=5)

    listed = api.get("/api/v1/items", headers=bearer(key)).json()["items"]
    status = dict(zip(short_ids(listed), (o["pubstatus"] for o in listed), strict=True))
    assert status == {first: "canceled", second: "canceled", kept: "usable"}
    for sid in (first, second):
        one = api.get(f"/api/v1/items/{sid}", headers=bearer(key))
        assert one.status_code == 200
        obj = one.json()
        NINJS.validate(obj)
        assert "bodies" not in obj and "अदालत" not in one.text
        assert obj["descriptions"][0]["value"] == "यह खबर संपादकों ने वापस ले ली है।"
        assert obj["versioncreated"] == (polled + timedelta(minutes=10)).isoformat().replace(
            "+00:00", "Z"
        )
        assert api.get(f"/api/v1/items/{sid}/versions", headers=bearer(key)).status_code == 410
    assert api.get(f"/api/v1/items/{late}", headers=bearer(key)).status_code == 404

    canceled = api.get("/api/v1/items?state=canceled", headers=bearer(key)).json()["items"]
    assert sorted(short_ids(canceled)) == sorted([first, second])
    since = polled.isoformat().replace("+00:00", "Z")
    changed = api.get(f"/api/v1/items?updated_since={since}", headers=bearer(key)).json()
    assert sorted(short_ids(changed["items"])) == sorted([first, second])
    assert short_ids(
        api.get("/api/v1/items?state=usable", headers=bearer(key)).json()["items"]
    ) == [kept]

    takedowns.restore(store, story, reason="order lifted", actor="editor asha", now=clock.now)
    again = api.get("/api/v1/items", headers=bearer(key)).json()["items"]
    assert {o["pubstatus"] for o in again} == {"usable"}
    assert set(short_ids(again)) == {kept, first, second, late}


def test_held_withheld_and_embargoed_copies_are_never_served(
    api: TestClient, store: Database, key: str, clock: Clock, fill: Filler
) -> None:
    withheld = fill(
        story_item(1, version=1), story_item(1, version=2, pub_status=PubStatus.WITHHELD)
    )
    embargoed = fill(story_item(2, embargo_until=clock.now + timedelta(hours=1)))
    env_id, _ = envelopes.record(store, Envelope("ians", b"held", Transport.HTTP, "x"))
    [held] = copies.save(store, "ians", [story_item(3)], env_id, auto_publish=False, now=T0)
    # killed while still embargoed: the public never saw it, so it is not named either
    early = fill(story_item(4, embargo_until=clock.now + timedelta(hours=1)))
    killed = editorial.kill(
        store, editorial.find_copy(store, early), reason="x", actor="editor a", now=clock.now
    )
    assert killed

    assert api.get("/api/v1/items", headers=bearer(key)).json()["items"] == []
    for sid in (withheld, embargoed, held.short_id, early):
        assert api.get(f"/api/v1/items/{sid}", headers=bearer(key)).status_code == 404
    clock.now += timedelta(hours=2)  # the embargo is over
    assert short_ids(api.get("/api/v1/items", headers=bearer(key)).json()["items"]) == [embargoed]


def test_versions_are_the_ones_the_public_could_read_oldest_first(
    api: TestClient, key: str, fill: Filler
) -> None:
    sid = fill(
        story_item(1, version=1, headline="पहला"),
        story_item(1, version=2, headline="रोका गया", pub_status=PubStatus.WITHHELD),
        story_item(1, version=3, headline="तीसरा", correction_note="नाम सुधारा"),
    )
    r = api.get(f"/api/v1/items/{sid}/versions", headers=bearer(key))
    versions = r.json()["versions"]
    for v in versions:
        NINJS.validate(v)
    assert [(v["version"], v["headlines"][0]["value"]) for v in versions] == [
        ("1", "पहला"),
        ("3", "तीसरा"),
    ]
    assert "रोका गया" not in r.text
    assert {"role": "correction", "contenttype": "text/plain", "value": "नाम सुधारा"} in versions[1][
        "descriptions"
    ]


def test_filters_by_source_section_language_and_time(
    api: TestClient, key: str, fill: Filler
) -> None:
    a = fill(story_item(1, section="videsh", language="hi"))
    b = fill(story_item(2, section="khel", language="hi"))
    c = fill(story_item(3, section="khel", language="en", headline="Match"), source="pti")
    d = fill(story_item(40, version=1))
    fill(story_item(40, version=2, headline="अद्यतन", updated_at=T0 + timedelta(minutes=50)))

    def ids(query: str) -> set[str]:
        r = api.get(f"/api/v1/items?{query}", headers=bearer(key))
        assert r.status_code == 200, r.text
        return set(short_ids(r.json()["items"]))

    assert ids("") == {a, b, c, d}
    assert ids("source=pti") == {c}
    assert ids("source=ians,pti&section=khel") == {b, c}
    assert ids("section=khel&language=hi") == {b}
    assert ids("language=en") == {c}
    assert ids("since=2026-02-05T10:02:00Z") == {b, c, d}
    assert ids("since=2026-02-05T15:32:00%2B05:30") == {b, c, d}
    # updated since: copies first published before but changed after
    assert ids("updated_since=2026-02-05T10:45:00Z") == {d}
    for bad in (
        "limit=0",
        "limit=101",
        "limit=x",
        "since=yesterday",
        "since=2026-02-05T10:00",
        "state=killed",
        "cursor=nonsense",
        "source=,",
    ):
        r = api.get(f"/api/v1/items?{bad}", headers=bearer(key))
        assert r.status_code == 400, bad
        assert r.json()["detail"].split(":")[0] in bad


def test_pages_have_no_duplicates_or_gaps_while_new_copies_arrive(
    api: TestClient, key: str, clock: Clock, fill: Filler
) -> None:
    first = [fill(story_item(n)) for n in range(1, 12)]
    page = api.get("/api/v1/items?limit=4", headers=bearer(key)).json()
    seen = short_ids(page["items"])
    # new copies arrive (newer, and one as new as the page's last) while the subscriber pages
    fill(story_item(50), story_item(51))
    fill(story_item(8, guid="late-same-minute", headline="उसी मिनट की"))
    rest = walk(api, key, page["next"])
    walked = seen + short_ids(rest)
    assert len(walked) == len(set(walked))
    assert set(first) <= set(walked)
    assert len(page["items"]) == 4


def test_stories_carry_their_copies_and_one_story_is_found_by_id(
    api: TestClient, store: Database, key: str, fill: Filler
) -> None:
    from wiredesk.store.ledger import stories as sg
    from wiredesk.store.ledger.stories import GroupingPlan

    ians = fill(story_item(1, headline="आईएएनएस"))
    pti = fill(story_item(2, headline="पीटीआई"), source="pti")
    first = editorial.find_copy(store, ians)
    other = editorial.find_copy(store, pti)
    assert first is not None and other is not None
    sg.apply(store, GroupingPlan(joins=[(other, first)]), T0 + timedelta(hours=3))

    listed = api.get("/api/v1/stories", headers=bearer(key)).json()["stories"]
    assert len(listed) == 1
    story = listed[0]
    NINJS.validate(story)
    assert story["type"] == "composite"
    assert [a["name"] for a in story["associations"]] == ["ians", "pti"]
    assert short_ids(story["associations"]) == [ians, pti]
    path = story["uri"].removeprefix("https://news.example.com")
    again = api.get(path, headers=bearer(key))
    assert again.status_code == 200 and again.json() == story
    scoped = api_keys.add(store, "pti-only", sources=["pti"], now=T0)
    assert short_ids(api.get(path, headers=bearer(scoped)).json()["associations"]) == [pti]
    assert api.get("/api/v1/stories/999999", headers=bearer(key)).status_code == 404
    assert api.get("/api/v1/nothing-here", headers=bearer(key)).status_code == 404


def test_no_cors_headers_by_default(api: TestClient, key: str) -> None:
    r = api.get("/api/v1/items", headers={**bearer(key), "Origin": "https://elsewhere.example"})
    assert r.status_code == 200
    assert not any(h.lower().startswith("access-control-") for h in r.headers)


def test_a_request_out_of_time_is_a_503_problem_with_retry_after(
    store: Database, key: str, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    from wiredesk.channels.web.app import create_app
    from wiredesk.store.public.reader import PublicReader

    fill(story_item(1))
    app = create_app(make_settings(tmp_path), PublicReader(store), clock=clock, request_timeout=0)
    r = TestClient(app).get("/api/v1/items", headers=bearer(key))
    assert r.status_code == 503
    assert r.headers["retry-after"] == "10"
    assert r.headers["content-type"] == "application/problem+json"
