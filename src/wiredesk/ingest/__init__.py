"""Ingest: the only writer of news. Every way a payload arrives, and what happens to it.

- `transports/`: how payloads arrive — HTTP polling (`http`, with `addresses` guarding
  private networks and `decoding` bounding compressed bodies), `file://` URLs and drop
  folders (`files`), and pushes (`push`, an endpoint the runtime mounts into the web app);
- `polling` (one poll of one source) and `scheduler` (every source on its own clock), with
  `backoff` for sources that fail;
- `accept`: the one path of every payload — raw first, parse, pipeline, quarantine, save;
- `grouping`: copies into stories, decided here and written by the store in one call;
- `reprocess`: stored payloads read again after a crash, a fix or an upgrade.

Everything written goes through `wiredesk.store.ledger`.
"""
