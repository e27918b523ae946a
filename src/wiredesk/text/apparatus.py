"""Where apparatus sits: a story's last few lines (and, for a credit, its very first line).

Credit, source and disclaimer lines are appended by the agency or by a portal after the story,
so only the last `MAX_TRAILING_LINES` lines are candidates. Looking further up would start
taking sentences that merely mention a source for apparatus; the pipeline (which removes the
lines from the body) and syndication (which leaves them out of the matching key) use the same
limit, so a body gives the same story to both.
"""

from __future__ import annotations

# How many trailing lines may be attribution; more than this is story, not apparatus.
MAX_TRAILING_LINES = 5
