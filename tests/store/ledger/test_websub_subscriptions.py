"""WebSub subscriptions as the hub keeps them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from tests.store.store_support import T0
from wiredesk.store.database import Database
from wiredesk.store.ledger import websub

TOPIC = "https://news.example/feed.xml"


def test_a_renewal_moves_the_lease_and_replaces_the_secret(store: Database) -> None:
    websub.subscribe(store, TOPIC, "https://a.example/cb", "one", T0 + timedelta(days=1), T0, "h1")
    websub.subscribe(store, TOPIC, "https://a.example/cb", "two", T0 + timedelta(days=9), T0, "h2")
    [sub] = websub.live(store, T0)
    assert (sub.secret, sub.expires_at, sub.content_hash) == ("two", T0 + timedelta(days=9), "h2")


def test_a_subscription_whose_lease_ended_is_not_told_and_is_forgotten(store: Database) -> None:
    websub.subscribe(store, TOPIC, "https://a.example/cb", None, T0 + timedelta(hours=1), T0, None)
    websub.subscribe(store, TOPIC, "https://b.example/cb", None, T0 + timedelta(days=2), T0, None)
    later = T0 + timedelta(hours=2)
    assert [s.callback for s in websub.live(store, later)] == ["https://b.example/cb"]
    assert websub.count_live(store, later) == 1
    assert websub.forget_expired(store, later) == 1
    assert [s.callback for s in websub.live(store, T0)] == ["https://b.example/cb"]


def test_failures_count_until_a_delivery_succeeds(store: Database) -> None:
    websub.subscribe(store, TOPIC, "https://a.example/cb", None, T0 + timedelta(days=1), T0, "h0")
    [sub] = websub.live(store, T0)
    websub.failed(store, sub.id, "the callback answered HTTP 500")
    websub.failed(store, sub.id, "the callback answered HTTP 500")
    assert websub.live(store, T0)[0].failures == 2
    websub.delivered(store, sub.id, T0, "h1")
    [after] = websub.live(store, T0)
    assert (after.failures, after.content_hash) == (0, "h1")


def test_unsubscribe_forgets_only_that_callback(store: Database) -> None:
    for cb in ("https://a.example/cb", "https://b.example/cb"):
        websub.subscribe(store, TOPIC, cb, None, T0 + timedelta(days=1), T0, None)
    assert websub.unsubscribe(store, TOPIC, "https://a.example/cb")
    assert not websub.unsubscribe(store, TOPIC, "https://a.example/cb")
    assert [s.callback for s in websub.live(store, T0)] == ["https://b.example/cb"]
