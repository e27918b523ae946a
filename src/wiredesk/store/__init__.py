"""Storage, split by the direction of flow.

- `database`: the handle (engine, migrations, the duplicates policy, change listeners);
  `schema` and `migrations/` the one schema for SQLite and PostgreSQL.
- `ledger/`: the write side, used only by `wiredesk.ingest` and the editors' commands —
  raw envelopes, copies and their versions, stories, quarantine, source state, editorial acts.
- `public/`: the read side the channels use — the visibility gate, every public query and the
  records they return. The only part of the store that `wiredesk.channels` may import.
- `operator`: read-only views for operators (every copy's state, story membership, audit).

Nothing is imported here, so that importing `wiredesk.store.public` loads no part of the
write side.
"""
