"""Two `wiredesk ingest --once` processes at once, on one database and one drop folder.

Real processes, started together: on a new PostgreSQL database both find the schema missing
(migrations take a lock: the second waits and then finds nothing to do), and both poll the
same folder (each file is claimed by a rename, so one process reads it and the other moves
on without a word). On SQLite one poller per database: the second refuses, naming the first,
unless the first is done before it starts (tests/runtime/test_poller_lock.py holds a poller
to make the refusal certain). A file claimed by a process that died is put back and read at
the next run; one claimed by a process that lives is left to it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from wiredesk.cli.output import EXIT_HELD
from wiredesk.ingest.transports import files

REPO = Path(__file__).resolve().parents[2]
FILES = 60


def rss(n: int) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://t.example/</link><description>d</description>"
        f"<item><title>ख़बर {n}</title><guid>drop-{n}</guid>"
        f"<description>&lt;p&gt;पाठ {n}।&lt;/p&gt;</description></item></channel></rss>"
    )


def site(tmp_path: Path, database: str) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(FILES):
        path = inbox / f"{n:03d}.xml"
        path.write_text(rss(n), encoding="utf-8")
        os.utime(path, (1_700_000_000 + n, 1_700_000_000 + n))  # settled, in order
    config = tmp_path / "wiredesk.toml"
    config.write_text(
        f'[site]\nname = "t"\nlanguage = "hi"\ndata_dir = "data"\ndatabase = "{database}"\n'
        '[[sources]]\nid = "drop"\nname = "Drop"\nfolder = "inbox"\n',
        encoding="utf-8",
    )
    return config


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}  # this tree's code, not another's


def start(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wiredesk.cli.main", "ingest", "--once", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )


def both(config: Path) -> list[tuple[int, str, str, int]]:
    """Two ingesters started together; each one's exit code, stdout, stderr and pid."""
    children = [start(config), start(config)]
    done = []
    for child in children:
        out, err = child.communicate(timeout=180)
        done.append((child.returncode, out, err, child.pid))
    return done


def assert_quietly_done(runs: list[tuple[int, str, str, int]], inbox: Path) -> None:
    polled = [(code, out, err) for code, out, err, _ in runs if code != EXIT_HELD]
    for code, out, err, _ in runs:
        assert code in (0, EXIT_HELD), out + err
        assert "Traceback" not in err and "internal error" not in err + out, err
        assert "FAILED" not in out, out
    new = sum(int(out.split("ok, ")[1].split(" new payload")[0]) for _, out, _ in polled)
    assert new == FILES  # each file read once, by one of the two
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == [
        f"{n:03d}.xml" for n in range(FILES)
    ]
    assert not (inbox / "failed").exists()
    assert not [p for p in inbox.iterdir() if p.is_file()]
    assert not [p for p in (inbox / files.CLAIMED).rglob("*.xml")]


@pytest.fixture
def fresh_pg_database(pg_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database of its own, dropped afterwards."""
    name = f"wiredesk_two_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(pg_url).set(drivername="postgresql", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_two_ingesters_on_a_new_postgresql_database_and_one_folder(
    tmp_path: Path, fresh_pg_database: str
) -> None:
    config = site(tmp_path, fresh_pg_database)
    runs = both(config)
    assert [run[0] for run in runs] == [0, 0]  # PostgreSQL: pollers are not refused
    assert_quietly_done(runs, tmp_path / "inbox")
    engine = create_engine(fresh_pg_database.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM items")).scalar() == FILES
            assert conn.execute(text("SELECT count(*) FROM envelopes")).scalar() == FILES
            assert conn.execute(text("SELECT count(*) FROM quarantine")).scalar() == 0
    finally:
        engine.dispose()


def test_two_ingesters_on_a_new_sqlite_database_and_one_folder(tmp_path: Path) -> None:
    config = site(tmp_path, f"sqlite:///{tmp_path / 'data' / 'wiredesk.db'}")
    runs = both(config)
    # the second is refused, unless the first was done before it began
    assert sorted(run[0] for run in runs) in ([0, 0], [0, EXIT_HELD])
    for code, _, err, _ in runs:
        if code == EXIT_HELD:  # the one that polls is named
            [polled] = [pid for c, _, _, pid in runs if c == 0]
            assert f"is already polled by another process: pid {polled} " in err, err
    assert_quietly_done(runs, tmp_path / "inbox")
    conn = sqlite3.connect(tmp_path / "data" / "wiredesk.db")
    try:
        assert conn.execute("SELECT count(*) FROM items").fetchone()[0] == FILES
        assert conn.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    finally:
        conn.close()


def claim_in_child(path: Path, *, die: bool) -> None:
    """A process that claims `path`, then dies by SIGKILL (`die`) or is still alive when
    this returns (it waits for its stdin to close)."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from wiredesk.ingest.transports.files import claim\n"
        f"assert claim(Path({str(path)!r})) is not None\n"
        "print('claimed', flush=True)\n"
        + ("os.kill(os.getpid(), signal.SIGKILL)\n" if die else "sys.stdin.read()\n")
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert child.stdout is not None and child.stdout.readline() == "claimed\n"
    if die:
        assert child.wait(30) == -signal.SIGKILL
        return
    try:
        config = path.parent.parent / "wiredesk.toml"
        run = subprocess.run(
            [sys.executable, "-m", "wiredesk.cli.main", "ingest", "--once", "--config", config],
            capture_output=True,
            text=True,
            env=env(),
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert "0 new payloads" in run.stdout  # the live claim is left to its process
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(30)


def test_a_file_claimed_by_a_process_that_died_is_read_at_the_next_run(tmp_path: Path) -> None:
    config = site(tmp_path, f"sqlite:///{tmp_path / 'data' / 'wiredesk.db'}")
    inbox = tmp_path / "inbox"
    for extra in list(inbox.iterdir())[1:]:
        extra.unlink()
    (only,) = inbox.iterdir()
    claim_in_child(only, die=False)
    assert not only.exists() and len(list((inbox / files.CLAIMED).rglob("*.xml"))) == 1
    claim_in_child(_back(only), die=True)  # the first child ended: its claim came back first
    run = subprocess.run(
        [sys.executable, "-m", "wiredesk.cli.main", "ingest", "--once", "--config", str(config)],
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "drop: ok, 1 new payload, 1 new story" in run.stdout
    assert (inbox / "processed" / only.name).exists()
    assert not [p for p in (inbox / files.CLAIMED).rglob("*") if p.is_file()]


def _back(path: Path) -> Path:
    """Put a file claimed by an ended process back, as the next poll would."""
    assert files.reclaim_abandoned(path.parent) == 1
    assert path.exists()
    return path
