"""Pure stages that turn a parsed `Item` into a publishable one; see `pipeline.py`."""

from wiredesk.pipeline.pipeline import StageContext, context_for, process

__all__ = ["StageContext", "context_for", "process"]
