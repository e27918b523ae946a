"""`wiredesk demo`: a live Hindi news site from the bundled sample feeds, in one command.

It sets up what an operator would: a settings file, drop folders for the two Hindi agencies
(one sends RSS, one NewsML-G2), and `file://` URLs for the English agency and the portal; then
runs the embedded runtime. The Hindi stories make the site at `/`, the English agency's an
English edition at `/en/`, with the same four sections named in each language. Every agency
sends pictures (drawn for the project by scripts/make-demo-pictures), which sit beside its
files as an FTP delivery would put them; the sources say `images = "host"`, so the site
fetches them from there, with no network, and serves them in its own sizes. While it runs,
the lifecycle plays out with no one touching anything: about 20 seconds in one story gets an
update ("Updated", history kept), then another a correction (a dated note), then a third is
killed by its agency (its URL answers 410), and finally an embargoed story appears by itself
when its embargo ends.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import click

from wiredesk.config import load_settings
from wiredesk.errors import WiredeskError
from wiredesk.runtime import embedded
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.public.reader import PublicReader

HOST = "127.0.0.1"
MARKER = ".wiredesk-demo"  # marks a folder the demo made, so a rerun may clear it
UPDATE_FILE = "003-update.xml"
G2_FIRST = "001-message.xml"
CORRECTION_FILE = "002-correction.xml"
KILL_FILE = "003-kill.xml"
EMBARGO_MARK = "__EMBARGO__"
POLL_EVERY = 5
# After the first update: when the correction and the kill are dropped, and when the
# embargoed story's embargo ends, in seconds.
CORRECTION_AT, KILL_AT, EMBARGO_AT = 10.0, 20.0, 30.0

# One section per subject, named in both editions' languages: the Hindi agencies file copy
# as `desh`, the English one as `national`, and both land in देश (National in /en/).
_SECTIONS = {
    "desh": ("देश", "National", ["medtop:11000000"]),
    "videsh": ("विदेश", "World", ["medtop:16000000"]),
    "khel": ("खेल", "Sports", ["medtop:15000000"]),
    "vyapar": ("व्यापार", "Business", ["medtop:04000000"]),
}
_EDITING = (
    "इसके साथ वायरडेस्क समाचार की टीम ने किसी तरह की कोई एडिटिंग नहीं की है। "
    "ऐसे में संबंधित खबर को लेकर कोई भी जिम्मेदारी {who} की ही होगी।"
)
_SOURCES = (
    {
        "id": "samachar",
        "images": "host",
        "name": "समाचार भारती",
        "folder": "inbox/samachar",
        "format": "rss",
        "section": "desh",
        "disclaimer": "डिस्क्लेमरः यह समाचार भारती (एसबी) न्यूज फीड से सीधे पब्लिश हुई खबर है। "
        + _EDITING.format(who="न्यूज एजेंसी"),
    },
    {
        "id": "vartavahini",
        "images": "host",
        "name": "वार्ता वाहिनी",
        "folder": "inbox/vartavahini",
        "section": "desh",
        "disclaimer": "डिस्क्लेमरः यह वार्ता वाहिनी (वीवी) न्यूज फीड से सीधे पब्लिश हुई खबर है। "
        + _EDITING.format(who="न्यूज एजेंसी"),
    },
    {
        "id": "indiawire",
        "images": "host",
        "name": "India Wire Service",
        "url": "samples/indiawire/feed.atom",  # made an absolute file:// URL below
        "format": "atom",
        "section": "desh",
        "disclaimer": "डिस्क्लेमरः यह इंडिया वायर सर्विस (आईडब्ल्यूएस) की अंग्रेज़ी न्यूज फीड से "
        "सीधे पब्लिश हुई खबर है। " + _EDITING.format(who="न्यूज एजेंसी"),
    },
    {
        "id": "portal",
        "images": "host",
        "name": "खबर जंक्शन",
        "url": "samples/portal/feed.json",
        "format": "jsonfeed",
        "section": "desh",
        "disclaimer": "डिस्क्लेमरः यह खबर जंक्शन पोर्टल की फीड से सीधे पब्लिश हुई खबर है। "
        + _EDITING.format(who="मूल प्रकाशक"),
    },
)


def run_demo(
    *,
    port: int = 8000,
    update: bool = True,
    directory: Path | None = None,
    update_after: float = 20.0,
    say: Callable[[str], None] = click.echo,
) -> None:
    """Set up the demo folder, run the site and poller, drop the update, clean up on exit."""
    root = _prepare_folder(directory)
    try:
        embargo_end = datetime.now(UTC) + timedelta(seconds=update_after + EMBARGO_AT)
        config = write_demo_files(root, port, embargo_until=embargo_end if update else None)
        settings = load_settings(config)
        base = settings.site.base_url

        def ready() -> None:
            where = "removed when the demo stops" if directory is None else "kept"
            say(f"wiredesk demo: files in {root} ({where})")
            say(
                "wiredesk demo: sources: samachar (RSS drop folder), vartavahini (NewsML-G2 "
                "drop folder), indiawire (Atom file), portal (JSON Feed file)"
            )
            say(f"wiredesk demo: open {base}/")
            say(f"wiredesk demo: the English agency's stories are the English edition: {base}/en/")
            if update:
                say(
                    f"wiredesk demo: in about {update_after:g} s one story gets an update, "
                    f"then a correction, then a kill; an embargoed story appears at about "
                    f"{update_after + EMBARGO_AT:g} s"
                )
            say("wiredesk demo: press Ctrl-C to stop")

        extras: tuple[embedded.Extra, ...] = ()
        if update:

            async def drop_update(db: Database) -> None:
                await asyncio.sleep(update_after)
                await asyncio.to_thread(_drop_update_file, root)
                say(f"wiredesk demo: dropped {UPDATE_FILE} into {root / 'inbox' / 'samachar'}")
                found = await _wait_for_update(db, timeout=POLL_EVERY * 6)
                if found:
                    headline, path = found
                    say(f"wiredesk demo: story updated to version 2: {headline}")
                    say(f"wiredesk demo: see it at {base}{path}")
                else:
                    say("wiredesk demo: the update has not shown up yet; check the log above")
                await asyncio.sleep(CORRECTION_AT)
                path = await asyncio.to_thread(_drop_g2, root, db, CORRECTION_FILE, "ropeway")
                say(f"wiredesk demo: the agency corrected a story: {base}{path}")
                await asyncio.sleep(KILL_AT - CORRECTION_AT)
                path = await asyncio.to_thread(_drop_g2, root, db, KILL_FILE, "stadium")
                say(
                    f"wiredesk demo: the agency killed a story; its URL now answers 410: "
                    f"{base}{path}"
                )
                await asyncio.sleep(EMBARGO_AT - KILL_AT)
                say("wiredesk demo: an embargo ended; the embargoed story is on the home page")

            extras = (drop_update,)
        try:
            embedded.run(settings, HOST, port, extras=extras, on_ready=ready)
        except embedded.PortInUseError:
            raise WiredeskError(
                f"port {port} is already in use; try another: wiredesk demo --port {port + 1}"
            ) from None
    finally:
        if directory is None:
            shutil.rmtree(root, ignore_errors=True)
    say("wiredesk demo: stopped")


def write_demo_files(root: Path, port: int, *, embargo_until: datetime | None = None) -> Path:
    """Copy the samples into `root`, fill the drop folders, write wiredesk.toml; return its path.

    The NewsML-G2 agency's embargoed story is embargoed until `embargo_until` (by default an
    hour from now, so a demo without the lifecycle events still shows the embargo holding).
    """
    samples = root / "samples"
    with resources.as_file(resources.files("wiredesk.demo") / "samples") as bundled:
        shutil.copytree(bundled, samples, dirs_exist_ok=True)
    inbox = root / "inbox" / "samachar"
    inbox.mkdir(parents=True, exist_ok=True)
    for feed in sorted((samples / "samachar").glob("*.xml")):
        _place(feed, inbox / feed.name)
    g2_inbox = root / "inbox" / "vartavahini"
    g2_inbox.mkdir(parents=True, exist_ok=True)
    for agency, folder in (("samachar", inbox), ("vartavahini", g2_inbox)):
        # the pictures the agency's files name, beside them in the drop folder
        shutil.copytree(samples / agency / "pictures", folder / "pictures", dirs_exist_ok=True)
    until = embargo_until or datetime.now(UTC) + timedelta(hours=1)
    first = samples / "vartavahini" / G2_FIRST
    first.write_text(
        first.read_text(encoding="utf-8").replace(EMBARGO_MARK, until.isoformat()),
        encoding="utf-8",
    )
    _place(first, g2_inbox / G2_FIRST)
    lines = [
        "# Written by `wiredesk demo`. The agencies and stories are fictional.",
        "[site]",
        f"name = {_toml('वायरडेस्क समाचार')}",
        'language = "hi"',
        'timezone = "Asia/Kolkata"',
        f'base_url = "http://{HOST}:{port}"',
        'data_dir = "data"',
        "",
        "# English copy is published as an edition of its own, at /en/",
        "[editions.en]",
        'name = "English"',
    ]
    for slug, (name, english, aliases) in _SECTIONS.items():
        lines += [
            "",
            f"[sections.{slug}]",
            f"name = {_toml(name)}",
            f"names = {{ en = {_toml(english)} }}",
            f"aliases = [{', '.join(_toml(a) for a in aliases)}]",
        ]
    for source in _SOURCES:
        lines += ["", "[[sources]]"]
        for key, value in source.items():
            if key == "url":
                value = (root / str(value)).resolve().as_uri()
            lines.append(f"{key} = {_toml(str(value))}")
        lines.append(f"poll_every = {POLL_EVERY}")
    config = root / "wiredesk.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _prepare_folder(directory: Path | None) -> Path:
    if directory is None:
        root = Path(tempfile.mkdtemp(prefix="wiredesk-demo-"))
    else:
        root = directory.resolve()
        if root.exists() and any(root.iterdir()):
            if not (root / MARKER).exists():
                raise WiredeskError(
                    f"{root} is not empty and was not made by `wiredesk demo`; "
                    "choose a new folder with --dir"
                )
            shutil.rmtree(root)  # a previous demo: start fresh so the update shows again
        root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("made by `wiredesk demo`; safe to delete\n", encoding="utf-8")
    return root


def _place(src: Path, dst: Path) -> None:
    """Copy into a drop folder the way a finished upload looks: settled, not just written."""
    tmp = dst.with_name(dst.name + ".part")  # skipped by the poller until renamed
    shutil.copyfile(src, tmp)
    then = time.time() - 10
    os.utime(tmp, (then, then))
    os.replace(tmp, dst)


def _drop_update_file(root: Path) -> None:
    _place(
        root / "samples" / "samachar-updates" / UPDATE_FILE,
        root / "inbox" / "samachar" / UPDATE_FILE,
    )


def _drop_g2(root: Path, db: Database, name: str, guid_end: str) -> str:
    """Drop one of the NewsML-G2 agency's later files; the path of the story it is about."""
    _place(root / "samples" / "vartavahini-updates" / name, root / "inbox" / "vartavahini" / name)
    for row in operator.all_copies(db):
        if row["source_id"] == "vartavahini" and row["guid"].endswith(guid_end):
            return f"/{row['section']}/{row['slug']}-{row['short_id']}"
    return "/"


async def _wait_for_update(db: Database, *, timeout: float) -> tuple[str, str] | None:
    """The (headline, path) of the samachar story that reached a second version."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await asyncio.to_thread(_updated_story, db)
        if found:
            return found
        await asyncio.sleep(0.5)
    return None


def _updated_story(db: Database) -> tuple[str, str] | None:
    for row in operator.all_copies(db):
        if row["source_id"] == "samachar" and row["version_count"] > 1:
            detail = PublicReader(db).copy_detail(row["short_id"])
            if detail is not None:
                return detail.copy.headline, detail.copy.path
    return None


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML; non-ASCII stays readable)."""
    return json.dumps(text, ensure_ascii=False)
