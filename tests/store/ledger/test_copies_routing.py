"""Routing at the store: a new copy is written published or held as routing decided, with the
rule that decided it; a dropped one is not written; a later version changes neither."""

from __future__ import annotations

from datetime import timedelta

from tests.store.store_support import T0, envelope, wire_item
from wiredesk.model import SOURCE_MODE, RouteAction, Routing
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies
from wiredesk.store.public.reader import PublicReader

LATER = T0 + timedelta(hours=1)


def statuses(store: Database) -> dict[str, tuple[str, str]]:
    """guid -> (state, decided_by), as an operator (and the desk) reads them."""
    return {r.guid: (r.state, r.decided_by) for r in operator.copy_statuses(store, LATER)}


def test_each_new_copy_records_the_rule_that_decided_it(store: Database) -> None:
    env = envelope(store)
    outs = copies.save(
        store,
        "ians",
        [wire_item("a"), wire_item("b"), wire_item("c")],
        env,
        routes=[
            Routing(RouteAction.HOLD, "hold sport"),
            Routing(RouteAction.PUBLISH, SOURCE_MODE),
            Routing(RouteAction.DROP, "wire chatter"),
        ],
        now=T0,
    )
    assert [(o.created, o.dropped_by) for o in outs] == [
        (True, None),
        (True, None),
        (False, "wire chatter"),
    ]
    assert statuses(store) == {
        "a": ("held", "hold sport"),
        "b": ("published", SOURCE_MODE),
    }
    assert [c.short_id for c in PublicReader(store).list_copies(LATER)] == [outs[1].short_id]


def test_without_routes_the_source_mode_decides_and_says_so(store: Database) -> None:
    copies.save(store, "ians", [wire_item("a")], envelope(store), auto_publish=False, now=T0)
    assert statuses(store) == {"a": ("held", SOURCE_MODE)}


def test_a_later_version_keeps_the_copy_as_routing_first_decided(store: Database) -> None:
    env = envelope(store)
    copies.save(
        store, "ians", [wire_item("a")], env, routes=[Routing(RouteAction.PUBLISH, "flash")], now=T0
    )
    update = wire_item("a", headline="नई सुर्खी", updated_at=T0 + timedelta(minutes=5))
    # routing would hold (or drop) it now: a published copy is neither un-published nor removed
    for route in (Routing(RouteAction.HOLD, "hold all"), Routing(RouteAction.DROP, "chatter")):
        [out] = copies.save(store, "ians", [update], env, routes=[route], now=T0)
        assert out.dropped_by is None
    assert statuses(store) == {"a": ("published", "flash")}
    [shown] = PublicReader(store).list_copies(LATER)
    assert shown.headline == "नई सुर्खी"


def test_a_guid_dropped_once_is_decided_again_when_it_comes_back(store: Database) -> None:
    env = envelope(store)
    copies.save(
        store, "ians", [wire_item("a")], env, routes=[Routing(RouteAction.DROP, "r")], now=T0
    )
    assert statuses(store) == {}
    copies.save(
        store, "ians", [wire_item("a")], env, routes=[Routing(RouteAction.HOLD, "q")], now=T0
    )
    assert statuses(store) == {"a": ("held", "q")}
