"""`wiredesk archive prune|restore` as an operator runs them: old payloads moved to files
that hold exactly the bytes received, stories untouched, a reprocess that says where the
payload went, and a restore that refuses bytes that are not the payload."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from tests.cli.test_main import invoke, write_config
from wiredesk.config import load_settings
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes

FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    "<link>https://t.example/</link><description>d</description>"
    "<item><title>ख़बर {n}</title><guid>drop-{n}</guid>"
    "<description>&lt;p&gt;पाठ {n}।&lt;/p&gt;</description></item></channel></rss>"
)


def site(tmp_path: Path, db_url: str) -> tuple[Path, dict[str, bytes]]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sent = {}
    for n in range(3):
        data = FEED.format(n=n).encode()
        (inbox / f"{n}.xml").write_bytes(data)
        sent[f"{n}.xml"] = data
    (inbox / "broken.xml").write_bytes(b"\x00\x01 not a feed at all")  # quarantined whole
    cfg = write_config(tmp_path, db_url, '[[sources]]\nid = "drop"\nname = "D"\nfolder = "inbox"\n')
    assert invoke("ingest", "--once", "--config", str(cfg)).exit_code != 2
    return cfg, sent


def age_everything(cfg: Path) -> Database:
    """Every payload received early in 2025, as if the site had run since."""
    db = Database.open(load_settings(cfg).site.database)
    with db.engine.begin() as conn:
        for env_id in conn.execute(text("SELECT id FROM envelopes")).scalars().all():
            conn.execute(
                text("UPDATE envelopes SET received_at = :t WHERE id = :i"),
                {"t": f"2025-01-0{1 + env_id % 5} 10:00:00.000000", "i": env_id},
            )
    return db


def test_old_payloads_move_to_files_and_come_back_unchanged(tmp_path: Path, db_url: str) -> None:
    cfg, sent = site(tmp_path, db_url)
    db = age_everything(cfg)
    try:
        stories_before = sorted(r.headline for r in operator.copy_statuses(db))
        assert len(stories_before) == 3
        out = tmp_path / "payloads"

        refused = invoke("archive", "prune", "--older-than", "90d", "--config", str(cfg))
        assert refused.exit_code != 0 and "--to DIR" in refused.output
        bad_age = invoke(
            "archive", "prune", "--older-than", "ninety", "--delete", "--config", str(cfg)
        )
        assert bad_age.exit_code != 0 and "90d" in bad_age.output

        dry = invoke(
            "archive",
            "prune",
            "--older-than",
            "90d",
            "--to",
            str(out),
            "--dry-run",
            "--config",
            str(cfg),
        )
        assert dry.exit_code == 0, dry.output
        assert dry.output.startswith("3 payload(s)") and "would leave" in dry.output
        assert not out.exists()

        done = invoke(
            "archive", "prune", "--older-than", "90d", "--to", str(out), "--config", str(cfg)
        )
        assert done.exit_code == 0, done.output
        assert done.output.startswith("3 payload(s)")
        files = sorted(out.rglob("*.xml"))
        assert sorted(f.read_bytes() for f in files) == sorted(sent.values())
        # the stories and their provenance stay; the broken payload (quarantined) stays whole
        assert sorted(r.headline for r in operator.copy_statuses(db)) == stories_before
        with db.engine.connect() as conn:
            left = conn.execute(text("SELECT count(*) FROM envelope_payloads")).scalar_one()
        assert left == 1

        moved = files[0]
        env_id = int(moved.stem.split("-")[1])
        again = invoke("reprocess", str(env_id), "--config", str(cfg))
        assert again.exit_code != 0
        assert str(moved) in again.output and f"archive restore {env_id}" in again.output

        original = moved.read_bytes()
        moved.write_bytes(original + b" ")
        tampered = invoke("archive", "restore", "--all", "--config", str(cfg))
        assert tampered.exit_code != 0 and "not the payload received" in tampered.output
        assert "2 payload(s) restored" in tampered.output
        moved.write_bytes(original)
        back = invoke("archive", "restore", str(env_id), "--config", str(cfg))
        assert back.exit_code == 0 and "1 payload(s) restored" in back.output, back.output
        row = envelopes.get(db, env_id)
        assert row is not None and row["payload"] == original
        assert invoke("reprocess", str(env_id), "--config", str(cfg)).exit_code == 0
    finally:
        db.close()


def test_deleting_needs_saying_and_cannot_be_restored(tmp_path: Path, db_url: str) -> None:
    cfg, _ = site(tmp_path, db_url)
    db = age_everything(cfg)
    try:
        done = invoke("archive", "prune", "--older-than", "90d", "--delete", "--config", str(cfg))
        assert done.exit_code == 0 and "deleted" in done.output, done.output
        [row] = [
            r
            for r in db.engine.connect().execute(
                text(
                    "SELECT id FROM envelopes WHERE payload_moved_to IS NULL "
                    "AND payload_pruned_at IS NOT NULL ORDER BY id LIMIT 1"
                )
            )
        ]
        refused = invoke("archive", "restore", str(row[0]), "--config", str(cfg))
        assert refused.exit_code != 0 and "deleted" in refused.output
        gone = invoke("reprocess", str(row[0]), "--config", str(cfg))
        assert gone.exit_code != 0 and "cannot be read again" in gone.output
    finally:
        db.close()
