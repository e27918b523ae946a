"""The site's WebSub hub as a subscriber meets it: a real `wiredesk serve`, a real subscriber
on 127.0.0.1, stories pushed by an agency and killed by an editor from another process."""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.runtime.websub.websub_support import Subscriber

WIREDESK = [sys.executable, "-m", "wiredesk.cli.main"]
TOKEN = "p" * 32


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    url: str
    config: Path
    proc: subprocess.Popen[bytes]

    def push(self, guid: str, headline: str) -> None:
        feed = (
            '<rss version="2.0"><channel><title>Wire</title><item>'
            f"<guid>{guid}</guid><title>{headline}</title>"
            f"<description>&lt;p&gt;{headline}: the whole story, as the wire sent it."
            "&lt;/p&gt;</description></item></channel></rss>"
        )
        r = httpx.post(
            self.url + "/ingest/wire",
            content=feed,
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        assert r.status_code == 202, r.text

    def subscribe(self, callback: str, topic: str = "/feed.xml", **extra: str) -> httpx.Response:
        form = {
            "hub.mode": "subscribe",
            "hub.topic": self.url + topic,
            "hub.callback": callback,
            **extra,
        }
        return httpx.post(self.url + "/websub", data=form, timeout=10)


def _site(tmp_path: Path, *, private_callbacks: bool) -> Iterator[Site]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        f'[site]\nname = "Desk"\nlanguage = "en"\nbase_url = "{url}"\n'
        f'database = "sqlite:///{tmp_path / "site.db"}"\ndata_dir = "{tmp_path}"\n'
        '[[sources]]\nid = "wire"\nname = "Wire"\nsection = "news"\n'
        f'push_token = "{TOKEN}"\n'
        f"[websub]\nallow_private_callbacks = {str(private_callbacks).lower()}\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [*WIREDESK, "serve", "--config", str(cfg), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            raise RuntimeError("wiredesk serve did not start")
        yield Site(url, cfg, proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from _site(tmp_path, private_callbacks=True)


def test_a_subscriber_is_told_of_a_new_story_and_of_its_kill_within_a_second(
    site: Site, subscriber: Subscriber
) -> None:
    secret = "s3cret-shared-with-the-hub"
    site.push("g-1", "Dam gates opened")
    answer = site.subscribe(subscriber.url, **{"hub.secret": secret, "hub.lease_seconds": "600"})
    assert answer.status_code == 202
    assert subscriber.wait(lambda: subscriber.checks, 10), "the hub never checked the intent"
    check = subscriber.checks[0]
    assert check["hub.mode"] == ["subscribe"]
    assert check["hub.topic"] == [site.url + "/feed.xml"]
    assert check["hub.lease_seconds"] == ["600"]
    time.sleep(0.5)  # the subscription is stored after the echo is read
    assert subscriber.notes == []  # nothing has changed since it subscribed

    site.push("g-2", "River level falls")
    assert subscriber.wait(lambda: subscriber.notes, 10), "no notification of the new story"
    _, headers, body = subscriber.notes[-1]
    assert b"River level falls" in body and b"Dam gates opened" in body
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Hub-Signature"] == expected
    assert 'rel="hub"' in headers["Link"] and f"<{site.url}/feed.xml>" in headers["Link"]
    assert headers["Content-Type"].startswith("application/rss+xml")

    seen = len(subscriber.notes)
    started = time.monotonic()
    killed = subprocess.run(
        [*WIREDESK, "kill", "wire:g-2", "--reason", "legal", "--config", str(site.config)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert killed.returncode == 0, killed.stdout + killed.stderr
    done = time.monotonic()
    assert subscriber.wait(lambda: len(subscriber.notes) > seen, 5)
    at, _, body = subscriber.notes[-1]
    assert b"River level falls" not in body and b"Dam gates opened" in body
    assert at - done < 1.0, f"the kill reached the subscriber {at - done:.2f} s after it"
    assert at - started < 10


def test_a_callback_that_does_not_echo_the_challenge_gets_nothing(
    site: Site, subscriber: Subscriber
) -> None:
    subscriber.echo = False
    assert site.subscribe(subscriber.url).status_code == 202
    assert subscriber.wait(lambda: subscriber.checks, 10)
    site.push("g-3", "Markets close higher")
    time.sleep(2.0)
    assert subscriber.notes == []


def test_unsubscribing_stops_the_notifications(site: Site, subscriber: Subscriber) -> None:
    assert site.subscribe(subscriber.url).status_code == 202
    assert subscriber.wait(lambda: subscriber.checks, 10)
    time.sleep(0.5)
    form = {
        "hub.mode": "unsubscribe",
        "hub.topic": site.url + "/feed.xml",
        "hub.callback": subscriber.url,
    }
    assert httpx.post(site.url + "/websub", data=form, timeout=10).status_code == 202
    assert subscriber.wait(lambda: len(subscriber.checks) == 2, 10)
    assert subscriber.checks[1]["hub.mode"] == ["unsubscribe"]
    time.sleep(0.5)
    site.push("g-4", "Rain expected")
    time.sleep(2.0)
    assert subscriber.notes == []


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"hub.mode": "subscribe", "hub.topic": None}, "required"),
        (
            {"hub.mode": "subscribe", "hub.topic": "https://elsewhere.example/feed.xml"},
            "not a feed of this site",
        ),
        ({"hub.mode": "follow"}, "subscribe or unsubscribe"),
        ({"hub.mode": "subscribe", "hub.callback": "ftp://x.example/cb"}, "http(s) URL"),
        ({"hub.mode": "subscribe", "hub.secret": "x" * 200}, "hub.secret"),
        ({"hub.mode": "subscribe", "hub.lease_seconds": "soon"}, "whole number"),
        ({"hub.mode": "publish"}, "not taken"),
    ],
)
def test_a_bad_request_is_refused_with_what_is_wrong(
    site: Site, form: dict[str, str | None], says: str
) -> None:
    given = {"hub.topic": site.url + "/feed.xml", "hub.callback": "http://x.example/cb", **form}
    full = {k: v for k, v in given.items() if v is not None}  # None: left out
    answer = httpx.post(site.url + "/websub", data=full, timeout=10)
    assert answer.status_code == 400
    assert says in answer.text


def test_a_callback_on_a_private_address_is_never_contacted_by_default(
    tmp_path: Path, subscriber: Subscriber
) -> None:
    for site in _site(tmp_path, private_callbacks=False):
        assert site.subscribe(subscriber.url).status_code == 202
        time.sleep(2.0)
        assert subscriber.checks == []  # the guard refused 127.0.0.1 before any request
        site.push("g-5", "Rain expected")
        time.sleep(1.0)
        assert subscriber.notes == []
