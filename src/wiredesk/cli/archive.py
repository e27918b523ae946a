"""`wiredesk archive prune|restore`: raw payloads out of the database by age, and back.

Moving is the default way out (`--to DIR`): each payload becomes a file, written and flushed
to disk before its bytes leave the database, so a crash in between leaves a file and the
bytes both (the next run writes the same file again). Deleting needs `--delete`, said in so
many words: a deleted payload can never be read again.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import click

from wiredesk.cli.output import config_option, load, opened_database
from wiredesk.errors import WiredeskError

BATCH = 200  # payloads per transaction: a megabyte-sized payload is common
_AGE = re.compile(r"^\s*(\d+)\s*([dwh])\s*$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_SUFFIX = {"jsonfeed": ".json", "ninjs": ".json", "iptc7901": ".txt"}


def parse_age(text: str) -> timedelta:
    """`90d`, `12w` or `36h` as a time span."""
    found = _AGE.match(text)
    if found is None or int(found.group(1)) == 0:
        raise WiredeskError(
            f"--older-than {text!r}: give a number and a unit, h, d or w (for example 90d)"
        )
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def payload_path(root: Path, source_id: str, envelope_id: int, when: str, fmt: str | None) -> Path:
    """Where a moved payload lives: by source and day received, named by its envelope."""
    suffix = _SUFFIX.get(fmt or "", ".xml" if fmt else ".bin")
    return root / source_id / when / f"envelope-{envelope_id}{suffix}"


def _write_durably(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with open(partial, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, path)


@click.group()
def archive() -> None:
    """Raw payloads: prune old ones out of the database, restore them."""


@archive.command()
@click.option("--older-than", "older_than", required=True, help="Age, e.g. 90d, 12w or 36h.")
@click.option(
    "--to",
    "to",
    type=click.Path(file_okay=False),
    default=None,
    help="Move the payloads to files under this folder.",
)
@click.option("--delete", "delete", is_flag=True, help="Delete the payloads (no way back).")
@click.option("--dry-run", is_flag=True, help="Say what would leave; change nothing.")
@config_option
def prune(older_than: str, to: str | None, delete: bool, dry_run: bool, config: str | None) -> None:
    """Take raw payloads received more than --older-than ago out of the database, to files
    (--to DIR) or for good (--delete). Their stories stay, with their provenance; payloads
    with an unresolved quarantine and unprocessed ones always stay."""
    from wiredesk.model import utcnow
    from wiredesk.store.ledger import payload_archive

    if (to is None) == (not delete):
        raise WiredeskError("say where the payloads go: --to DIR (move them) or --delete")
    age = parse_age(older_than)
    settings = load(config)
    root = Path(to).resolve() if to else None
    now = utcnow()
    before = now - age
    count = size = 0
    with opened_database(settings) as db:
        last = 0
        while True:
            batch = payload_archive.prunable(db, before, last, BATCH)
            if not batch:
                break
            last = batch[-1].id
            count += len(batch)
            size += sum(len(p.payload) for p in batch)
            if dry_run:
                continue
            moved: dict[int, str | None] = {}
            for p in batch:
                if root is None:
                    moved[p.id] = None
                    continue
                path = payload_path(root, p.source_id, p.id, f"{p.received_at:%Y/%m/%d}", p.format)
                try:
                    _write_durably(path, p.payload)
                except OSError as e:
                    raise WiredeskError(
                        f"cannot write {path} ({e.strerror}); {count - len(batch)} payload(s) "
                        "were moved before it, nothing else changed: free space or fix the "
                        "folder's permissions, then run the command again"
                    ) from None
                moved[p.id] = str(path)
            payload_archive.take_out(db, moved, now)
    verb = "would leave" if dry_run else ("moved to " + str(root) if root else "deleted")
    click.echo(
        f"{count} payload(s) received before {before:%Y-%m-%d %H:%M} UTC, "
        f"{size / 1e6:.1f} MB: {verb}"
    )


@archive.command()
@click.argument("envelope_id", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Every moved payload whose file is there.")
@config_option
def restore(envelope_id: int | None, every: bool, config: str | None) -> None:
    """Put moved payloads back into the database (ENVELOPE_ID, or --all), checked against
    the sha256 recorded when they arrived; then `wiredesk reprocess` can read them."""
    from wiredesk.store.ledger import payload_archive

    if (envelope_id is None) == (not every):
        raise WiredeskError("give one envelope id or --all")
    settings = load(config)
    with opened_database(settings) as db:
        rows = payload_archive.pruned(db, [envelope_id] if envelope_id is not None else None)
        if not every and not rows:
            raise WiredeskError(
                f"envelope {envelope_id}: its payload is in the database (or there is no such "
                "envelope); nothing to restore"
            )
        done, missing = 0, []
        for row in rows:
            if row.moved_to is None:
                if not every:
                    raise WiredeskError(
                        f"envelope {row.id}: its payload was deleted on "
                        f"{row.pruned_at:%Y-%m-%d}, not moved; it cannot be restored"
                    )
                continue
            path = Path(row.moved_to)
            try:
                data = path.read_bytes()
            except OSError as e:
                missing.append(f"{path} ({e.strerror})")
                continue
            try:
                payload_archive.put_back(db, row.id, row.sha256, data)
            except payload_archive.PayloadMismatch:
                missing.append(f"{path} (its bytes are not the payload received)")
                continue
            done += 1
    click.echo(f"{done} payload(s) restored")
    if missing:
        raise WiredeskError(
            f"{len(missing)} could not be restored: {'; '.join(missing[:3])}"
            + (" …" if len(missing) > 3 else "")
        )
