"""The desk's list of routing rules: what publishes, holds or drops a new copy, in order.

The rules live in the settings file (`[[rules]]`, docs/configuration.md), not in the
database: an operator changes them and restarts. The page reads them from the settings the
site started with, so what it lists is what ingest applies, and any signed-in role may read
it: an editor wondering why a copy was held finds the rule named on the copy here. It also
lists each source's own mode, which decides a copy no rule matches.
"""

from __future__ import annotations

from starlette.responses import Response

from wiredesk.desk.guard import Call, Desk, require
from wiredesk.desk.roles import Role
from wiredesk.model import SOURCE_MODE

# What each action (config.RULE_ACTIONS) does, as the page explains it.
ACTION_MEANINGS = {
    "publish": "published at once",
    "hold": "held for an editor to approve",
    "drop": "not stored as a copy (its payload is kept)",
}


@require(Role.VIEWER)
async def rules(desk: Desk, call: Call) -> Response:
    settings = desk.settings
    return desk.render(
        call,
        "rules.html",
        rules=settings.rules,
        meanings=ACTION_MEANINGS,
        sources=sorted(settings.sources, key=lambda s: s.id),
        source_mode=SOURCE_MODE,
        settings_path=settings.path.name,
    )
