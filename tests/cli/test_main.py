"""The `wiredesk` command as people use it: exit codes, one-line errors, real processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from wiredesk import __version__
from wiredesk.cli import main as cli_main
from wiredesk.cli.main import cli
from wiredesk.config import load_settings
from wiredesk.ingest import polling as ingest_module
from wiredesk.store import operator
from wiredesk.store.ledger import editorial, envelopes

WIREDESK = str(Path(sys.executable).parent / "wiredesk")
RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>एजेंसी</title>'
    "<link>https://agency.example/</link><description>d</description><language>hi</language>"
    '<item><guid isPermaLink="false">g-1</guid><title>{title}</title>'
    "<pubDate>Thu, 05 Feb 2026 10:00:00 +0530</pubDate>"
    "<description>नई दिल्ली, 5 फरवरी (एसबी)। खबर का पाठ।</description></item>"
    "</channel></rss>"
)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_config(tmp_path: Path, db_url: str, sources: str) -> Path:
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        f'[site]\nlanguage = "hi"\nbase_url = "https://news.example"\n'
        f'database = "{db_url}"\n\n{sources}',
        encoding="utf-8",
    )
    return cfg


def file_source(source_id: str, path: Path) -> str:
    return f'[[sources]]\nid = "{source_id}"\nname = "{source_id}"\nurl = "{path.as_uri()}"\n\n'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(proc: subprocess.Popen[str], url: str, timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"exited with {proc.returncode}: {out}{err}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {timeout} s")


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[str, str]:
    proc.send_signal(sig)
    try:
        return proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


# --- one-shot commands --------------------------------------------------------------------


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_init_writes_a_config_that_loads_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "site"
    result = invoke("init", str(target))
    assert result.exit_code == 0, result.output
    settings = load_settings(target / "wiredesk.toml")
    assert settings.site.language == "hi" and len(settings.sources) == 1
    assert (target / "data").is_dir() and (target / "inbox").is_dir()
    text = (target / "wiredesk.toml").read_text(encoding="utf-8")
    assert text.count("#") > 20  # every key is explained
    # the fresh site polls cleanly right away
    again = invoke("ingest", "--once", "--config", str(target / "wiredesk.toml"))
    assert again.exit_code == 0, again.output
    (target / "wiredesk.toml").write_text("# mine", encoding="utf-8")
    refused = invoke("init", str(target))
    assert refused.exit_code == 2
    assert "already exists" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert (target / "wiredesk.toml").read_text(encoding="utf-8") == "# mine"


def test_ingest_once_reports_each_source_and_exits_0(tmp_path: Path, db_url: str) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS.format(title="पहली खबर"), encoding="utf-8")
    cfg = write_config(tmp_path, db_url, file_source("wire", feed))
    result = invoke("ingest", "--once", "--config", str(cfg))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "wire: ok, 1 new payload, 1 new story, 0 new versions"
    again = invoke("ingest", "--once", "--config", str(cfg))
    assert again.exit_code == 0 and again.stdout.strip() == "wire: ok, not modified"


def test_ingest_once_exits_1_with_the_reason_on_the_failed_sources_line(
    tmp_path: Path, db_url: str
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS.format(title="पहली खबर"), encoding="utf-8")
    missing = tmp_path / "gone.xml"
    cfg = write_config(tmp_path, db_url, file_source("gone", missing) + file_source("wire", feed))
    result = invoke("ingest", "--once", "--config", str(cfg))
    assert result.exit_code == 1
    gone, wire = result.stdout.strip().splitlines()
    assert gone == (
        f"gone: FAILED: source 'gone': file {missing} does not exist; "
        "create it or fix sources.gone.url"
    )
    assert wire.startswith("wire: ok, 1 new payload")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "file not found"),
        ("[site\nname = 1", "invalid TOML"),
        ('[site]\nlanguge = "hi"\n', "site.languge: unknown key; did you mean 'language'?"),
        ('[site]\n[[sources]]\nid = "x"\nname = "X"\nurl = "ftp://x/"\n', "sources.x.url"),
    ],
    ids=["missing", "bad-toml", "unknown-key", "bad-url"],
)
def test_config_errors_are_one_line_and_exit_2(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    cfg = tmp_path / "wiredesk.toml"
    if content is not None:
        cfg.write_text(content, encoding="utf-8")
    result = invoke("ingest", "--once", "--config", str(cfg))
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"wiredesk: error: {cfg}") and expected in line
    assert "Traceback" not in result.output


def test_config_is_found_in_the_current_folder_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("init", str(tmp_path / "site"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("WIREDESK_CONFIG", raising=False)
    result = invoke("ingest", "--once")
    assert result.exit_code == 2 and "no settings file found" in result.stderr
    monkeypatch.setenv("WIREDESK_CONFIG", str(tmp_path / "site" / "wiredesk.toml"))
    assert invoke("ingest", "--once").stdout.startswith("inbox: ok")
    monkeypatch.chdir(tmp_path / "site")
    monkeypatch.setenv("WIREDESK_CONFIG", str(tmp_path / "nowhere.toml"))
    assert invoke("ingest", "--once").exit_code == 0  # ./wiredesk.toml wins


def test_a_bug_is_a_short_message_exit_3_and_a_logged_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("init", str(tmp_path / "site"))
    log = tmp_path / "errors.log"
    monkeypatch.setattr(cli_main, "CRASH_LOG", log)

    def broken(*_args: object) -> None:
        raise RuntimeError("something impossible")

    monkeypatch.setattr(ingest_module, "ingest_once", broken)
    result = invoke("ingest", "--once", "--config", str(tmp_path / "site" / "wiredesk.toml"))
    assert result.exit_code == 3
    assert "internal error: RuntimeError: something impossible" in result.stderr
    assert str(log) in result.stderr and "Traceback" not in result.output
    assert "Traceback" in log.read_text(encoding="utf-8")


# --- long-running commands, as real processes -----------------------------------------------


def test_serve_answers_and_stops_cleanly_on_sigterm(tmp_path: Path, db_url: str) -> None:
    cfg = write_config(tmp_path, db_url, "")
    port = free_port()
    proc = subprocess.Popen(
        [WIREDESK, "serve", "--config", str(cfg), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        home = wait_until_up(proc, f"http://127.0.0.1:{port}/")
        assert home.status_code == 200
    finally:
        _out, err = stop(proc)
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{port}/" in err and "Traceback" not in err


def test_a_busy_port_is_one_line_that_suggests_another(tmp_path: Path) -> None:
    invoke("init", str(tmp_path / "site"))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [
                WIREDESK,
                "serve",
                "--config",
                str(tmp_path / "site" / "wiredesk.toml"),
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"wiredesk: error: port {port} on 127.0.0.1 is already in use; "
        "stop the program using it or pick another port with --port"
    )


def test_run_serves_the_site_and_publishes_dropped_files(tmp_path: Path) -> None:
    invoke("init", str(tmp_path / "site"))
    cfg = tmp_path / "site" / "wiredesk.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("# poll_every = 300", "poll_every = 1"),
        encoding="utf-8",
    )
    port = free_port()
    proc = subprocess.Popen(
        [WIREDESK, "run", "--config", str(cfg), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(proc, f"http://127.0.0.1:{port}/")
        drop = tmp_path / "site" / "inbox" / "001.xml"
        drop.write_text(RSS.format(title="ड्रॉप की गई खबर"), encoding="utf-8")
        then = time.time() - 10
        os.utime(drop, (then, then))
        deadline = time.monotonic() + 60  # generous: a loaded machine, not a slow wiredesk
        while "ड्रॉप की गई खबर" not in httpx.get(f"http://127.0.0.1:{port}/", timeout=20).text:
            assert time.monotonic() < deadline, "the dropped story never appeared"
            time.sleep(0.3)
        assert (tmp_path / "site" / "inbox" / "processed" / "001.xml").exists()
    finally:
        _, err = stop(proc, signal.SIGINT)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_demo_shows_the_samples_then_an_update(tmp_path: Path) -> None:
    port = free_port()
    demo_dir = tmp_path / "demo"
    proc = subprocess.Popen(
        [WIREDESK, "demo", "--port", str(port), "--update-after", "1", "--dir", str(demo_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    try:
        wait_until_up(proc, f"http://127.0.0.1:{port}/")
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while not any("see it at" in line for line in lines):
            assert time.monotonic() < deadline, "\n".join(lines)
            assert not any("has not shown up" in line for line in lines), "\n".join(lines)
            lines.append(proc.stdout.readline().strip())
        url = lines[-1].split("see it at ", 1)[1]
        page = httpx.get(url)
        assert page.status_code == 200
        assert "कोहरे का असर दोपहर तक जारी" in page.text
        home = httpx.get(f"http://127.0.0.1:{port}/").text
        assert "India Wire Service" in home or "IWS" in home or "खबर जंक्शन" in home
    finally:
        out, err = stop(proc, signal.SIGINT)
    assert proc.returncode == 0, err
    assert f"wiredesk demo: open http://127.0.0.1:{port}/" in lines
    assert "wiredesk demo: stopped" in out
    assert (demo_dir / "inbox" / "samachar" / "processed" / "003-update.xml").exists()


# --- lifecycle: items, kill, push ----------------------------------------------------------

TWO_STORIES = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>एजेंसी</title>'
    "<link>https://agency.example/</link><description>d</description><language>hi</language>"
    '<item><guid isPermaLink="false">g-1</guid><title>पहली खबर</title>'
    "<pubDate>Thu, 05 Feb 2026 10:00:00 +0530</pubDate><description>पहला पाठ।</description></item>"
    '<item><guid isPermaLink="false">g-2</guid><title>दूसरी खबर</title>'
    "<pubDate>Thu, 05 Feb 2026 11:00:00 +0530</pubDate><description>दूसरा पाठ।</description></item>"
    "</channel></rss>"
)
PUSH_TOKEN = "push-token-0123456789abcdef"


def ingested_site(tmp_path: Path, db_url: str) -> Path:
    feed = tmp_path / "feed.xml"
    feed.write_text(TWO_STORIES, encoding="utf-8")
    cfg = write_config(tmp_path, db_url, file_source("wire", feed))
    assert invoke("ingest", "--once", "--config", str(cfg)).exit_code == 0
    return cfg


def items_json(cfg: Path, *extra: str) -> list[dict[str, object]]:
    result = invoke("items", "--config", str(cfg), "--json", *extra)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_items_lists_every_story_with_its_state_and_url(tmp_path: Path, db_url: str) -> None:
    cfg = ingested_site(tmp_path, db_url)
    rows = items_json(cfg)
    assert [r["headline"] for r in rows] == ["दूसरी खबर", "पहली खबर"]
    first = rows[1]
    assert first["source"] == "wire" and first["versions"] == 1 and first["state"] == "published"
    assert str(first["url"]).startswith("https://news.example/")
    assert str(first["url"]).endswith(f"-{first['short_id']}")

    plain = invoke("items", "--config", str(cfg))
    header, *lines = plain.stdout.splitlines()
    assert header.split() == ["ID", "SOURCE", "VER", "STATE", "LANG", "URL", "RULE", "HEADLINE"]
    assert lines[1].split()[:6] == [
        first["short_id"],
        "wire",
        "1",
        "published",
        "hi",
        first["url"],
    ]
    assert lines[1].endswith("पहली खबर")
    assert items_json(cfg, "--state", "killed") == []


def test_items_lists_a_copy_no_edition_publishes_and_says_so(tmp_path: Path, db_url: str) -> None:
    """A Hindi site stores an English agency's copy but publishes it nowhere: `items` shows
    it all the same, with its language and, in place of a URL, why it has none."""
    feed = tmp_path / "en.xml"
    feed.write_text(
        TWO_STORIES.replace("<language>hi</language>", "<language>en</language>")
        .replace("पहली खबर", "First story")
        .replace("दूसरी खबर", "Second story"),
        encoding="utf-8",
    )
    cfg = write_config(tmp_path, db_url, file_source("wire", feed))
    assert invoke("ingest", "--once", "--config", str(cfg)).exit_code == 0
    rows = items_json(cfg)
    assert [(r["headline"], r["language"], r["url"]) for r in rows] == [
        ("Second story", "en", None),
        ("First story", "en", None),
    ]
    assert all(r["state"] == "published" for r in rows)  # by the agency; no edition shows it
    header, *lines = invoke("items", "--config", str(cfg)).stdout.splitlines()
    assert "LANG" in header.split()
    assert all(line.split()[4:9] == ["en", "(not", "published:", "no", "en"] for line in lines)
    assert all("(not published: no en edition)" in line for line in lines), lines

    cfg.write_text(cfg.read_text(encoding="utf-8") + "[editions.en]\n", encoding="utf-8")
    urls = [str(r["url"]) for r in items_json(cfg)]
    assert all(u.startswith("https://news.example/en/news/") for u in urls), urls


def test_items_with_an_unknown_state_is_one_line_listing_the_states(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", "")
    result = invoke("items", "--config", str(cfg), "--state", "dead")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "wiredesk: error: --state: unknown state 'dead'; use one of: "
        "published, held, withheld, embargoed, scheduled, killed, withdrawn"
    )


def test_kill_takes_a_story_down_everywhere_and_is_audited(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starlette.testclient import TestClient

    from wiredesk.runtime.embedded import site_app
    from wiredesk.store.database import Database

    monkeypatch.setenv("USER", "asha")
    cfg = ingested_site(tmp_path, db_url)
    victim = next(r for r in items_json(cfg) if r["headline"] == "पहली खबर")
    url = str(victim["url"])

    done = invoke("kill", url, "--reason", "court order", "--config", str(cfg))
    assert done.exit_code == 0, done.output
    story = victim["story_id"]
    assert done.stdout.strip() == (
        f"story {story}: 1 copy down (wire {url}); later copies of it will stay down"
    )
    [killed] = items_json(cfg, "--state", "withdrawn")
    assert killed["short_id"] == victim["short_id"]
    assert (killed["withdrawn_reason"], killed["withdrawn_by"]) == ("court order", "editor asha")

    settings = load_settings(cfg)
    store = Database.open(settings.site.database)
    try:
        client = TestClient(site_app(settings, store))
        path = url.removeprefix("https://news.example")
        assert client.get(path).status_code == 410
        home = client.get("/").text
        assert "पहली खबर" not in home and "दूसरी खबर" in home
        for feed in ("/feed.xml", "/atom.xml", "/feed.json"):
            assert "पहली खबर" not in client.get(feed).text
        [entry] = operator.audit_entries(store, editorial.find_copy(store, url))
        assert (entry.action, entry.actor, entry.reason) == (
            "story taken down",
            "editor asha",
            "court order",
        )
    finally:
        store.close()

    again = invoke("kill", str(victim["short_id"]), "--reason", "x", "--config", str(cfg))
    assert again.exit_code == 0
    assert again.stdout.startswith(f"story {story} was taken down by editor asha at ")
    assert again.stdout.strip().endswith(": court order; already down, nothing to do")


def test_kill_copy_takes_one_copy_down_and_is_audited(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "asha")
    cfg = ingested_site(tmp_path, db_url)
    victim = next(r for r in items_json(cfg) if r["headline"] == "पहली खबर")
    url = str(victim["url"])

    done = invoke("kill", "--copy", url, "--reason", "court order", "--config", str(cfg))
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == (
        f"killed {victim['short_id']}: {url} now answers 410 Gone on every channel; "
        f"no other copy of story {victim['story_id']} is public"
    )
    [killed] = items_json(cfg, "--state", "killed")
    assert killed["short_id"] == victim["short_id"] and killed["kill_reason"] == "court order"
    assert items_json(cfg, "--state", "withdrawn") == []
    again = invoke("kill", "--copy", str(victim["short_id"]), "--reason", "x", "--config", str(cfg))
    assert again.exit_code == 0
    assert again.stdout.strip() == f"{victim['short_id']} is already killed ({url}); nothing to do"
    story = invoke("kill", "--copy", "story:1", "--reason", "x", "--config", str(cfg))
    assert story.exit_code == 2 and "names a story" in story.stderr


@pytest.mark.parametrize("kind", ["path", "short-id", "source-guid"])
def test_kill_accepts_a_path_a_short_id_or_source_and_guid(tmp_path: Path, kind: str) -> None:
    cfg = ingested_site(tmp_path, f"sqlite:///{tmp_path / 'w.db'}")
    victim = next(r for r in items_json(cfg) if r["headline"] == "दूसरी खबर")
    ref = {
        "path": str(victim["url"]).removeprefix("https://news.example"),
        "short-id": str(victim["short_id"]),
        "source-guid": "wire:g-2",
    }[kind]
    assert invoke("kill", ref, "--reason", "duplicate", "--config", str(cfg)).exit_code == 0
    assert [r["headline"] for r in items_json(cfg, "--state", "withdrawn")] == ["दूसरी खबर"]


def test_kill_of_an_unknown_story_is_one_line_and_exit_2(tmp_path: Path) -> None:
    cfg = ingested_site(tmp_path, f"sqlite:///{tmp_path / 'w.db'}")
    result = invoke("kill", "/desh/nothing-zzzzzzzz", "--reason", "x", "--config", str(cfg))
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("wiredesk: error: no story matches '/desh/nothing-zzzzzzzz'")
    assert "wiredesk items" in line
    assert items_json(cfg, "--state", "killed") == []
    assert items_json(cfg, "--state", "withdrawn") == []


def test_kill_as_a_real_process_makes_the_running_site_answer_410(tmp_path: Path) -> None:
    cfg = ingested_site(tmp_path, f"sqlite:///{tmp_path / 'w.db'}")
    victim = items_json(cfg)[0]
    path = str(victim["url"]).removeprefix("https://news.example")
    port = free_port()
    proc = subprocess.Popen(
        [WIREDESK, "serve", "--config", str(cfg), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_up(proc, f"http://127.0.0.1:{port}/")
        assert httpx.get(f"http://127.0.0.1:{port}{path}").status_code == 200
        done = subprocess.run(
            [WIREDESK, "kill", path, "--reason", "legal", "--config", str(cfg)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        gone = httpx.get(f"http://127.0.0.1:{port}{path}")
        assert gone.status_code == 410 and "यह खबर संपादकों ने वापस ले ली है।" in gone.text
    finally:
        _out, err = stop(proc)
    assert proc.returncode == 0, err


def push_only_config(tmp_path: Path, max_bytes: int) -> Path:
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        f'[site]\nlanguage = "hi"\nbase_url = "https://news.example"\n'
        f'database = "sqlite:///{tmp_path / "push.db"}"\npush_max_bytes = {max_bytes}\n\n'
        f'[[sources]]\nid = "ians"\nname = "IANS"\npush_token = "{PUSH_TOKEN}"\n',
        encoding="utf-8",
    )
    return cfg


@pytest.mark.parametrize("command", ["serve", "run"])
def test_push_works_under_serve_and_run(tmp_path: Path, command: str) -> None:
    from wiredesk.store.database import Database

    cfg = push_only_config(tmp_path, max_bytes=4096)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [WIREDESK, command, "--config", str(cfg), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    auth = {"Authorization": f"Bearer {PUSH_TOKEN}"}
    try:
        wait_until_up(proc, base + "/")
        refused = httpx.post(base + "/ingest/ians", content=TWO_STORIES.encode())
        assert refused.status_code == 401
        answer = httpx.post(base + "/ingest/ians", content=TWO_STORIES.encode(), headers=auth)
        assert answer.status_code == 202, answer.text
        assert answer.json()["status"] == "processed" and answer.json()["new_stories"] == 2
        home = httpx.get(base + "/").text
        assert "पहली खबर" in home and "दूसरी खबर" in home

        def flood() -> Iterator[bytes]:  # chunked, no Content-Length: cut off while counting
            for _ in range(64):
                yield b"<rss>" + b" " * 1019

        try:
            too_big = httpx.post(base + "/ingest/ians", content=flood(), headers=auth)
            assert too_big.status_code == 413
        except httpx.TransportError:
            pass  # the server may close before the client finishes sending: also refused
    finally:
        _out, err = stop(proc)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    store = Database.open(f"sqlite:///{tmp_path / 'push.db'}")
    try:
        assert envelopes.count(store) == 1
    finally:
        store.close()


# --- quarantine and reprocess ----------------------------------------------------------------


def two_item_rss(long_headline: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://agency.example/</link><description>d</description>"
        '<item><guid isPermaLink="false">ok-1</guid><title>ठीक खबर</title>'
        "<description>नई दिल्ली, 5 फरवरी (एसबी)। पाठ।</description></item>"
        f'<item><guid isPermaLink="false">too-long</guid><title>{long_headline}</title>'
        "<description>पाठ।</description></item></channel></rss>"
    )


def quarantine_json(cfg: Path, *extra: str) -> list[dict[str, object]]:
    result = invoke("quarantine", "--config", str(cfg), "--json", *extra)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_quarantine_lists_what_was_held_back_and_why(tmp_path: Path, db_url: str) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(two_item_rss("लंबा " * 400), encoding="utf-8")
    cfg = write_config(tmp_path, db_url, file_source("wire", feed))
    assert invoke("ingest", "--once", "--config", str(cfg)).exit_code == 0

    [row] = quarantine_json(cfg)
    assert (row["source"], row["envelope"], row["guid"], row["stage"]) == (
        "wire",
        1,
        "too-long",
        "store",
    )
    assert "headline is 1,999 characters" in str(row["reason"])  # trailing space trimmed
    plain = invoke("quarantine", "--config", str(cfg))
    header, line = plain.stdout.splitlines()
    assert header.split() == ["ID", "WHEN", "SOURCE", "ENVELOPE", "GUID", "STAGE", "REASON"]
    assert "wire" in line and "too-long" in line and "headline is" in line

    # Still too long on a retry: it stays quarantined, and the exit code says so.
    again = invoke("reprocess", "--config", str(cfg), "1")
    assert again.exit_code == 1
    assert again.stdout.strip() == (
        "reprocessed 1 envelope(s): 1 item(s) in (0 new stories, 0 new versions), "
        "0 quarantine row(s) resolved, 1 item(s) still quarantined, 0 payload(s) still unreadable"
    )
    assert len(quarantine_json(cfg)) == 1


def test_reprocess_all_gets_a_payload_in_after_the_settings_are_fixed(
    tmp_path: Path, db_url: str
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS.format(title="पहली खबर"), encoding="utf-8")
    wrong = file_source("wire", feed) + 'format = "jsonfeed"\n'  # it is RSS
    cfg = write_config(tmp_path, db_url, wrong)
    assert invoke("ingest", "--once", "--config", str(cfg)).exit_code == 1
    [row] = quarantine_json(cfg)
    assert row["stage"] == "parse" and row["guid"] is None and row["item_index"] is None

    cfg = write_config(tmp_path, db_url, file_source("wire", feed))  # the fix
    fixed = invoke("reprocess", "--config", str(cfg), "--all")
    assert fixed.exit_code == 0, fixed.output
    assert fixed.stdout.startswith("reprocessed 1 envelope(s): 1 item(s) in (1 new stories")
    assert "1 quarantine row(s) resolved" in fixed.stdout
    assert quarantine_json(cfg) == []
    assert [r["stage"] for r in quarantine_json(cfg, "--all")] == ["parse"]
    assert [r["headline"] for r in items_json(cfg)] == ["पहली खबर"]
    nothing = invoke("reprocess", "--config", str(cfg), "--all")
    assert nothing.stdout.strip() == (
        "nothing to reprocess: no failed envelopes and nothing quarantined"
    )


def test_reprocess_refuses_an_unknown_envelope_and_a_missing_argument(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", "")
    unknown = invoke("reprocess", "--config", str(cfg), "999")
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == (
        "wiredesk: error: no envelope 999 in the database; `wiredesk quarantine` lists the "
        "envelopes with quarantined items"
    )
    for args in ((), ("7", "--all")):
        result = invoke("reprocess", "--config", str(cfg), *args)
        assert result.exit_code == 2
        assert "give one envelope id or --all" in result.stderr


# --- on the edges (issue 13, item 7) ------------------------------------------------------

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.parametrize("command", [["stories"], ["items", "--all"]])
def test_a_reader_that_stops_reading_ends_the_command_quietly(
    tmp_path: Path, command: list[str]
) -> None:
    """`wiredesk stories | head`: exit 0, nothing on stderr (no "internal error", no
    "Exception ignored"). The output is larger than the pipe's buffer, so the command is
    still writing when the reader goes."""
    from tests.cli.cli_support import site_with_copies

    cfg = site_with_copies(tmp_path, 1500)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "wiredesk.cli.main", *command, "--config", str(cfg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    assert first  # it was writing
    proc.stdout.close()  # `head -1` has what it wanted
    try:
        errors = proc.stderr.read()
        code = proc.wait(timeout=20)
    finally:
        proc.kill()
    assert errors.decode() == ""
    assert code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["-v", "ingest", "--once", "--config", "{cfg}"],
        ["ingest", "--once", "--config", "{cfg}", "-v"],
        ["ingest", "-v", "--once", "--config", "{cfg}"],
    ],
)
def test_verbose_before_or_after_the_subcommand_logs_details(
    tmp_path: Path, args: list[str]
) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = write_config(
        tmp_path,
        f"sqlite:///{tmp_path / 'wiredesk.db'}",
        f'[[sources]]\nid = "wire"\nname = "Wire"\nurl = "http://127.0.0.1:{port}/feed"\n'
        "allow_private = true\n",
    )
    result = CliRunner().invoke(cli, [a.format(cfg=cfg) for a in args])
    assert result.exit_code == 1  # the source failed
    assert " DEBUG " in result.stderr  # the fetch's details
    quiet = CliRunner().invoke(cli, ["ingest", "--once", "--config", str(cfg)])
    assert " DEBUG " not in quiet.stderr
