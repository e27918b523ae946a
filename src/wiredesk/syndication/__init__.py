"""Syndication intelligence: the same story from many wires, found and told once.

`wiredesk.syndication.engine` is the API the store and site use (fingerprint,
SyndicationIndex, Match); the other modules are its steps: `match_keys` (a story reduced to
what its copies share), `token_ids` (the same key as stable ids), `fingerprint` (MinHash
signatures and sentence features), `index` (LSH buckets per time slot), `verify` (sentence
coverage). What a credit, source or disclaimer line and a dateline look like comes from
`wiredesk.text`, shared with the pipeline; nothing here imports the pipeline. Nothing is
re-exported here: a package attribute named `fingerprint` would hide the `fingerprint` module.
See docs/syndication.md.
"""
