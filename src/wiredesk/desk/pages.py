"""The desk's pages: signing in and out, the landing page, one's sessions, the users.

Server-rendered forms that work without JavaScript (the desk's pages carry none: the site's
Content-Security-Policy forbids scripts). Every handler sits behind `guard.require`; a POST
that changes something answers with a redirect (303) to a page, so reloading never sends a
form twice.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from wiredesk.desk import csrf
from wiredesk.desk.accounts import AccountError, Refusal, Refused, SignedIn
from wiredesk.desk.guard import NOTICES, Call, Desk, require, safe_next
from wiredesk.desk.passwords import WeakPassword
from wiredesk.desk.roles import ROLE_NAMES, Role
from wiredesk.store.ledger import editorial

# The desk's sections, as the landing page lists them: (title, what, address or None while
# it is not built yet).
SECTIONS: tuple[tuple[str, str, str | None], ...] = (
    (
        "Incoming",
        "every copy as it arrives, whatever the public may see; each opens its story, "
        "where editors take a story (or one copy) down",
        "/desk/incoming",
    ),
    ("Held", "copies waiting for an editor's approval", "/desk/held"),
    ("Sources", "each agency's feed: health, last poll, errors, quarantine", "/desk/sources"),
    ("Audit", "who did what, and when", "/desk/audit"),
)


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@require(Role.VIEWER)
async def home(desk: Desk, call: Call) -> Response:
    return desk.render(call, "home.html", sections=SECTIONS)


@require(None)
async def login_form(desk: Desk, call: Call) -> Response:
    if call.session is not None:
        return _see(safe_next(call.request.query_params.get("next")))
    secret = call.request.cookies.get(desk.signin_cookie)
    fresh = not csrf.valid_secret(secret)
    if fresh:
        secret = csrf.new_secret()
    notice = NOTICES.get(call.request.query_params.get("notice", ""))
    response = desk.render(
        call,
        "login.html",
        secret=secret,
        notice=notice,
        next=safe_next(call.request.query_params.get("next")),
        name="",
    )
    if fresh:
        assert secret is not None
        desk.set_signin_secret(response, secret)
    return response


@require(None)
async def login(desk: Desk, call: Call) -> Response:
    request = call.request
    name, password = call.value("name"), call.value("password")
    target = safe_next(call.value("next"))
    result = await desk.run_hashing(
        desk.accounts.sign_in,
        name,
        password,
        address=call.address,
        user_agent=request.headers.get("user-agent"),
        replacing=request.cookies.get(desk.cookie),
    )
    if isinstance(result, SignedIn):
        onward = _see(target)
        desk.set_session(onward, result.token)
        desk.end_signin_secret(onward)
        return onward
    status, message = _refusal(desk, result)
    response = desk.render(
        call,
        "login.html",
        status=status,
        secret=request.cookies.get(desk.signin_cookie),
        error=message,
        next=target,
        name=name,
    )
    if result.until is not None:
        wait = max(1, int((result.until - desk.clock()).total_seconds()) + 1)
        response.headers["retry-after"] = str(wait)
    return response


def _refusal(desk: Desk, refused: Refused) -> tuple[int, str]:
    if refused.why is Refusal.WRONG:
        return 401, "Wrong name or password."
    if refused.why is Refusal.DISABLED:
        return 403, "This account is disabled. Ask an admin of the desk to enable it."
    until = desk.when(refused.until)
    if refused.why is Refusal.LOCKED_ACCOUNT:
        return 429, (
            "Too many failed sign-ins for this account: sign-in is refused until "
            f"{until}. An admin can lift this at once with `wiredesk user unlock NAME`."
        )
    return 429, (
        "Too many failed sign-ins from your network address: sign-in is refused until "
        f"{until}. An admin can lift this with `wiredesk user unlock --address ADDRESS`."
    )


@require(Role.VIEWER)
async def logout(desk: Desk, call: Call) -> Response:
    assert call.session is not None
    await desk.run(desk.accounts.sign_out, call.session, address=call.address)
    response = _see("/desk/login?notice=signed-out")
    desk.end_session(response)
    return response


@require(Role.VIEWER)
async def sessions(desk: Desk, call: Call) -> Response:
    assert call.session is not None
    mine = await desk.run(desk.accounts.live_sessions, call.session.account)
    return desk.render(call, "sessions.html", sessions=mine, current=call.session.id_hash)


@require(Role.VIEWER)
async def sign_out_everywhere(desk: Desk, call: Call) -> Response:
    assert call.session is not None
    await desk.run(desk.accounts.sign_out_everywhere, call.session.account, address=call.address)
    response = _see("/desk/login?notice=everywhere")
    desk.end_session(response)
    return response


@require(Role.ADMIN)
async def users(desk: Desk, call: Call) -> Response:
    return await _users_page(desk, call)


async def _users_page(
    desk: Desk, call: Call, *, status: int = 200, error: str | None = None
) -> Response:
    people = await desk.run(desk.accounts.people)
    return desk.render(
        call,
        "users.html",
        status=status,
        people=people,
        roles=ROLE_NAMES,
        error=error,
        added=call.request.query_params.get("added"),
        form=call.form if error else {},
    )


@require(Role.ADMIN)
async def add_user(desk: Desk, call: Call) -> Response:
    assert call.session is not None
    password = call.value("password")
    if password != call.value("password2"):
        return await _users_page(
            desk, call, status=400, error="The two passwords differ; type the same one twice."
        )
    try:
        added = await desk.run_hashing(
            desk.accounts.add,
            call.value("name"),
            call.value("role"),
            password,
            actor=editorial.editor(call.session.account.name),
            address=call.address,
        )
    except (AccountError, WeakPassword) as e:
        return await _users_page(desk, call, status=400, error=_sentence(str(e)))
    return _see(f"/desk/users?added={added.name}")


@require(Role.ADMIN)
async def disable_user(desk: Desk, call: Call) -> Response:
    return await _set_disabled(desk, call, True)


@require(Role.ADMIN)
async def enable_user(desk: Desk, call: Call) -> Response:
    return await _set_disabled(desk, call, False)


async def _set_disabled(desk: Desk, call: Call, disabled: bool) -> Response:
    assert call.session is not None
    name = call.request.path_params["name"]
    if disabled and name == call.session.account.name:
        return await _users_page(
            desk,
            call,
            status=400,
            error="You cannot disable your own account here: another admin can, or an "
            "operator with `wiredesk user disable`.",
        )
    try:
        await desk.run(
            desk.accounts.set_disabled,
            name,
            disabled,
            actor=editorial.editor(call.session.account.name),
            address=call.address,
        )
    except AccountError as e:
        return await _users_page(desk, call, status=404, error=_sentence(str(e)))
    return _see("/desk/users")


def _sentence(message: str) -> str:
    """An error of the accounts (written for the command line) as a sentence on a page."""
    return message[:1].upper() + message[1:] + "."
