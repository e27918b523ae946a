from __future__ import annotations

from datetime import UTC, datetime

from wiredesk.store.database import Database
from wiredesk.store.ledger import source_state

T0 = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)


def test_source_state_roundtrip(store: Database) -> None:
    assert source_state.get(store, "ians") is None
    source_state.update_state(store, "ians", etag='"abc"', last_success_at=T0)
    source_state.update_state(store, "ians", last_modified="Sat, 05 Feb 2022 10:00:00 GMT")
    st = source_state.get(store, "ians")
    assert st.etag == '"abc"' and st.last_success_at == T0
    assert st.last_modified.startswith("Sat")


def test_source_state_first_write_may_set_every_column(store: Database) -> None:
    source_state.update_state(store, "pti", consecutive_failures=3, last_error="HTTP 500")
    st = source_state.get(store, "pti")
    assert st.consecutive_failures == 3 and st.last_error == "HTTP 500"
