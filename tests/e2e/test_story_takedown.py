"""An editor's takedown, end to end: the same story from two agencies through the real ingest
path, `wiredesk kill` from the command line, and the running site read as readers, feed
readers and crawlers read it. Then a third agency's copy of the same story arrives and stays
down. `kill --copy` instead keeps the story up with the other copy leading.

The command runs in-process (click's runner) on its own `Database`, as a separate `wiredesk
kill` beside a `wiredesk serve` would: the site hears of it through the `changes` log, so a
page cached before the kill must not be served after it. SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from starlette.testclient import TestClient

from tests.e2e.test_duplicates_policy import HEADLINE, ORIGINATOR, T0, ninjs, rss, seed_lines
from wiredesk.channels.web.render import originator_href
from wiredesk.cli.main import cli
from wiredesk.config import load_settings
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial

BASE = "https://news.example"
NOW = T0 + timedelta(hours=2)
# every public page, feed and sitemap the story could be on (its originator's page included)
PUBLIC = (
    "/",
    "/videsh/",
    "/source/ians/",
    "/source/pti/",
    "/source/ani/",
    originator_href(ORIGINATOR),
    "/feed.xml",
    "/atom.xml",
    "/feed.json",
    "/videsh/feed.xml",
    "/videsh/atom.xml",
    "/videsh/feed.json",
    "/sitemap.xml",
    "/sitemap-news.xml",
    f"/sitemap-{T0:%Y-%m}.xml",
)


class Site:
    """A settings file, the store it names, and the site over it, fed through real ingest."""

    def __init__(self, tmp_path: Path, db_url: str, policy: str) -> None:
        self.cfg = tmp_path / "wiredesk.toml"
        sources = "".join(
            f'[[sources]]\nid = "{s}"\nname = "{s.upper()}"\nurl = "https://{s}.example/feed"\n'
            'section = "videsh"\n\n'
            for s in ("ians", "pti", "ani")
        )
        self.cfg.write_text(
            # the seed's copies are Hindi: a Hindi site publishes them (one language per list)
            '[site]\nname = "Wire Desk"\nlanguage = "hi"\n'
            f'base_url = "{BASE}"\ntimezone = "Asia/Kolkata"\n'
            f'data_dir = "{tmp_path}"\ndatabase = "{db_url}"\nduplicates = "{policy}"\n\n'
            '[sections]\nvidesh = "विदेश"\n\n' + sources,
            encoding="utf-8",
        )
        self.settings = load_settings(self.cfg)
        self.store = Database.open(db_url)
        # follow the changes log at every request: what another process wrote is seen at once
        app = site_app(self.settings, self.store, clock=lambda: NOW, follow_changes_every=0)
        self.client = TestClient(app, follow_redirects=False)

    def send(self, source_id: str, payload: bytes, minutes: int) -> None:
        source = self.settings.source(source_id)
        assert source is not None
        at = T0 + timedelta(minutes=minutes)
        env = Envelope(source_id, payload, Transport.PUSH, "push", received_at=at)
        assert accept(self.settings, self.store, source, env).error is None

    def wiredesk(self, *args: str) -> Result:
        return CliRunner().invoke(cli, [*args, "--config", str(self.cfg)], catch_exceptions=False)

    def copies(self) -> dict[str, dict[str, object]]:
        """Source id -> its copy as `wiredesk items --json` prints it."""
        done = self.wiredesk("items", "--json")
        assert done.exit_code == 0, done.output
        rows = [json.loads(line) for line in done.stdout.splitlines()]
        return {str(r["source"]): r for r in rows}

    def path(self, source_id: str) -> str:
        return str(self.copies()[source_id]["url"]).removeprefix(BASE)

    def seen(self) -> str:
        """Every public page, feed and sitemap, as one text (whatever their status)."""
        return "\n".join(self.client.get(p).text for p in PUBLIC)


@pytest.fixture(params=["link", "publish", "suppress"])
def site(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Site:
    s = Site(tmp_path, db_url, request.param)
    lines = seed_lines()
    s.send("ians", ninjs(lines, version=1, when=T0), 1)
    s.send("pti", rss("PTI", "pti-xi-1", lines[:5], when=T0 + timedelta(minutes=10)), 11)
    yield s
    s.store.close()


def short_ids(site: Site) -> dict[str, str]:
    return {source: str(row["short_id"]) for source, row in site.copies().items()}


def test_kill_takes_every_copy_down_everywhere_and_later_copies_stay_down(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "asha")
    ians, pti = site.path("ians"), site.path("pti")
    rows = site.copies()
    assert rows["ians"]["story_id"] == rows["pti"]["story_id"]  # grouped: one story
    story = rows["ians"]["story_id"]
    home = site.client.get("/").text
    if site.settings.site.duplicates == "publish":
        assert ians in home and pti in home
    else:
        assert ians in home and pti not in home  # the home page shows the story once
    before = site.seen()  # every page rendered and kept in the page cache
    assert ians in before and HEADLINE in before

    done = site.wiredesk("kill", BASE + pti, "--reason", "court order")

    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == (
        f"story {story}: 2 copies down (IANS {BASE + ians}, PTI {BASE + pti}); "
        "later copies of it will stay down"
    )
    after = site.seen()
    ids = short_ids(site)
    for sid in (ids["ians"], ids["pti"]):
        assert sid not in after
    assert HEADLINE not in after
    for path in (ians, pti):
        gone = site.client.get(path)
        assert gone.status_code == 410
        assert "यह खबर संपादकों ने वापस ले ली है।" in gone.text  # withdrawn by the editors
        assert HEADLINE not in gone.text
    assert {r["state"] for r in site.copies().values()} == {"withdrawn"}

    # a third agency's copy of the same story arrives: stored, grouped, never shown
    site.send("ani", rss("ANI", "ani-xi-1", seed_lines()[:1], when=NOW), 125)
    ani = site.copies()["ani"]
    assert ani["story_id"] == story
    assert (ani["state"], ani["withdrawn_reason"]) == ("withdrawn", "court order")
    assert ani["withdrawn_by"] == "editor asha"
    assert str(ani["short_id"]) not in site.seen() and HEADLINE not in site.seen()
    assert site.client.get(site.path("ani")).status_code == 410
    item = editorial.find_copy(site.store, str(ani["short_id"]))
    assert item is not None
    [joined] = [e for e in operator.audit_entries(site.store, item) if e.actor == "syndication"]
    assert joined.action == "joined a taken-down story"
    assert f"story {story} was taken down by editor asha" in str(joined.reason)

    # only an explicit restore brings it back, each copy under the usual rules
    back = site.wiredesk("restore", f"story:{story}", "--reason", "order lifted")
    assert back.exit_code == 0, back.output
    assert back.stdout.startswith(f"story {story} restored: 3 of 3 copies public (")
    assert ians in site.client.get("/").text
    assert site.client.get(ians).status_code == 200


def test_kill_copy_keeps_the_story_up_with_the_other_copy_leading(site: Site) -> None:
    ians, pti = site.path("ians"), site.path("pti")
    site.seen()  # cached
    story = site.copies()["ians"]["story_id"]

    done = site.wiredesk("kill", "--copy", ians, "--reason", "wrong credit")

    assert done.exit_code == 0, done.output
    ids = short_ids(site)
    assert done.stdout.strip() == (
        f"killed {ids['ians']}: {BASE + ians} now answers 410 Gone on every channel; "
        f"story {story} stays up, led by PTI {BASE + pti}"
    )
    gone = site.client.get(ians)
    assert gone.status_code == 410
    assert "यह खबर संपादकों ने हटा दी है।" in gone.text  # taken down by the editors
    assert site.client.get(pti).status_code == 200
    after = site.seen()
    assert ids["ians"] not in after and pti in after
    assert pti in site.client.get("/").text
    assert BASE + pti in site.client.get("/feed.xml").text
    assert {source: r["state"] for source, r in site.copies().items()} == {
        "ians": "killed",
        "pti": "published",
    }
