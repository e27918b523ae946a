"""The lifecycle table of the design, on the store and its visibility gate (both engines)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from wiredesk.formats.newsml_g2 import parse_newsml_g2
from wiredesk.formats.ninjs import parse_ninjs
from wiredesk.model import Envelope, Item, PubStatus, Signal, Transport
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, desk_views, editorial, envelopes
from wiredesk.store.public.reader import PublicReader

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=1)


def env(store: Database, tag: str = "x") -> int:
    return envelopes.record(
        store,
        Envelope(source_id="ians", payload=tag.encode(), transport=Transport.PUSH, location="p"),
    )[0]


def version(v: int | None, body: str = "", **kw) -> Item:
    kw.setdefault("published_at", T0)
    return Item(
        guid="story-1",
        headline=f"सुर्खी {v}",
        body_html=f"<p>{body or v}</p>",
        body_text=str(body or v),
        slug="surkhi",
        section="desh",
        version=v,
        **kw,
    )


def save(store: Database, *its: Item, now: datetime = T0) -> str:
    outs = []
    for i, it in enumerate(its):
        outs += copies.save(store, "ians", [it], env(store, f"{it.version}-{i}-{now}"), now=now)
    return outs[0].short_id


def public(store: Database, now: datetime = LATER) -> list[str]:
    return [s.headline for s in PublicReader(store).list_copies(now)]


def test_newest_version_wins_whatever_the_arrival_order(store: Database) -> None:
    sid = save(store, version(3), version(1), version(2))
    assert public(store) == ["सुर्खी 3"]
    assert len(PublicReader(store).copy_detail(sid, LATER).versions) == 3


def test_a_kill_takes_the_story_off_every_list_and_its_url_answers_gone(store: Database) -> None:
    sid = save(store, version(1))
    assert public(store) == ["सुर्खी 1"]
    save(store, version(2, pub_status=PubStatus.CANCELED, correction_note="legal"))
    assert public(store) == []
    assert PublicReader(store).list_copies(LATER) == []
    assert PublicReader(store).nav_sections(LATER) == []
    assert PublicReader(store).copy_detail(sid, LATER) is None
    assert PublicReader(store).copy_status(sid, LATER) == "killed"
    item_id = editorial.find_copy(store, sid)
    [entry] = operator.audit_entries(store, item_id)
    assert entry.action == "kill" and entry.actor == "agency ians"
    assert "legal" in entry.reason and "version 2" in entry.reason
    assert envelopes.count(store, "ians") == 2  # the raw payloads are kept


def test_an_older_version_never_revives_a_killed_story_but_a_newer_one_does(
    store: Database,
) -> None:
    sid = save(store, version(3, signals=[Signal.KILL]), version(1), version(2))
    assert public(store) == [] and PublicReader(store).copy_status(sid, LATER) == "killed"
    save(store, version(4, body="re-issued"))
    assert public(store) == ["सुर्खी 4"]
    assert [e.action for e in operator.audit_entries(store, editorial.find_copy(store, sid))] == [
        "kill",
        "revive",
    ]


def test_a_kill_that_arrives_before_the_story_keeps_it_down(store: Database) -> None:
    sid = save(store, version(2, pub_status=PubStatus.CANCELED), version(1))
    assert public(store) == []
    assert PublicReader(store).copy_status(sid, LATER) == "killed"


def test_withheld_is_hidden_until_a_later_usable_version(store: Database) -> None:
    sid = save(store, version(1), version(2, pub_status=PubStatus.WITHHELD))
    assert public(store) == []
    assert PublicReader(store).copy_status(sid, LATER) == "hidden"
    save(store, version(3))
    assert public(store) == ["सुर्खी 3"]


def test_an_embargoed_story_appears_by_itself_when_its_time_comes(store: Database) -> None:
    lift = T0 + timedelta(hours=6)
    sid = save(store, version(1, embargo_until=lift))
    for t in (T0, lift - timedelta(seconds=1)):
        assert public(store, t) == []
        assert PublicReader(store).copy_detail(sid, t) is None
        assert PublicReader(store).copy_status(sid, t) == "hidden"
    assert public(store, lift) == ["सुर्खी 1"]
    assert PublicReader(store).copy_detail(sid, lift).copy.published_at == lift


def test_an_editors_kill_is_final(store: Database) -> None:
    sid = save(store, version(1))
    item_id = editorial.find_copy(store, f"/desh/surkhi-{sid}")
    assert editorial.kill(store, item_id, reason="court order", actor="editor cli") is True
    save(store, version(2))
    assert public(store) == []
    assert (
        PublicReader(store).copy_status(sid, LATER) == "taken down"
    )  # by an editor: the 410 page says so
    assert editorial.kill(store, item_id, reason="again", actor="editor cli") is False


def test_a_correction_is_shown_with_a_dated_note(store: Database) -> None:
    at = T0 + timedelta(hours=2)
    sid = save(store, version(1))
    save(
        store,
        version(
            2,
            body="सही",
            signals=[Signal.CORRECTION],
            updated_at=at,
            correction_note="नाम की वर्तनी सुधारी गई",
        ),
    )
    art = PublicReader(store).copy_detail(sid, LATER)
    assert art.copy.body_text == "सही"
    [fix] = art.corrections
    assert fix.time == at and fix.note == "नाम की वर्तनी सुधारी गई"


def test_operators_see_every_state(store: Database) -> None:
    sid = save(store, version(1))
    assert editorial.find_copy(store, "ians:story-1") == editorial.find_copy(store, sid)
    [row] = operator.copy_statuses(store, LATER)
    assert row.state == "published"
    save(store, version(2, pub_status=PubStatus.WITHHELD))
    assert operator.copy_statuses(store, LATER, state="withheld")[0].short_id == sid
    save(store, version(3, embargo_until=LATER + timedelta(days=1)))
    assert operator.copy_statuses(store, LATER)[0].state == "embargoed"
    save(store, version(4, pub_status=PubStatus.CANCELED))
    assert [r.state for r in operator.copy_statuses(store, LATER)] == ["killed"]


def test_an_agency_kill_reads_the_same_on_the_desk_whatever_its_format(store: Database) -> None:
    # pubStatus canceled alone, in ninjs 3.x and in NewsML-G2: the same audit reason and the
    # same "kill" on the version, so an editor cannot tell the formats apart by their kills.
    ninjs = (
        '{{"uri":"urn:ninjs:{v}","type":"text","version":"{v}","pubStatus":"{s}",'
        '"versionCreated":"2026-03-01T09:0{v}:00Z","headlines":[{{"value":"Fair {v}"}}],'
        '"bodies":[{{"contentType":"text/html","value":"<p>Text.</p>"}}]}}'
    )
    g2 = (
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:g2:{v}" version="{v}">'
        '<itemMeta><itemClass qcode="ninat:text"/><pubStatus qcode="stat:{s}"/></itemMeta>'
        "<contentMeta><headline>Fair {v}</headline></contentMeta><contentSet><inlineXML>"
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Text.</p></body></html>'
        "</inlineXML></contentSet></newsItem>"
    )
    shown: dict[str, tuple[tuple[str, ...], str | None]] = {}
    for name, template, parse in (("ninjs", ninjs, parse_ninjs), ("g2", g2, parse_newsml_g2)):
        for v, status in ((1, "usable"), (2, "canceled")):
            text = template.format(v=v, s=status).replace(f"urn:{name}:{v}", f"urn:{name}")
            [item] = parse(text.encode()).items
            short_id = save(store, replace(item, slug="fair", section="desh", published_at=T0))
        assert PublicReader(store).copy_status(short_id, LATER) == "killed", name
        view = desk_views.story(store, desk_views.story_of(store, short_id) or 0, LATER)
        assert view is not None
        [copy] = view.copies
        killed = next(v for v in copy.versions if v.pub_status == "canceled")
        shown[name] = (killed.signals, copy.kill_reason)
    assert shown["ninjs"] == shown["g2"] == (("kill",), "kill signal in version 2")
