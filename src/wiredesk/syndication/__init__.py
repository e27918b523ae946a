"""Syndication intelligence: the same story from many wires, found and told once.

`wiredesk.syndication.engine` is the API the store and site use (fingerprint,
SyndicationIndex, Match); the other modules are its steps: `normalize` (matching keys),
`fingerprint` (MinHash signatures and sentence features), `index` (LSH buckets per time
slot), `verify` (sentence coverage). Nothing is re-exported here: a package attribute named
`fingerprint` would hide the `fingerprint` module. See docs/syndication.md.
"""
