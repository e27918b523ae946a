"""Form tokens: a fresh mask in every page, all of them matching only their own secret;
and the origin check that refuses a form sent from another site."""

from __future__ import annotations

import pytest

from wiredesk.desk import csrf


def test_every_mask_differs_and_every_one_matches_its_secret_only() -> None:
    secret, other = csrf.new_secret(), csrf.new_secret()
    tokens = {csrf.mask(secret) for _ in range(20)}
    assert len(tokens) == 20  # nothing fixed in the page for a compression oracle
    assert all(csrf.matches(t, secret) for t in tokens)
    assert not any(csrf.matches(t, other) for t in tokens)


@pytest.mark.parametrize(
    "token", [None, "", "not base64 !!", "QUJD", "A" * 500, "é" * 20], ids=repr
)
def test_missing_or_malformed_tokens_never_match(token: str | None) -> None:
    assert not csrf.matches(token, csrf.new_secret())


def test_a_token_never_matches_a_missing_or_broken_secret() -> None:
    token = csrf.mask(csrf.new_secret())
    assert not csrf.matches(token, None)
    assert not csrf.matches(token, "zz" * 32)
    assert not csrf.valid_secret("zz" * 32)
    assert not csrf.valid_secret("ab" * 31)
    assert csrf.valid_secret(csrf.new_secret())


ALLOWED = {"https://news.example", "http://127.0.0.1:8000"}


@pytest.mark.parametrize(
    ("origin", "referer", "passes"),
    [
        ("https://news.example", None, True),
        ("HTTPS://NEWS.EXAMPLE", None, True),
        ("https://evil.example", None, False),
        ("https://news.example.evil.example", None, False),
        ("null", None, False),
        ("http://news.example", None, False),  # the same host over http is another origin
        (None, "https://news.example/desk/users", True),
        (None, "https://evil.example/news.example/desk/", False),
        ("https://evil.example", "https://news.example/desk/", False),  # Origin decides
        (None, None, True),  # neither sent: the token alone decides
    ],
)
def test_the_origin_check(origin: str | None, referer: str | None, passes: bool) -> None:
    assert csrf.same_origin(origin, referer, ALLOWED) is passes
