"""Who is asking, and may they: the check every desk route goes through (`require`).

`require(role)` wraps a route's handler. Before the handler runs it finds the session the
cookie names (or none), refuses whoever may not (a GET without a session is sent to the
sign-in page, anything else answers 403), reads a POST's form and refuses it unless its
token matches and it came from this site. So a route cannot forget the check: a handler
only ever sees a request that passed it, and `tests/desk/test_authorization.py` runs every
route of the desk as anonymous, viewer, editor and admin.

`require(None)` is for the few things anyone may ask for (the sign-in page, the
stylesheet); a POST to one still needs the sign-in form's token.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from wiredesk.channels.web.assets import css_url
from wiredesk.config import Settings
from wiredesk.desk import csrf
from wiredesk.desk.accounts import Accounts
from wiredesk.desk.roles import Role
from wiredesk.model import utcnow
from wiredesk.store.database import Database
from wiredesk.store.ledger.desk_sessions import Session

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The largest form the desk reads; its forms are a few short fields.
MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 50
# Sign-ins hashing at once (each argon2id holds [desk] password_memory_kib, 64 MiB by
# default): a burst of sign-in requests waits here instead of taking the machine's memory.
HASHING_AT_ONCE = 2
# What the sign-in page may say after a redirect (?notice=...): fixed words, nothing echoed.
NOTICES = {
    "signed-out": "You have signed out.",
    "everywhere": "You have signed out everywhere: every session of yours has ended.",
    "expired": "Your session has ended (too long without activity, or too long since you "
    "signed in). Sign in again.",
}

T = TypeVar("T")


@dataclass(slots=True)
class Call:
    """A request that passed `require`: its session (None on an open route), its form."""

    request: Request
    session: Session | None
    form: dict[str, str] = field(default_factory=dict)

    @property
    def address(self) -> str:
        client = self.request.client
        return client.host if client is not None and client.host else "unknown"

    def value(self, name: str) -> str:
        return self.form.get(name, "")


Handler = Callable[["Desk", Call], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class Desk:
    """What every desk page shares: the accounts, the cookies' names, the templates."""

    def __init__(
        self, settings: Settings, db: Database, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.accounts = Accounts(db, settings.desk, clock=clock)
        self.https = settings.site.base_url.startswith("https://")
        # `__Host-`: the browser takes such a cookie only over https, from this host itself,
        # for every path, never for a parent domain; a subdomain cannot plant or replace it.
        prefix = "__Host-" if self.https else ""
        self.cookie = prefix + "desk"
        self.signin_cookie = prefix + "desk-signin"
        self.cookie_path = "/" if self.https else "/desk"
        self.origin = csrf.origin_of(settings.site.base_url) or ""
        self.hashing = anyio.CapacityLimiter(HASHING_AT_ONCE)
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(site=settings.site, css_url=css_url())
        self.env.filters["when"] = self.when

    def when(self, value: datetime | None) -> str:
        """A time in the site's zone, as the desk shows it."""
        if value is None:
            return "-"
        return value.astimezone(self.settings.site.timezone).strftime("%Y-%m-%d %H:%M %Z")

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A blocking call (the database) in a worker thread."""
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))

    async def run_hashing(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A call that hashes a password, at most `HASHING_AT_ONCE` at a time."""
        return await anyio.to_thread.run_sync(
            functools.partial(fn, *args, **kwargs), limiter=self.hashing
        )

    def render(
        self,
        call: Call,
        template: str,
        *,
        status: int = 200,
        secret: str | None = None,
        **context: Any,
    ) -> HTMLResponse:
        """A page; its forms carry a fresh mask of `secret` (else the session's)."""
        session = call.session
        secret = secret or (session.csrf_secret if session is not None else None)
        html = self.env.get_template(template).render(
            session=session,
            role=self.accounts.role_of(session) if session is not None else None,
            csrf=csrf.mask(secret) if secret else "",
            **context,
        )
        return HTMLResponse(html, status_code=status)

    def refuse(self, call: Call, status: int, message: str) -> HTMLResponse:
        return self.render(call, "refused.html", status=status, message=message)

    def set_session(self, response: Response, token: str) -> None:
        self._cookie(response, self.cookie, token, int(self.settings.desk.session_max_age))

    def end_session(self, response: Response) -> None:
        response.delete_cookie(
            self.cookie,
            path=self.cookie_path,
            secure=self.https,
            httponly=True,
            samesite="strict",
        )

    def set_signin_secret(self, response: Response, secret: str) -> None:
        self._cookie(response, self.signin_cookie, secret, int(self.settings.desk.session_max_age))

    def end_signin_secret(self, response: Response) -> None:
        response.delete_cookie(
            self.signin_cookie,
            path=self.cookie_path,
            secure=self.https,
            httponly=True,
            samesite="strict",
        )

    def _cookie(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=self.cookie_path,
            secure=self.https,
            httponly=True,
            samesite="strict",
        )

    def allowed_origins(self, request: Request) -> set[str]:
        """This site as its settings name it, and as the browser reached it (a proxy's name,
        127.0.0.1 on the server itself): a forged request's `Host` is the victim's own."""
        host = request.headers.get("host", "")
        return {self.origin, f"{request.url.scheme}://{host}".lower()} - {""}


def require(role: Role | None) -> Callable[[Handler], Endpoint]:
    """The check a desk route's handler runs behind (see the module's note)."""

    def wrap(handler: Handler) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            desk: Desk = request.app.state.desk
            visit = await desk.run(desk.accounts.visit, request.cookies.get(desk.cookie))
            call = Call(request, visit.session)
            if role is not None:
                if visit.session is None:
                    if request.method in ("GET", "HEAD"):
                        return to_signin(request, expired=visit.expired)
                    response = desk.refuse(
                        call, 403, "You are not signed in (or your session has ended)."
                    )
                    desk.end_session(response)
                    return response
                have = desk.accounts.role_of(visit.session)
                if not have.allows(role):
                    return desk.refuse(
                        call,
                        403,
                        f"This needs the {role.value} role; you are signed in as "
                        f"{visit.session.account.name}, a {have.value}.",
                    )
            if request.method == "POST":
                form = await read_form(request)
                if isinstance(form, Response):
                    return form
                call.form = form
                secret = (
                    visit.session.csrf_secret
                    if role is not None and visit.session is not None
                    else request.cookies.get(desk.signin_cookie)
                )
                sent_from_here = csrf.same_origin(
                    request.headers.get("origin"),
                    request.headers.get("referer"),
                    desk.allowed_origins(request),
                )
                if not sent_from_here or not csrf.matches(form.get("csrf"), secret):
                    return await refused_form(desk, call, role)
            return await handler(desk, call)

        endpoint.desk_role = role  # type: ignore[attr-defined]  # read by the docs' table
        return endpoint

    return wrap


def to_signin(request: Request, *, expired: bool = False) -> RedirectResponse:
    """To the sign-in page, coming back here afterwards."""
    target = request.url.path + ("?" + request.url.query if request.url.query else "")
    where = "/desk/login?next=" + quote(safe_next(target), safe="/")
    if expired:
        where += "&notice=expired"
    return RedirectResponse(where, status_code=303)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a desk path, never another site (`//evil`, `/\\evil`)."""
    if (
        not target
        or not target.startswith("/desk/")
        or "//" in target
        or "\\" in target
        or any(ord(c) < 0x20 or c == "\x7f" for c in target)
    ):
        return "/desk/"
    return target


async def read_form(request: Request) -> dict[str, str] | Response:
    """A POST's urlencoded fields (first value of each), or the answer refusing it."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return Response(
            "the desk's forms are sent as application/x-www-form-urlencoded\n",
            status_code=415,
            media_type="text/plain",
        )
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return Response("form too large\n", status_code=413, media_type="text/plain")
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        return Response("unreadable form\n", status_code=400, media_type="text/plain")
    form: dict[str, str] = {}
    for key, value in pairs:
        form.setdefault(key, value)
    return form


async def refused_form(desk: Desk, call: Call, role: Role | None) -> Response:
    """A POST whose token is wrong or missing, or that came from another site."""
    if role is None:  # the sign-in form: a fresh one, with a new secret, to try again
        secret = csrf.new_secret()
        response = desk.render(
            call,
            "login.html",
            status=403,
            secret=secret,
            error="The sign-in form had expired or came from another site; try again.",
            next=safe_next(call.value("next")),
            name=call.value("name"),
        )
        desk.set_signin_secret(response, secret)
        return response
    return desk.refuse(
        call,
        403,
        "This form is out of date or was sent from another site. Go back, reload the page "
        "and try again.",
    )
