"""The editors' desk: its people, their sessions, and the pages under `/desk/`.

Above `channels` and below `runtime` (docs/design-notes.md, "The desk"): the desk writes
(users, sessions, editors' acts) through the store's ledger and reads through `store.public`
and `store.operator`, which the public site may not; it may use the site's web helpers
(security headers, the stylesheet). It never reaches ingest. The runtime mounts its pages
into the site's application at `/desk`, as it mounts ingest's push endpoint.
"""
