"""One poller per SQLite database: a second `wiredesk run`, `ingest` or `ingest --once`
started by mistake on the same file refuses at once, says which process polls it (pid,
command, since when) and what to do, and exits 5; `wiredesk serve` (the site, no polling)
still starts beside the poller; a poller killed with SIGKILL leaves nothing behind that stops
the next one. On PostgreSQL pollers are not refused (tests/ingest/test_two_ingesters.py).
Real processes, a real SQLite file.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from wiredesk.cli.output import EXIT_HELD

REPO = Path(__file__).resolve().parents[2]
SAFETY = 90  # seconds: reached only when a test fails (a line that never comes)


def site(tmp_path: Path) -> Path:
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "wiredesk.toml"
    config.write_text(
        f'[site]\nname = "t"\nlanguage = "hi"\ndata_dir = "{tmp_path / "data"}"\n'
        '[[sources]]\nid = "drop"\nname = "Drop"\nfolder = "inbox"\n',
        encoding="utf-8",
    )
    return config


def wiredesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "wiredesk.cli.main", *args]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}  # this tree's code, not another's


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def started(args: list[str], says: str) -> subprocess.Popen[str]:
    """A long-running command, once it has said `says` on stderr (it is running)."""
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env()
    )
    safety = threading.Timer(SAFETY, proc.kill)
    safety.start()
    try:
        assert proc.stderr is not None
        said = next((line for line in proc.stderr if says in line), "")
    finally:
        safety.cancel()
    assert says in said, f"{args[3:]} ended without saying {says!r} (code {proc.wait(30)})"
    return proc


def stopped(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def poller(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """`wiredesk ingest` polling the site's SQLite database."""
    config = site(tmp_path)
    proc = started(wiredesk("ingest", "--config", str(config)), "polling 1 source")
    try:
        yield config, proc
    finally:
        stopped(proc)


def refused(args: list[str], holder: subprocess.Popen[str]) -> str:
    """Run a command that must be refused; its one line of error."""
    run = subprocess.run(args, capture_output=True, text=True, env=env(), timeout=SAFETY)
    assert run.returncode == EXIT_HELD, run.stdout + run.stderr
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("wiredesk: error: ")
    assert f"pid {holder.pid} (wiredesk ingest --config " in line
    assert re.search(r"polling since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", line), line
    assert "stop it first" in line and "wiredesk serve" in line and "PostgreSQL" in line
    return line


def test_a_second_poller_on_one_sqlite_database_is_refused_naming_the_first(
    poller: tuple[Path, subprocess.Popen[str]],
) -> None:
    config, holder = poller
    for args in (
        wiredesk("ingest", "--once", "--config", str(config)),
        wiredesk("ingest", "--config", str(config)),
        wiredesk("run", "--config", str(config), "--port", str(free_port())),
    ):
        line = refused(args, holder)
        assert str(config.parent / "data" / "wiredesk.db") in line
    assert holder.poll() is None  # the first one polls on


def test_the_site_runs_beside_the_poller(poller: tuple[Path, subprocess.Popen[str]]) -> None:
    config, _ = poller
    serve = started(
        wiredesk("serve", "--config", str(config), "--port", str(free_port())), "serving"
    )
    stopped(serve)


def test_a_poller_killed_with_sigkill_does_not_stop_the_next(tmp_path: Path) -> None:
    config = site(tmp_path)
    first = started(wiredesk("ingest", "--config", str(config)), "polling 1 source")
    first.send_signal(signal.SIGKILL)
    assert first.wait(30) == -signal.SIGKILL
    run = subprocess.run(
        wiredesk("ingest", "--once", "--config", str(config)),
        capture_output=True,
        text=True,
        env=env(),
        timeout=SAFETY,
    )
    assert run.returncode == 0, run.stderr
    assert "drop: ok" in run.stdout
