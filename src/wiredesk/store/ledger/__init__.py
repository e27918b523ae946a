"""The write side of the store: everything ingest and the editors' commands write.

One module per kind of record: `envelopes` (raw payloads, stored first), `copies` (the
version write path, with the lifecycle rules of `lifecycle` and the rows of `version_rows`),
`stories` (grouping's plans applied), `quarantine`, `source_state`, `editorial` (approve,
kill a copy, the audit log), `takedowns` (an editor's takedown of a whole story, and its
restore), `short_ids`. Each function takes the `Database` and runs its own
transaction.
"""
