"""`wiredesk apikey add|list|revoke` against a real site: the key printed once works on the
API, the list never shows it, a revoked key is refused, unknown sources are named."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from starlette.testclient import TestClient

from tests.cli.cli_support import site_with_copies
from wiredesk.cli.main import cli
from wiredesk.config import load_settings
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def test_a_key_made_on_the_command_line_reads_the_api_until_revoked(tmp_path: Path) -> None:
    cfg = site_with_copies(tmp_path, 3)
    made = invoke("apikey", "add", "partner", "--sources", "wire", "--config", str(cfg))
    assert made.exit_code == 0, made.output
    key = made.stdout.strip()
    assert key.startswith("wd_") and "\n" not in key
    assert "shown only now" in made.stderr

    listing = invoke("apikey", "list", "--json", "--config", str(cfg))
    assert listing.exit_code == 0
    assert key not in listing.output
    [row] = [json.loads(line) for line in listing.stdout.splitlines()]
    assert (row["name"], row["sources"], row["revoked_at"]) == ("partner", ["wire"], None)

    settings = load_settings(cfg)
    db = Database.open(settings.site.database)
    try:
        api = TestClient(site_app(settings, db))
        auth = {"Authorization": f"Bearer {key}"}
        assert len(api.get("/api/v1/items", headers=auth).json()["items"]) == 3
        assert invoke("apikey", "revoke", "partner", "--config", str(cfg)).exit_code == 0
        assert api.get("/api/v1/items", headers=auth).status_code == 401
    finally:
        db.close()
    again = invoke("apikey", "revoke", "partner", "--config", str(cfg))
    assert "revoked already" in again.output
    assert "revoked" in invoke("apikey", "list", "--config", str(cfg)).output


def test_unknown_sources_and_names_are_one_line_errors(tmp_path: Path) -> None:
    cfg = site_with_copies(tmp_path, 1)
    bad = invoke("apikey", "add", "partner", "--sources", "wire,nope", "--config", str(cfg))
    assert bad.exit_code == 2
    assert "--sources: no source 'nope'" in bad.stderr and "wire" in bad.stderr
    missing = invoke("apikey", "revoke", "nobody", "--config", str(cfg))
    assert missing.exit_code == 2 and "no API key named 'nobody'" in missing.stderr
