"""Storage: schema, migrations, the visibility gate, and the `Store` that uses them."""

from wiredesk.store.engine import make_engine, migrate
from wiredesk.store.store import (
    ITEM_STATES,
    Article,
    AuditEntry,
    Correction,
    ItemRow,
    SaveOutcome,
    SourceState,
    Store,
    Story,
    VersionInfo,
)

__all__ = [
    "ITEM_STATES",
    "Article",
    "AuditEntry",
    "Correction",
    "ItemRow",
    "SaveOutcome",
    "SourceState",
    "Store",
    "Story",
    "VersionInfo",
    "make_engine",
    "migrate",
]
