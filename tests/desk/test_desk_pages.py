"""The desk over HTTP, through the site's real application: signing in and out, cookies,
session fixation, lockout, expiry, sign out everywhere, form tokens, the users page."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.desk.desk_support import PASSWORD, DeskSite, csrf_of, post, sign_in
from wiredesk.channels.web.security import CONTENT_SECURITY_POLICY


def _set_cookies(response: object) -> list[str]:
    return response.headers.get_list("set-cookie")  # type: ignore[attr-defined,no-any-return]


def _signed_out(browser: TestClient, path: str = "/desk/") -> bool:
    answer = browser.get(path)
    return answer.status_code == 303 and answer.headers["location"].startswith("/desk/login")


def test_signing_in_and_out(site: DeskSite) -> None:
    site.add("asha", "editor")
    browser = site.client()
    first = browser.get("/desk/")
    assert first.status_code == 303
    assert first.headers["location"] == "/desk/login?next=/desk/"

    signed = sign_in(browser, "asha", PASSWORD, next="/desk/")
    assert signed.status_code == 303 and signed.headers["location"] == "/desk/"
    home = browser.get("/desk/")
    assert home.status_code == 200
    assert 'signed in as <strong class="desk-name">asha</strong>' in home.text
    assert '<strong class="desk-role">editor</strong>' in home.text
    assert "Not built yet." not in home.text
    for built in ("/desk/incoming", "/desk/held", "/desk/sources", "/desk/audit"):
        assert f'<a href="{built}">' in home.text
    assert "/desk/users" not in home.text  # not an admin

    token = browser.cookies.get("desk")
    out = browser.post("/desk/logout", data={"csrf": csrf_of(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/desk/login?notice=signed-out"
    assert any(c.startswith('desk=""') and "Max-Age=0" in c for c in _set_cookies(out))
    assert "You have signed out." in browser.get("/desk/login?notice=signed-out").text
    assert _signed_out(browser)
    # the id is dead on the server, not only forgotten by this browser
    replay = site.client()
    replay.cookies.set("desk", token, path="/desk")  # type: ignore[arg-type]
    assert _signed_out(replay)


def test_after_signing_in_the_browser_goes_where_it_was_going_on_the_desk_only(
    site: DeskSite,
) -> None:
    site.add("asha", "editor")
    for asked, goes in [
        ("/desk/sessions", "/desk/sessions"),
        ("//evil.example/desk/", "/desk/"),
        ("https://evil.example/", "/desk/"),
        ("/desk/\\evil.example", "/desk/"),
        ("/health", "/desk/"),
    ]:
        answer = sign_in(site.client(), "asha", PASSWORD, next=asked)
        assert answer.headers["location"] == goes, asked


def test_a_wrong_password_says_so_and_sets_no_session(site: DeskSite) -> None:
    site.add("asha", "editor")
    browser = site.client()
    answer = sign_in(browser, "asha", "not the password")
    assert answer.status_code == 401
    assert "Wrong name or password." in answer.text
    assert 'value="asha"' in answer.text  # the name stays typed; the password does not
    assert not any(c.startswith("desk=") for c in _set_cookies(answer))
    assert "not the password" not in answer.text


def test_too_many_failures_lock_the_account_with_a_clear_message(site: DeskSite) -> None:
    site.add("asha", "editor")
    browser = site.client()
    for _ in range(5):
        assert sign_in(browser, "asha", "not the password").status_code == 401
        site.clock.advance(minutes=1)
    locked = sign_in(browser, "asha", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins for this account" in locked.text
    assert "until 2026-03-02 09:15 UTC" in locked.text
    assert "wiredesk user unlock" in locked.text
    assert locked.headers["retry-after"] == str(10 * 60 + 1)
    site.accounts.unlock(name="asha", actor="operator test")
    assert sign_in(browser, "asha", PASSWORD).status_code == 303


def test_session_cookies_on_an_http_site(site: DeskSite) -> None:
    site.add("asha", "editor")
    answer = sign_in(site.client(), "asha", PASSWORD)
    [cookie] = [c for c in _set_cookies(answer) if c.startswith("desk=")]
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/desk", "max-age=43200"} <= attributes
    assert "secure" not in attributes  # a browser would not send it back over http


def test_session_cookies_on_an_https_site(https_site: DeskSite) -> None:
    https_site.add("asha", "editor")
    browser = https_site.client()
    form = browser.get("/desk/login")
    [signin] = _set_cookies(form)
    assert signin.startswith("__Host-desk-signin=") and "Secure" in signin
    answer = browser.post(
        "/desk/login", data={"csrf": csrf_of(form.text), "name": "asha", "password": PASSWORD}
    )
    [cookie] = [c for c in _set_cookies(answer) if c.startswith("__Host-desk=")]
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "secure", "path=/"} <= attributes
    assert not any(a.startswith("domain") for a in attributes)  # __Host- forbids it
    assert browser.get("/desk/").status_code == 200


def test_an_id_set_before_sign_in_is_never_the_one_after(site: DeskSite) -> None:
    """Session fixation: an attacker plants an id (made up, or a live session of their own)
    in the victim's browser; signing in gives a new id and kills the planted one."""
    site.add("asha", "editor")
    site.add("mallory", "viewer")
    attacker = site.signed_in("mallory")
    planted = attacker.cookies.get("desk")
    assert planted

    victim = site.client()
    form = victim.get("/desk/login")  # the victim opens the sign-in page; then the plant
    victim.cookies.set("desk", planted, domain="testserver.local", path="/desk")
    answer = victim.post(
        "/desk/login", data={"csrf": csrf_of(form.text), "name": "asha", "password": PASSWORD}
    )
    assert answer.status_code == 303
    after = victim.cookies.get("desk")
    assert after and after != planted
    assert _signed_out(attacker)  # the planted session ended with the sign-in
    assert 'desk-name">asha<' in victim.get("/desk/").text

    made_up = site.client()
    made_up.cookies.set("desk", "A" * 43, domain="testserver.local", path="/desk")
    sign_in(made_up, "asha", PASSWORD)
    assert made_up.cookies.get("desk") != "A" * 43


def test_an_idle_session_expires_and_the_sign_in_page_says_why(site: DeskSite) -> None:
    site.add("asha", "editor")
    browser = site.signed_in("asha")
    site.clock.advance(minutes=29)
    assert browser.get("/desk/").status_code == 200
    site.clock.advance(minutes=29)  # 29 idle minutes again: still alive
    home = browser.get("/desk/")
    assert home.status_code == 200
    site.clock.advance(minutes=31)
    expired = browser.get("/desk/sessions")
    assert expired.status_code == 303
    assert expired.headers["location"] == "/desk/login?next=/desk/sessions&notice=expired"
    assert "Your session has ended" in browser.get(expired.headers["location"]).text
    refused = browser.post("/desk/logout", data={"csrf": csrf_of(home.text)})
    assert refused.status_code == 403


def test_a_session_expires_twelve_hours_after_sign_in(site: DeskSite) -> None:
    site.add("asha", "editor")
    browser = site.signed_in("asha")
    for _ in range(24):  # a request every 29 minutes: never idle long enough to expire
        site.clock.advance(minutes=29)
        assert browser.get("/desk/").status_code == 200
    site.clock.advance(minutes=25)  # 12 h 1 min after signing in
    assert _signed_out(browser)


def test_sign_out_everywhere(site: DeskSite) -> None:
    site.add("asha", "editor")
    site.add("bina", "editor")
    laptop, phone, other = site.signed_in("asha"), site.signed_in("asha"), site.signed_in("bina")
    listing = laptop.get("/desk/sessions")
    assert listing.text.count("<tr>") == 3  # a header and two sessions
    assert listing.text.count("<td>this one</td>") == 1

    answer = laptop.post("/desk/sessions", data={"csrf": csrf_of(listing.text)})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/desk/login?notice=everywhere"
    assert _signed_out(laptop) and _signed_out(phone)
    assert other.get("/desk/").status_code == 200


def test_a_post_without_the_pages_token_is_refused_and_changes_nothing(site: DeskSite) -> None:
    site.add("asha", "editor")
    site.add("bina", "editor")
    browser = site.signed_in("asha")
    home = browser.get("/desk/")
    others = csrf_of(site.signed_in("bina").get("/desk/").text)

    for form in [{"name": "x"}, {"csrf": ""}, {"csrf": "x" * 88}, {"csrf": others}]:
        refused = browser.post("/desk/logout", data=form)
        assert refused.status_code == 403, form
        assert "out of date or was sent from another site" in refused.text
    assert browser.get("/desk/").status_code == 200  # still signed in

    token = csrf_of(home.text)
    evil = browser.post(
        "/desk/logout", data={"csrf": token}, headers={"origin": "https://evil.example"}
    )
    assert evil.status_code == 403
    evil_referer = browser.post(
        "/desk/logout", data={"csrf": token}, headers={"referer": "https://evil.example/x"}
    )
    assert evil_referer.status_code == 403
    assert browser.get("/desk/").status_code == 200
    own = browser.post(
        "/desk/logout", data={"csrf": token}, headers={"origin": "http://127.0.0.1:8000"}
    )
    assert own.status_code == 303


def test_the_sign_in_form_needs_its_token_too(site: DeskSite) -> None:
    """Login CSRF: a page elsewhere must not sign a browser into someone's account."""
    site.add("asha", "editor")
    forged = site.client()
    refused = forged.post("/desk/login", data={"name": "asha", "password": PASSWORD})
    assert refused.status_code == 403
    assert "The sign-in form had expired" in refused.text
    assert not forged.cookies.get("desk")
    # the page it answers with is a fresh form that works
    again = forged.post(
        "/desk/login", data={"csrf": csrf_of(refused.text), "name": "asha", "password": PASSWORD}
    )
    assert again.status_code == 303


def test_an_admin_adds_disables_and_enables_users(site: DeskSite) -> None:
    site.add("root", "admin")
    admin = site.signed_in("root")
    added = post(
        admin,
        "/desk/users",
        "/desk/users",
        name="Asha.Verma",
        role="editor",
        password="a long new password",
        password2="a long new password",
    )
    assert added.status_code == 303 and added.headers["location"] == "/desk/users?added=asha.verma"
    page = admin.get(added.headers["location"])
    assert "Added asha.verma." in page.text
    assert "<td>asha.verma</td>\n    <td>editor</td>\n    <td>active</td>" in page.text
    asha = site.signed_in("asha.verma", "a long new password")

    disabled = post(admin, "/desk/users", "/desk/users/asha.verma/disable")
    assert disabled.status_code == 303
    assert _signed_out(asha)  # her session ended at once
    assert sign_in(site.client(), "asha.verma", "a long new password").status_code == 403
    assert "<td>disabled</td>" in admin.get("/desk/users").text

    post(admin, "/desk/users", "/desk/users/asha.verma/enable")
    assert sign_in(site.client(), "asha.verma", "a long new password").status_code == 303


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({"name": "root", "role": "viewer"}, "already a user named"),
        ({"name": "bad name", "role": "viewer"}, "not a valid user name"),
        ({"name": "bina", "role": "owner"}, "not a role"),
        ({"name": "bina", "role": "viewer", "password": "short"}, "use at least 12"),
        ({"name": "bina", "role": "viewer", "password2": "something else"}, "passwords differ"),
    ],
)
def test_adding_a_user_wrongly_says_why_and_adds_nobody(
    site: DeskSite, form: dict[str, str], said: str
) -> None:
    site.add("root", "admin")
    admin = site.signed_in("root")
    fields = {"password": "a long new password", "password2": "a long new password", **form}
    if "password" in form and "password2" not in form:
        fields["password2"] = form["password"]
    answer = post(admin, "/desk/users", "/desk/users", **fields)
    assert answer.status_code == 400
    assert said in answer.text
    assert [p.account.name for p in site.accounts.people()] == ["root"]


def test_an_admin_cannot_disable_themselves_on_the_page(site: DeskSite) -> None:
    site.add("root", "admin")
    admin = site.signed_in("root")
    answer = post(admin, "/desk/users", "/desk/users/root/disable")
    assert answer.status_code == 400 and "cannot disable your own account" in answer.text
    assert admin.get("/desk/").status_code == 200
    missing = post(admin, "/desk/users", "/desk/users/nobody/disable")
    assert missing.status_code == 404 and "No user named" in missing.text


def test_every_desk_answer_is_uncacheable_unframeable_and_under_the_sites_csp(
    site: DeskSite,
) -> None:
    site.add("root", "admin")
    admin = site.signed_in("root")
    anonymous = site.client()
    answers = {
        "page": admin.get("/desk/users"),
        "sign-in page": anonymous.get("/desk/login"),
        "redirect": anonymous.get("/desk/"),
        "refused": anonymous.post("/desk/logout", data={}),
        "wrong password": sign_in(site.client(), "root", "not the password"),
        "not found": admin.get("/desk/nowhere"),
        "wrong method": admin.get("/desk/logout"),
        "stylesheet": anonymous.get("/desk/desk.css"),
        "not a form": admin.post("/desk/logout", json={"csrf": "x"}),
    }
    for what, answer in answers.items():
        assert answer.headers["cache-control"] == "no-store", what
        assert answer.headers["x-frame-options"] == "DENY", what
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, what
        assert answer.headers["x-content-type-options"] == "nosniff", what
    assert answers["not found"].status_code == 404
    assert answers["wrong method"].status_code == 405
    assert answers["not a form"].status_code == 415
    assert answers["stylesheet"].headers["content-type"].startswith("text/css")


def test_desk_pages_carry_no_script_and_work_as_plain_forms(site: DeskSite) -> None:
    site.add("root", "admin")
    admin = site.signed_in("root")
    for path in (
        "/desk/",
        "/desk/sessions",
        "/desk/users",
        "/desk/held",
        "/desk/sources",
        "/desk/audit",
    ):
        html = admin.get(path).text
        assert "<script" not in html.lower() and " on" + "click" not in html.lower()
        assert '<form class="desk-signout" method="post" action="/desk/logout">' in html
    assert "<script" not in site.client().get("/desk/login").text.lower()


def test_desk_pages_never_enter_the_public_page_cache(site: DeskSite) -> None:
    site.add("asha", "editor")
    site.add("bina", "viewer")
    cache = site.app.state.page_cache
    public = site.client()
    assert public.get("/").status_code == 200
    kept = len(cache)
    assert kept >= 1  # the public home page is kept: the cache is on

    asha, bina = site.signed_in("asha"), site.signed_in("bina")
    for _ in range(2):
        assert 'desk-name">asha<' in asha.get("/desk/").text
        assert 'desk-name">bina<' in bina.get("/desk/").text
        site.client().get("/desk/login")
        site.client().get("/desk/nowhere")
    assert len(cache) == kept


def test_slashes_and_the_desk_root(site: DeskSite) -> None:
    browser = site.client()
    bare = browser.get("/desk")
    assert bare.status_code == 307 and bare.headers["location"] == "/desk/"
    slashed = browser.get("/desk/login/", headers={"host": "evil.example"})
    assert slashed.status_code == 404  # never a redirect built from the Host header
