"""The one-box runtime: the website and the poller in one process and one event loop.

This is what `wiredesk run` and `wiredesk demo` start. Feeds are fetched with async I/O and
processed in worker threads, so a reader's page request never waits behind a big feed. The
listening socket is bound before anything else starts, so "port in use" is one clear line
instead of a half-started server. Here the two directions meet: the site (`channels`) reads,
ingest writes, and this module mounts ingest's push endpoint into the site's application.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

import uvicorn
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.routing import Route

from wiredesk.config import Settings
from wiredesk.errors import WiredeskError
from wiredesk.ingest import grouping
from wiredesk.ingest.pictures.worker import PictureFetcher
from wiredesk.ingest.reprocess import reprocess_envelope
from wiredesk.ingest.scheduler import Scheduler
from wiredesk.ingest.transports.push import PushEndpoint
from wiredesk.model import utcnow
from wiredesk.runtime import request_deadlines
from wiredesk.runtime.database import duplicate_policy, open_database
from wiredesk.runtime.websub.callbacks import CallbackClient
from wiredesk.runtime.websub.hub import Hub
from wiredesk.runtime.websub.publisher import Publisher
from wiredesk.runtime.websub.site_render import SiteRenderer
from wiredesk.store import job_queue
from wiredesk.store.database import Database
from wiredesk.store.ledger import visibility
from wiredesk.store.public import deadline

if TYPE_CHECKING:
    from wiredesk.desk.sources import Reprocess

log = logging.getLogger(__name__)

# A coroutine to run beside the site and the poller (the demo uses one to drop an update).
Extra = Callable[[Database], Coroutine[Any, Any, None]]
# Makes the push endpoint from the settings, the database and the process's write lock:
# ingest's own, which processes a payload at once; cluster mode's queues it (cluster/web.py).
PushFactory = Callable[[Settings, Database, threading.Lock], PushEndpoint]


class PortInUseError(WiredeskError):
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        super().__init__(
            f"port {port} on {host} is already in use; stop the program using it "
            "or pick another port with --port"
        )


def site_app(
    settings: Settings,
    db: Database,
    *,
    clock: Callable[[], datetime] = utcnow,
    write_lock: threading.Lock | None = None,
    follow_changes_every: float = 0.25,
    push: PushFactory = PushEndpoint,
) -> Starlette:
    """The public site over `db` with ingest's push endpoint (`push`) mounted at
    `POST /ingest/<source id>` and the editors' desk at `/desk/` (wiredesk.desk);
    `write_lock` is the one the process's poller holds.

    The database follows the site's duplicates policy (it is part of the visibility gate).
    Writes by other processes (`wiredesk ingest`, `wiredesk kill`) reach cached pages within
    `follow_changes_every` seconds; this process's own writes at once.
    """
    from wiredesk.channels.web.app import create_app  # the site is optional for pollers
    from wiredesk.store.public.reader import PublicReader

    try:
        visibility.adopt_policy(db, duplicate_policy(settings.site))
    except DBAPIError:  # the database is away: pages say so (503), /health says "down"
        db.policy = duplicate_policy(settings.site)
        log.warning("cannot read the database to check its lead ranking; will serve anyway")

    from wiredesk.desk.app import mount as desk_mount

    lock = write_lock or threading.Lock()
    endpoint = push(settings, db, lock)
    routes = [Route("/ingest/{source_id}", endpoint.handle, methods=["POST"], name="ingest")]
    publisher = None
    if settings.websub.enabled:
        publisher, hub_route = websub_parts(settings, db)
        routes.append(hub_route)
    app = create_app(
        settings,
        PublicReader(db),
        clock=clock,
        extra_routes=[
            *routes,
            desk_mount(settings, db, clock=clock, reprocess=desk_reprocess(settings, db, lock)),
        ],
        follow_changes_every=follow_changes_every,
    )
    if publisher is not None:
        renderer = publisher.render
        assert isinstance(renderer, SiteRenderer)
        renderer.attach(app)
    app.state.websub = publisher  # run_async runs it beside the site
    return app


def desk_reprocess(settings: Settings, db: Database, lock: threading.Lock) -> Reprocess:
    """The desk's Reprocess button: ingest's `reprocess_envelope`, under the process's write
    lock (the poller's) and, on PostgreSQL, the envelope's advisory lock (so it never runs
    beside a cluster worker's job of the same payload), its outcome in the desk's words."""
    from wiredesk.desk.sources import Reprocessed  # the site (and its desk) is optional

    def run(envelope_id: int) -> Reprocessed:
        one_at_a_time = (
            job_queue.holding_envelope(db, envelope_id)
            if db.dialect == "postgresql"
            else contextlib.nullcontext()
        )
        with lock, one_at_a_time:
            out = reprocess_envelope(settings, db, envelope_id)
        return Reprocessed(
            envelope_id=out.envelope_id,
            source_id=out.source_id,
            error=out.error,
            saved=out.saved,
            new_stories=out.new_stories,
            resolved=out.resolved,
            still_quarantined=out.still_quarantined,
        )

    return run


def websub_parts(settings: Settings, db: Database) -> tuple[Publisher, Route]:
    """The WebSub publisher (not running yet) and the hub's route (`POST /websub`)."""
    client = CallbackClient(
        allow_private=settings.websub.allow_private_callbacks,
        user_agent=f"wiredesk-websub ({settings.site.base_url})",
    )
    publisher = Publisher(settings, db, SiteRenderer(), client)
    hub = Hub(settings, db, client, publisher.current)
    return publisher, Route(settings.websub.path, hub.handle, methods=["POST"], name="websub")


def server_config(settings: Settings, app: Starlette) -> uvicorn.Config:
    """How uvicorn serves the site: the CLI's logging, no access log, and deadlines on
    receiving each request's headers and body (`[site] request_header_timeout`,
    `request_body_timeout`; runtime/request_deadlines.py), which uvicorn alone does not have."""
    return uvicorn.Config(
        app,
        http=request_deadlines.protocol_class(
            settings.site.request_header_timeout, settings.site.request_body_timeout
        ),
        log_config=None,  # keep the CLI's logging setup
        access_log=False,
        lifespan="auto",
        timeout_graceful_shutdown=GRACE,
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything else starts.

    Created with protocol IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on the connections it
    accepts only from a socket that says it is TCP, and without it every response on a
    kept-alive connection waited for the client's delayed ACK (Nagle's algorithm).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise PortInUseError(host, port) from None
        if e.errno == errno.EACCES:
            raise WiredeskError(
                f"not allowed to listen on port {port}; use a port above 1023 with --port"
            ) from None
        reason = e.strerror or str(e)
        raise WiredeskError(f"cannot listen on {host}:{port} ({reason}); check --host") from None
    sock.set_inheritable(True)
    return sock


def run(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    extras: tuple[Extra, ...] = (),
    on_ready: Callable[[], None] | None = None,
) -> None:
    """The site and the poller together until Ctrl-C or SIGTERM.

    `on_ready` runs once the port is bound and the database is open (to print the URL);
    `extras` are coroutines run beside them and cancelled at shutdown.
    """
    _run(settings, host=host, port=port, site=True, poll=True, extras=extras, on_ready=on_ready)


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    on_ready: Callable[[], None] | None = None,
    push: PushFactory = PushEndpoint,
    send_websub: bool = True,
) -> None:
    """The site only (another process, e.g. `wiredesk ingest`, does the polling).

    `push` makes the push endpoint; `send_websub` False leaves sending WebSub notifications
    to another process (cluster mode's workers), while the hub still takes subscriptions."""
    _run(
        settings,
        host=host,
        port=port,
        site=True,
        poll=False,
        on_ready=on_ready,
        push=push,
        send_websub=send_websub,
    )


def poll_forever(settings: Settings) -> None:
    """The poller only, no site: `wiredesk ingest` without --once."""
    _run(settings, host=None, port=None, site=False, poll=True)


def _run(
    settings: Settings,
    *,
    host: str | None,
    port: int | None,
    site: bool,
    poll: bool,
    extras: tuple[Extra, ...] = (),
    on_ready: Callable[[], None] | None = None,
    push: PushFactory = PushEndpoint,
    send_websub: bool = True,
) -> None:
    sock = bind_socket(host, port) if site and host is not None and port is not None else None
    try:
        db = open_database(settings)
    except BaseException:
        if sock is not None:
            sock.close()
        raise
    try:
        if on_ready is not None:
            on_ready()
        with _runner() as runner:
            runner.run(
                run_async(
                    settings,
                    db,
                    sock=sock,
                    poll=poll,
                    extras=extras,
                    on_stop=_exit_soon,
                    push=push,
                    send_websub=send_websub,
                )
            )
    except KeyboardInterrupt:  # Ctrl-C before our handlers were installed
        pass
    finally:
        db.close()
        if sock is not None:
            sock.close()


async def run_async(
    settings: Settings,
    db: Database,
    *,
    sock: socket.socket | None,
    poll: bool = True,
    extras: tuple[Extra, ...] = (),
    on_stop: Callable[[], None] | None = None,
    push: PushFactory = PushEndpoint,
    send_websub: bool = True,
) -> None:
    """Run the site (on `sock`), the scheduler and any extras until a stop signal.

    The site's push endpoint and the scheduler share one write lock: one writer at a time.
    The syndication index is loaded in the background meanwhile (`ingest.grouping`).
    At a stop signal every page's queries are cancelled (store/public/deadline.py), requests
    get `GRACE` seconds to finish, and `on_stop` runs (the command arms its exit there).
    """
    stop = asyncio.Event()
    write_lock = threading.Lock()
    # before any other thread connects: it adds a listener to the engine and drops its pool
    db.checkpoint_in_background()
    # the syndication index loads beside the site and the poller, not in the first write
    grouping.load_in_background(db, write_lock)
    server: _Server | None = None
    main_tasks: list[asyncio.Task[Any]] = []
    side_tasks: list[asyncio.Task[Any]] = []
    with _stop_on_signals(stop, lambda: server):
        if sock is not None:
            app = site_app(settings, db, clock=utcnow, write_lock=write_lock, push=push)
            server = _Server(server_config(settings, app))
            main_tasks.append(asyncio.create_task(server.serve(sockets=[sock]), name="site"))
            publisher: Publisher | None = app.state.websub
            if publisher is not None and send_websub:
                side_tasks.append(asyncio.create_task(publisher.run(), name="websub"))
        if poll:
            side_tasks.append(
                asyncio.create_task(
                    Scheduler(settings, db, write_lock=write_lock).run(), name="scheduler"
                )
            )
            # beside the poller, never in its path: a copy is public at once and gains its
            # pictures as they arrive (ingest/pictures/worker.py)
            side_tasks.append(
                asyncio.create_task(
                    PictureFetcher(settings, db, write_lock=write_lock).run(), name="pictures"
                )
            )
        side_tasks.append(asyncio.create_task(_checkpoints(db), name="checkpoints"))
        for extra in extras:
            side_tasks.append(asyncio.create_task(extra(db)))
        for task in side_tasks:
            task.add_done_callback(_log_failure)
        waiter = asyncio.create_task(stop.wait())
        # Stop when asked to, or when the site stops on its own (e.g. its start-up failed).
        # With no site, the scheduler is the main task.
        watched = main_tasks or side_tasks[:1]
        await asyncio.wait([waiter, *watched], return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            cancelled = deadline.cancel_all()
            if cancelled:
                log.info("stopping: cancelled the queries of %d request(s)", cancelled)
            if on_stop is not None:
                on_stop()
        if server is not None:
            server.should_exit = True
        for task in side_tasks:
            task.cancel()
        waiter.cancel()
        results = await asyncio.gather(*main_tasks, *side_tasks, return_exceptions=True)
        grouping.stop_loading(db)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            raise result


async def _checkpoints(db: Database) -> None:
    """SQLite's log checkpoints every CHECKPOINT_EVERY seconds, off the path of any request
    or write (`Database.checkpoint_in_background`, called by `run_async` first)."""
    if db.dialect != "sqlite":
        return
    while True:
        await asyncio.sleep(CHECKPOINT_EVERY)
        try:
            await asyncio.to_thread(db.checkpoint)
        except Exception:  # the database is away for now: the next round tries again
            log.debug("checkpoint failed", exc_info=True)


def _runner() -> asyncio.Runner:
    """An event loop for the process: uvloop's where it is installed (it answers about twice
    as many requests per second as asyncio's own loop on the same pages; bench/RESULTS.md),
    else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


# Seconds a stop signal gives requests and the poller's current write to finish.
GRACE = 5
# Seconds between SQLite's log checkpoints in a long-running process (`_checkpoints`).
CHECKPOINT_EVERY = 1.0


def _exit_soon() -> None:
    """Whatever is still running `GRACE` seconds and a little after a stop signal (a query the
    database does not interrupt, a write waiting on another process's lock) does not keep the
    process alive: it exits. Nothing is lost by it: writes are transactions, and a payload
    stored but not processed is processed at the next start (`recover_unfinished`)."""

    def watchdog() -> None:
        time.sleep(GRACE + 3)
        log.warning("stopping: work still running after %d s; exiting now", GRACE + 3)
        logging.shutdown()
        os._exit(0)

    threading.Thread(target=watchdog, name="exit watchdog", daemon=True).start()


def _log_failure(task: asyncio.Task[Any]) -> None:
    """A poller that dies must not die silently while the site keeps serving stale news."""
    if not task.cancelled() and task.exception() is not None:
        log.error("%s stopped: %s", task.get_name(), task.exception(), exc_info=task.exception())


class _Server(uvicorn.Server):
    """uvicorn's server without its own signal handling: this module owns shutdown."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.contextmanager
def _stop_on_signals(stop: asyncio.Event, server: Callable[[], _Server | None]) -> Iterator[None]:
    """First Ctrl-C/SIGTERM: finish requests and stop. Second: stop now."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []

    def handle(sig: signal.Signals) -> None:
        srv = server()
        if stop.is_set() and srv is not None:
            srv.force_exit = True
        log.info("received %s, shutting down", sig.name)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, handle, sig)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not main thread / Windows
            pass
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
