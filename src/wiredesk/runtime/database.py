"""Opening the configured database, as every wiredesk process does first.

Apart from `embedded` so that a command that only reads or writes the store (`ingest --once`,
`kill`, `items`) opens it without loading the web server: uvicorn, Starlette and the site are
the site's, and a short command pays their import at every start.
"""

from __future__ import annotations

from wiredesk.config import Settings, SiteSettings
from wiredesk.errors import WiredeskError
from wiredesk.runtime.collector import tune_collector
from wiredesk.store.database import Database
from wiredesk.store.ledger import visibility
from wiredesk.store.public.gate import DuplicatePolicy


def duplicate_policy(site: SiteSettings) -> DuplicatePolicy:
    """The gate's policy from the settings' `[site]` table."""
    return DuplicatePolicy(site.duplicates, tuple(site.preferred_sources))


def open_database(settings: Settings) -> Database:
    """Open (and migrate) the configured database, creating the data folder on first run,
    and set the cycle collector for a long-running process (`runtime.collector`)."""
    try:
        settings.site.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WiredeskError(
            f"{settings.path}: site.data_dir: cannot create {settings.site.data_dir} "
            f"({e.strerror}); fix the path or its permissions"
        ) from None
    try:
        db = Database.open(settings.site.database)
        visibility.adopt_policy(db, duplicate_policy(settings.site))
    except WiredeskError:
        raise
    except Exception as e:
        # SQLAlchemy wraps driver errors in long multi-line messages; keep the first line.
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise WiredeskError(
            f"{settings.path}: site.database: cannot open the database ({first}); "
            "check the URL and that the server is running"
        ) from e
    tune_collector()  # every long-running wiredesk process opens its database here
    return db
