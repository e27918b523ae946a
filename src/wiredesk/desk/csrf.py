"""Forms that only the desk's own pages can submit (cross-site request forgery).

Every form carries a token in a hidden field, checked on every POST with a constant-time
comparison: for a signed-in person the secret their session keeps server side; for the
sign-in form (no session yet) a random value in a cookie of its own, so a forged sign-in
cannot put someone into an attacker's account. The token is masked with a fresh random pad
in every page, so the bytes of a page that carries it change each time and a compression
side channel (BREACH) has nothing fixed to guess at. Besides the token, a POST whose
`Origin` (or, failing that, `Referer`) names another site is refused; the cookies'
`SameSite=Strict` is a third line.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from urllib.parse import urlsplit

SECRET_BYTES = 32


def new_secret() -> str:
    """A secret for the sign-in form's cookie: 32 random bytes as hex."""
    return secrets.token_hex(SECRET_BYTES)


def valid_secret(value: str | None) -> bool:
    """Whether a cookie holds a secret `new_secret` could have made."""
    if value is None or len(value) != 2 * SECRET_BYTES:
        return False
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True


def mask(secret_hex: str) -> str:
    """The token a page puts in its forms: a random pad, then the secret XOR the pad."""
    secret = bytes.fromhex(secret_hex)
    pad = secrets.token_bytes(len(secret))
    masked = bytes(a ^ b for a, b in zip(secret, pad, strict=True))
    return base64.urlsafe_b64encode(pad + masked).decode("ascii")


def matches(token: str | None, secret_hex: str | None) -> bool:
    """Whether a form's `token` was made from `secret_hex` (constant time in the secret)."""
    if not token or not secret_hex or len(token) > 200:
        return False
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
        secret = bytes.fromhex(secret_hex)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False
    if len(raw) != 2 * len(secret) or not secret:
        return False
    pad, masked = raw[: len(secret)], raw[len(secret) :]
    unmasked = bytes(a ^ b for a, b in zip(pad, masked, strict=True))
    return hmac.compare_digest(unmasked, secret)


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL, lowercased; None if it has none."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(headers_origin: str | None, referer: str | None, allowed: set[str]) -> bool:
    """Whether a POST came from one of the `allowed` origins, by its `Origin` header, else its
    `Referer`; a request with neither (some privacy tools strip both) is left to the token.
    `Origin: null` (a sandboxed frame, a redirect across sites) is refused."""
    if headers_origin is not None:
        return headers_origin.strip().lower() in allowed
    if referer is not None:
        return origin_of(referer.strip()) in allowed
    return True
