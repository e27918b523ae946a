"""The desk as a Starlette application, mounted by the runtime at `/desk`.

Every answer under `/desk` — pages, redirects, errors, the stylesheet — says
`Cache-Control: no-store` (no browser or proxy keeps a page that shows who is signed in,
nor a form's token), may not be framed (`X-Frame-Options: DENY` beside the CSP's
`frame-ancestors 'none'`), and carries the public site's own security headers, its strict
Content-Security-Policy among them (`channels/web/security.py`). The site's page cache
passes `/desk` by (`channels/web/cache.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiredesk.channels.web.security import SECURITY_HEADERS
from wiredesk.config import Settings
from wiredesk.desk import audit, held, incoming, pages, rules_page, sources, stories
from wiredesk.desk.guard import Call, Desk, require
from wiredesk.model import utcnow
from wiredesk.store.database import Database

PREFIX = "/desk"
STYLESHEET = Path(__file__).resolve().parent / "static" / "desk.css"

DESK_HEADERS = (
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
    # the desk's addresses (a user's name in /desk/users/...) are nobody else's business
    (b"referrer-policy", b"same-origin"),
)


class DeskHeaders:
    """ASGI middleware: `DESK_HEADERS` on every answer (replacing any of the same name),
    and the site's `SECURITY_HEADERS` where missing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                ours = {name for name, _ in DESK_HEADERS}
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in ours]
                present = {n.lower() for n, _ in kept}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present | ours]
                message["headers"] = [*kept, *DESK_HEADERS, *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


@require(None)
async def stylesheet(desk: Desk, call: Call) -> Response:
    return Response(STYLESHEET.read_bytes(), media_type="text/css; charset=utf-8")


def routes() -> list[Route]:
    """Every route of the desk, each behind `guard.require`."""
    return [
        Route("/", pages.home, name="desk_home", methods=["GET"]),
        Route("/login", pages.login_form, name="desk_login_form", methods=["GET"]),
        Route("/login", pages.login, name="desk_login", methods=["POST"]),
        Route("/logout", pages.logout, name="desk_logout", methods=["POST"]),
        Route("/sessions", pages.sessions, name="desk_sessions", methods=["GET"]),
        Route("/sessions", pages.sign_out_everywhere, name="desk_sign_out_all", methods=["POST"]),
        Route("/users", pages.users, name="desk_users", methods=["GET"]),
        Route("/users", pages.add_user, name="desk_add_user", methods=["POST"]),
        Route("/users/{name}/disable", pages.disable_user, name="desk_disable", methods=["POST"]),
        Route("/users/{name}/enable", pages.enable_user, name="desk_enable", methods=["POST"]),
        Route("/held", held.queue, name="desk_held", methods=["GET"]),
        Route("/held/{item:int}/approve", held.approve, name="desk_approve", methods=["POST"]),
        Route("/held/{item:int}/fix", held.fix, name="desk_fix", methods=["POST"]),
        Route("/held/{item:int}/reject", held.reject, name="desk_reject", methods=["POST"]),
        Route("/sources", sources.page, name="desk_sources", methods=["GET"]),
        Route("/sources/reprocess", sources.reprocess, name="desk_reprocess", methods=["POST"]),
        Route("/audit", audit.page, name="desk_audit", methods=["GET"]),
        Route("/incoming", incoming.incoming, name="desk_incoming", methods=["GET"]),
        Route("/stories/{story_id}", stories.story_page, name="desk_story", methods=["GET"]),
        Route(
            "/stories/{story_id}/take-down",
            stories.take_down,
            name="desk_take_down",
            methods=["POST"],
        ),
        Route(
            "/stories/{story_id}/restore", stories.restore, name="desk_restore", methods=["POST"]
        ),
        Route("/copies/{short_id}", stories.copy_story, name="desk_copy", methods=["GET"]),
        Route(
            "/copies/{short_id}/kill", stories.kill_copy, name="desk_kill_copy", methods=["POST"]
        ),
        Route("/rules", rules_page.rules, name="desk_rules", methods=["GET"]),
        Route("/desk.css", stylesheet, name="desk_css", methods=["GET"]),
    ]


def desk_app(
    settings: Settings,
    db: Database,
    *,
    clock: Callable[[], datetime] = utcnow,
    reprocess: sources.Reprocess | None = None,
) -> Starlette:
    """The desk over `db`; mount it at `PREFIX` (`mount`). `reprocess` reads a stored payload
    again (ingest's, handed down by the runtime: the desk never imports ingest); without it
    the sources page sends editors to `wiredesk reprocess`."""
    desk = Desk(settings, db, clock=clock)

    async def error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        messages = {404: "There is no such page on the desk.", 405: "Not a way to ask for this."}
        response = desk.refuse(
            Call(request, None), exc.status_code, messages.get(exc.status_code, exc.detail)
        )
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    app = Starlette(
        routes=routes(),
        middleware=[Middleware(DeskHeaders)],
        exception_handlers={HTTPException: error},
    )
    # a trailing-slash redirect would be built from the Host header (the site's own router
    # avoids it the same way, channels/web/app.py); /desk/users/ is simply not a page
    app.router.redirect_slashes = False
    app.state.desk = desk
    app.state.reprocess = reprocess
    return app


def mount(
    settings: Settings,
    db: Database,
    *,
    clock: Callable[[], datetime] = utcnow,
    reprocess: sources.Reprocess | None = None,
) -> Mount:
    """The desk as a route of the site's application."""
    return Mount(PREFIX, app=desk_app(settings, db, clock=clock, reprocess=reprocess), name="desk")
