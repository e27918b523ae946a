"""A second process that prepares payloads while the writer stores the one before.

Accepting a payload is two kinds of work: storing it (the raw bytes, the copies, their
stories), which one writer does in arrival order, and preparing it (`prepare`: parse, the
pipeline's stages, fingerprints), which needs no database. Where a second core is there,
`wiredesk ingest --once` hands the preparing to one worker process and stores payload n while
the worker prepares payload n + 1. The writer still records each payload before the worker sees
it (raw first), stores everything itself, and stores it in arrival order; a payload whose
preparation fails in the worker is prepared again in the writer, as if there were no worker.

The worker is forked, so it starts with what this process has already imported and costs
no start-up of its own. Forking is only safe in a process with one thread, so `start` gives
None (prepare inline) in any other: the long-running runtime, which serves pages from
threads, prepares inline. The worker exits when its parent does, even on SIGKILL.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor

from wiredesk.config import SiteSettings, SourceSettings
from wiredesk.ingest.prepare import Prepared, prepare
from wiredesk.model import Envelope

log = logging.getLogger(__name__)

_ORPHAN_CHECK_SECONDS = 0.5


class Preparer:
    """One worker process running `prepare` for the writer."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self._pool = pool
        self._broken = False

    @staticmethod
    def possible() -> bool:
        """Whether `start` would start a worker: two cores or more, `fork`, and no other
        thread in this process."""
        return (
            _cores() >= 2
            and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods()
        )

    @classmethod
    def start(cls) -> Preparer | None:
        """A started worker, or None where preparing inline is the better (or only) choice
        (see `possible`)."""
        if not cls.possible():
            return None
        pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        )
        try:
            pool.submit(int).result()  # fork now, while this process still has one thread
        except Exception:
            log.warning("no worker process for preparing payloads; preparing them inline")
            pool.shutdown(wait=False, cancel_futures=True)
            return None
        return cls(pool)

    def submit(
        self, site: SiteSettings, source: SourceSettings, env: Envelope, envelope_id: int
    ) -> Future[Prepared] | None:
        """Start preparing a recorded payload; None if the worker is gone (prepare inline)."""
        if self._broken:
            return None
        try:
            return self._pool.submit(prepare, site, source, env, envelope_id, fingerprints=True)
        except Exception:  # the pool broke: the worker died
            self._broken = True
            log.warning("the worker preparing payloads is gone; preparing them inline")
            return None

    async def result(self, future: Future[Prepared] | None) -> Prepared | None:
        """What the worker prepared, or None: prepare it inline (no worker, or it failed)."""
        if future is None:
            return None
        try:
            return await asyncio.wrap_future(future)
        except Exception:
            log.warning("preparing a payload in the worker failed; preparing it inline")
            return None

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _watch_parent(parent: int) -> None:
    """In the worker: exit as soon as the writer is gone, however it ended."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_ORPHAN_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="wiredesk-parent-watch", daemon=True).start()
