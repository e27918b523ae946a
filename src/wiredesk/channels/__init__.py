"""Channels: everything the public sees — the website (`web/`), the outbound feeds
(`feeds/`) and the health answer monitors read (`health`).

Channels read through `wiredesk.store.public` and nothing else of the store, and never import
`wiredesk.ingest`: the one writer reaches the site only as routes the runtime mounts.
"""
