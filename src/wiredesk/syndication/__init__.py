"""Syndication intelligence: the same story from many wires, found and told once.

`engine` is the API the store and site use (fingerprint, SyndicationIndex, Match); the other
modules are its steps: `normalize` (matching keys), `fingerprint` (MinHash signatures and
sentence features), `index` (LSH buckets per time slot), `verify` (sentence coverage).
See docs/syndication.md.
"""

from wiredesk.syndication.engine import Fingerprint, Match, SyndicationIndex, fingerprint

__all__ = ["Fingerprint", "Match", "SyndicationIndex", "fingerprint"]
