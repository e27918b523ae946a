"""Pure stages that turn a parsed `Item` into a publishable one.

`process(item, context_for(site, source, feed_language, received_at=...))` runs them all;
`stages.py` lists them in order, one module per stage, and `context.py` says what a stage may
know beyond the item.
"""

from wiredesk.pipeline.context import StageContext, context_for
from wiredesk.pipeline.stages import STAGES, process

__all__ = ["STAGES", "StageContext", "context_for", "process"]
