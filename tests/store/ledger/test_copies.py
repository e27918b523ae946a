from __future__ import annotations

from datetime import timedelta

from tests.store.store_support import T0, envelope, wire_item
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies
from wiredesk.store.public.reader import PublicReader


def test_new_story_is_public_at_version_one_with_a_stable_url(store: Database) -> None:
    env = envelope(store)
    [out] = copies.save(store, "ians", [wire_item()], env, now=T0 + timedelta(minutes=1))
    assert out.created and out.version == 1
    [story] = PublicReader(store).list_copies(T0 + timedelta(minutes=2))
    assert story.path == f"/videsh/shi-chinfing-ki-mulakat-{out.short_id}"
    assert story.headline == "शी चिनफिंग की मुलाकात"
    assert story.updated_at is None
    assert (
        PublicReader(store).copy_detail(out.short_id, T0 + timedelta(minutes=2)).copy.version == 1
    )


def test_replaying_an_item_changes_nothing(store: Database) -> None:
    env = envelope(store)
    copies.save(store, "ians", [wire_item()], env, now=T0)
    [again] = copies.save(store, "ians", [wire_item()], env, now=T0 + timedelta(hours=1))
    assert not again.created and not again.changed
    art = PublicReader(store).copy_detail(again.short_id, T0 + timedelta(hours=2))
    assert len(art.versions) == 1


def test_changed_content_makes_a_new_version_with_history(store: Database) -> None:
    env = envelope(store)
    [v1] = copies.save(store, "ians", [wire_item()], env, now=T0)
    later = T0 + timedelta(hours=1)
    [v2] = copies.save(
        store,
        "ians",
        [wire_item(headline="नई सुर्खी", body="<p>दो</p>", updated_at=later)],
        env,
        now=later,
    )
    assert v2.short_id == v1.short_id and v2.version == 2 and v2.changed
    art = PublicReader(store).copy_detail(v1.short_id, later + timedelta(minutes=1))
    assert art.copy.headline == "नई सुर्खी"
    assert art.copy.updated_at == later
    assert [v.version for v in art.versions] == [2, 1]
    # the slug (and so the URL) does not follow the new headline
    assert art.copy.path.endswith(f"shi-chinfing-ki-mulakat-{v1.short_id}")


def test_an_older_version_arriving_late_is_kept_but_not_shown(store: Database) -> None:
    env = envelope(store)
    copies.save(store, "ians", [wire_item(body="<p>new</p>", version=3)], env, now=T0)
    [late] = copies.save(store, "ians", [wire_item(body="<p>old</p>", version=2)], env, now=T0)
    art = PublicReader(store).copy_detail(late.short_id, T0 + timedelta(minutes=1))
    assert art.copy.body_html == "<p>new</p>"
    assert len(art.versions) == 2


def test_held_stories_are_not_public(store: Database) -> None:
    env = envelope(store)
    [out] = copies.save(store, "ians", [wire_item()], env, auto_publish=False, now=T0)
    assert PublicReader(store).list_copies(T0 + timedelta(days=1)) == []
    assert PublicReader(store).copy_detail(out.short_id, T0 + timedelta(days=1)) is None


def test_a_later_pubdate_on_the_same_guid_is_the_update_time(store: Database) -> None:
    """RSS has no update time: the new pubDate says when the agency updated the story."""
    env = envelope(store)
    copies.save(store, "ians", [wire_item()], env, now=T0)
    at = T0 + timedelta(hours=3)
    [out] = copies.save(
        store,
        "ians",
        [wire_item(body="<p>तीन</p>", published_at=at)],
        env,
        now=T0 + timedelta(days=300),
    )
    story = PublicReader(store).copy_detail(out.short_id, T0 + timedelta(days=301)).copy
    assert story.updated_at == at
    assert story.published_at == T0  # first publication time does not move


def test_a_big_first_poll_files_every_story_under_its_own_content(store: Database) -> None:
    # More stories than one bulk statement's id list holds, and the same guids already used by
    # another source: every story must still show its own headline and body at version 1.
    other = envelope(store, payload=b"<rss>pti</rss>", source="pti")
    copies.save(
        store, "pti", [wire_item(guid=f"g{i}", headline=f"pti {i}") for i in range(3)], other
    )
    env = envelope(store)
    batch = [wire_item(guid=f"g{i}", headline=f"h{i}", body=f"<p>b{i}</p>") for i in range(1203)]
    batch.append(wire_item(guid="g7", headline="h7 updated", body="<p>b7 updated</p>"))
    outcomes = copies.save(store, "ians", batch, env, now=T0 + timedelta(hours=1))
    assert [o.created for o in outcomes] == [True] * 1203 + [False]
    assert outcomes[-1].version == 2 and outcomes[-1].short_id == outcomes[7].short_id
    now = T0 + timedelta(hours=2)
    for i in (0, 499, 500, 1202):
        article = PublicReader(store).copy_detail(outcomes[i].short_id, now)
        assert article is not None
        assert (article.copy.headline, article.copy.body_html) == (f"h{i}", f"<p>b{i}</p>")
        assert [v.version for v in article.versions] == [1]
    updated = PublicReader(store).copy_detail(outcomes[7].short_id, now)
    assert updated is not None and updated.copy.headline == "h7 updated"
    assert [v.version for v in updated.versions] == [2, 1]
    assert len(PublicReader(store).list_copies(now, source_id="ians", limit=10**6)) == 1203
    assert len(PublicReader(store).list_copies(now, source_id="pti", limit=10**6)) == 3
