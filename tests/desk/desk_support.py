"""A site with its desk for tests: real settings, a real database, a clock the test moves."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

from wiredesk.config import Settings, parse_settings
from wiredesk.desk.accounts import Accounts
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
# argon2id at its cheapest: the tests sign in hundreds of times. One test runs the defaults.
CHEAP_HASHING = {"password_time_cost": 1, "password_memory_kib": 8, "password_parallelism": 1}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class DeskSite:
    settings: Settings
    db: Database
    app: Starlette
    clock: Clock
    accounts: Accounts
    base_url: str
    clients: list[TestClient] = field(default_factory=list)

    def client(self) -> TestClient:
        """A browser of its own (its own cookies), not following redirects."""
        made = TestClient(self.app, base_url=self.base_url, follow_redirects=False)
        self.clients.append(made)
        return made

    def add(self, name: str, role: str, password: str = PASSWORD) -> None:
        self.accounts.add(name, role, password, actor="operator test")

    def signed_in(self, name: str, password: str = PASSWORD) -> TestClient:
        """A browser that has signed in through the sign-in form."""
        browser = self.client()
        response = sign_in(browser, name, password)
        assert response.status_code == 303, response.text
        return browser


def rss(*stories: tuple[str, str], language: str = "en") -> bytes:
    """An agency's RSS payload with these (guid, headline) stories, filed before `T0`."""
    items = "".join(
        f'<item><guid isPermaLink="false">{guid}</guid><title>{title}</title>'
        "<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate>"
        f"<description>NEW DELHI, March 2 (Agency). {title}: the story in full.</description>"
        "</item>"
        for guid, title in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://agency.example/</link><description>d</description>"
        f"<language>{language}</language>{items}</channel></rss>"
    ).encode()


def push(
    site: DeskSite, source_id: str, payload: bytes, *, settings: Settings | None = None
) -> int:
    """A payload as the agency pushes it, taken in by ingest under `settings` (the site's
    by default); returns its envelope id."""
    settings = settings or site.settings
    source = settings.source(source_id)
    assert source is not None
    env = Envelope(source_id, payload, Transport.PUSH, "push")
    return accept(settings, site.db, source, env).envelope_id


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "no form token in the page"
    return found.group(1)


def sign_in(browser: TestClient, name: str, password: str, **extra: str) -> Any:
    """The sign-in form, fetched and sent as a browser does."""
    form = browser.get("/desk/login")
    assert form.status_code == 200, form.text
    data = {"csrf": csrf_of(form.text), "name": name, "password": password, **extra}
    return browser.post("/desk/login", data=data)


def post(browser: TestClient, page: str, path: str, **data: str) -> Any:
    """A form of `page` sent to `path`, with the page's token."""
    shown = browser.get(page)
    assert shown.status_code == 200, shown.text
    return browser.post(path, data={"csrf": csrf_of(shown.text), **data})


@contextlib.contextmanager
def make_site(
    tmp_path: Path,
    *,
    base_url: str = "http://127.0.0.1:8000",
    database: str | None = None,
    desk: dict[str, Any] | None = None,
    sources: list[dict[str, Any]] | None = None,
    sections: dict[str, Any] | None = None,
    more: dict[str, Any] | None = None,
) -> Iterator[DeskSite]:
    """`more`: other tables of the settings (sources, rules)."""
    settings = parse_settings(
        {
            "site": {
                "name": "Desk test",
                "base_url": base_url,
                "database": database or f"sqlite:///{tmp_path / 'wiredesk.db'}",
                "data_dir": str(tmp_path / "data"),
            },
            "desk": {**CHEAP_HASHING, **(desk or {})},
            "sources": sources or [],
            "sections": sections or {},
            **(more or {}),
        },
        tmp_path / "wiredesk.toml",
    )
    db = Database.open(settings.site.database)
    clock = Clock()
    app = site_app(settings, db, clock=clock, follow_changes_every=0)
    origin = "https://testserver" if base_url.startswith("https") else "http://testserver"
    made = DeskSite(settings, db, app, clock, Accounts(db, settings.desk, clock=clock), origin)
    try:
        yield made
    finally:
        for browser in made.clients:
            browser.close()
        db.close()
