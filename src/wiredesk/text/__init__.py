"""What the apparatus of agency copy looks like, defined once for every part that reads it.

Credit lines (`credit`), `Source : X` lines (`source_line`), an upstream website's disclaimer
(`disclaimer`), where such lines may sit (`apparatus`), datelines (`dateline`), and the
characters no later step can store (`controls`). The pipeline lifts the apparatus out of a body
into fields; syndication leaves it out of the matching key; both must agree on what it is, so
neither owns the patterns and both import them from here.

These modules import only the standard library and `wiredesk.model`, never `pipeline`,
`syndication` or `formats`, which all build on them. Nothing is re-exported here: import the
module that says what a name is about.
"""
