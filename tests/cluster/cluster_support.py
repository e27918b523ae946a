"""Real cluster processes for the tests: `wiredesk worker` and `wiredesk web` subprocesses on
one PostgreSQL schema, each with a log file of its own."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from wiredesk.store.database import Database

WIREDESK = str(Path(sys.executable).parent / "wiredesk")
PUSH_TOKEN = "cluster-test-token-0123456789abcdef"
# Short enough that a killed worker's jobs come back within the tests' waits.
STALLED_AFTER = 4.0
STARTED = "taking jobs"
SERVING = "wiredesk: serving"


def write_config(
    tmp: Path, db_url: str, sources: str, *, base_url: str = "https://news.example", more: str = ""
) -> Path:
    cfg = tmp / "wiredesk.toml"
    cfg.write_text(
        f'[site]\nname = "Cluster desk"\nlanguage = "en"\nbase_url = "{base_url}"\n'
        f'timezone = "Asia/Kolkata"\ndatabase = "{db_url}"\npage_size = 50\n\n{sources}{more}',
        encoding="utf-8",
    )
    return cfg


def http_source(source_id: str, url: str) -> str:
    return (
        f'[[sources]]\nid = "{source_id}"\nname = "{source_id.title()}"\nurl = "{url}"\n'
        "poll_every = 1\ntimeout = 10\nallow_private = true\n\n"
    )


def folder_source(source_id: str) -> str:
    return (
        f'[[sources]]\nid = "{source_id}"\nname = "{source_id.title()}"\nfolder = "{source_id}"\n'
        "poll_every = 1\n\n"
    )


def push_source(source_id: str) -> str:
    return (
        f'[[sources]]\nid = "{source_id}"\nname = "{source_id.title()}"\n'
        f'push_token = "{PUSH_TOKEN}"\n\n'
    )


class Process:
    """One wiredesk subprocess and its log."""

    def __init__(self, args: list[str], log: Path) -> None:
        self.args, self.log = args, log
        self.starts = 0
        self.child: subprocess.Popen[bytes] | None = None

    def start(self, ready: str) -> None:
        self.starts += 1
        with self.log.open("ab") as err:
            self.child = subprocess.Popen(
                [WIREDESK, "-v", *self.args], stdout=subprocess.DEVNULL, stderr=err
            )
        wait_until(
            lambda: self.text().count(ready) >= self.starts,
            f"{self.args[0]} to start",
            on_wait=self.check_alive,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def check_alive(self) -> None:
        assert self.child is not None and self.child.poll() is None, self.tail()

    def tail(self, lines: int = 30) -> str:
        keep = [x for x in self.text().splitlines() if " DEBUG " not in x]
        return f"{self.log.name}:\n" + "\n".join(keep[-lines:])

    def running(self) -> set[str]:
        """Task names of the jobs this process has started and not ended, by its log."""
        text = self.text().rsplit("Starting worker", 1)[-1]  # this start's lines only
        pattern = r"Starting job (wiredesk\.\w+)\[(\d+)\]"
        started = {job: task for task, job in re.findall(pattern, text)}
        for job in re.findall(r"Job wiredesk\.\w+\[(\d+)\]\S* ended", text):
            started.pop(job, None)
        return set(started.values())

    def kill(self, sig: signal.Signals = signal.SIGKILL) -> int:
        assert self.child is not None
        self.child.send_signal(sig)
        return self.child.wait(60)

    def stop(self) -> None:
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)
            try:
                self.child.wait(60)
            except subprocess.TimeoutExpired:
                self.child.kill()
                self.child.wait(10)


def alive(*processes: Process) -> Callable[[], None]:
    """For `wait_until`'s `on_wait`: fail at once, with its log, if any of them has died."""

    def check() -> None:
        for p in processes:
            p.check_alive()

    return check


def worker(cfg: Path, log: Path) -> Process:
    return Process(["worker", "--config", str(cfg), "--stalled-after", str(STALLED_AFTER)], log)


def web(cfg: Path, log: Path, port: int) -> Process:
    return Process(["web", "--config", str(cfg), "--port", str(port)], log)


def answers(port: int) -> bool:
    """Whether the site on `port` answers (its socket is bound before it listens)."""
    import httpx

    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code > 0
    except httpx.TransportError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(*processes: Process) -> Iterator[None]:
    try:
        yield
    finally:
        for p in processes:
            p.stop()


def wait_until(
    done: Callable[[], bool],
    what: str | Callable[[], str],
    *,
    within: float = 180.0,
    on_wait: Callable[[], None] | None = None,
) -> None:
    """Until `done()`; a generous deadline only turns a hang into a failure that says what."""
    deadline = time.monotonic() + within
    while not done():
        if on_wait is not None:
            on_wait()
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"waited {within:g} s for {what if isinstance(what, str) else what()}"
            )
        time.sleep(0.1)


def scalar(db: Database, sql: str) -> int:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())
