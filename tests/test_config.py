"""Settings for push ingest: push-only sources, token rules, the body limit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wiredesk.config import Settings, load_settings, parse_settings
from wiredesk.errors import ConfigError

TOKEN = "a-long-enough-token-123"


def parse(tmp_path: Path, source: dict[str, Any], **site: Any) -> Settings:
    return parse_settings(
        {"site": site, "sources": [{"id": "ians", "name": "IANS", **source}]},
        tmp_path / "wiredesk.toml",
    )


def error(tmp_path: Path, source: dict[str, Any], **site: Any) -> str:
    with pytest.raises(ConfigError) as info:
        parse(tmp_path, source, **site)
    return str(info.value)


def test_a_push_only_source_needs_neither_url_nor_folder(tmp_path: Path) -> None:
    [src] = parse(tmp_path, {"push_token": TOKEN}).sources
    assert src.push_token == TOKEN and src.url is None and src.folder is None
    assert not src.polled and src.location == "push"


def test_a_polled_source_may_also_accept_pushes(tmp_path: Path) -> None:
    [src] = parse(tmp_path, {"url": "https://wire.example/f.xml", "push_token": TOKEN}).sources
    assert src.polled and src.push_token == TOKEN


def test_a_source_with_no_way_in_names_all_three_keys(tmp_path: Path) -> None:
    message = error(tmp_path, {})
    assert message == (
        f"{tmp_path / 'wiredesk.toml'}: sources.ians.url: set one of url or folder (to poll), "
        "or push_token (to receive pushes)"
    )


def test_url_and_folder_together_are_refused(tmp_path: Path) -> None:
    message = error(tmp_path, {"url": "https://wire.example/f.xml", "folder": "inbox"})
    assert "sources.ians.url: set only one of url or folder" in message


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("short", "must be at least 16 characters"),
        ("has a space in the token", "printable ASCII without spaces"),
        ("टोकन-जो-काफ़ी-लंबा-है-पर-हिंदी", "printable ASCII without spaces"),
        (12345678901234567890, "must be a string"),
    ],
)
def test_bad_push_tokens_name_the_key(tmp_path: Path, token: Any, expected: str) -> None:
    message = error(tmp_path, {"push_token": token})
    assert "sources.ians.push_token" in message or "sources[0].push_token" in message
    assert expected in message


def test_push_max_bytes_defaults_to_16_mib_and_must_be_positive(tmp_path: Path) -> None:
    assert parse(tmp_path, {"push_token": TOKEN}).site.push_max_bytes == 16 * 1024 * 1024
    assert parse(tmp_path, {"push_token": TOKEN}, push_max_bytes=1000).site.push_max_bytes == 1000
    assert "site.push_max_bytes: must be a positive" in error(
        tmp_path, {"push_token": TOKEN}, push_max_bytes=0
    )
    assert "site.push_max_bytes: must be a number" in error(
        tmp_path, {"push_token": TOKEN}, push_max_bytes="16M"
    )


def test_push_keys_load_from_a_toml_file(tmp_path: Path) -> None:
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        f'[site]\npush_max_bytes = 2048\n\n[[sources]]\nid = "ians"\nname = "IANS"\n'
        f'push_token = "{TOKEN}"\n',
        encoding="utf-8",
    )
    settings = load_settings(cfg)
    assert settings.site.push_max_bytes == 2048
    assert settings.source("ians") is not None and settings.source("ians").push_token == TOKEN


def test_a_source_s_aliases_are_read_and_checked(tmp_path: Path) -> None:
    settings = parse(tmp_path, {"url": "https://w.example/f", "aliases": ["आईएएनएस", " I A N S "]})
    assert settings.sources[0].aliases == ("आईएएनएस", "I A N S")
    assert "sources.ians.aliases" in error(
        tmp_path, {"url": "https://w.example/f", "aliases": [""]}
    )
    assert "a list" in error(tmp_path, {"url": "https://w.example/f", "aliases": "आईएएनएस"})


def _desk(tmp_path: Path, **desk: Any) -> Settings:
    return parse_settings({"site": {}, "desk": desk}, tmp_path / "wiredesk.toml")


def test_the_desk_settings_default_to_the_documented_values(tmp_path: Path) -> None:
    desk = parse_settings({"site": {}}, tmp_path / "wiredesk.toml").desk
    assert (desk.session_idle_timeout, desk.session_max_age) == (1800.0, 43200.0)
    assert (desk.lockout_window, desk.lockout_account_failures) == (900.0, 5)
    assert desk.lockout_address_failures == 20
    assert (desk.password_time_cost, desk.password_memory_kib, desk.password_parallelism) == (
        3,
        65536,
        4,
    )
    set_ = _desk(tmp_path, session_idle_timeout=600, password_memory_kib=8, password_parallelism=1)
    assert set_.desk.session_idle_timeout == 600.0 and set_.desk.password_memory_kib == 8


@pytest.mark.parametrize(
    ("desk", "key", "said"),
    [
        ({"session_idle_timeout": 10}, "desk.session_idle_timeout", "60-86400 seconds"),
        ({"session_max_age": 0}, "desk.session_max_age", "60-2592000 seconds"),
        (
            {"session_idle_timeout": 7200, "session_max_age": 3600},
            "desk.session_idle_timeout",
            "must not be longer than desk.session_max_age",
        ),
        ({"lockout_account_failures": 0}, "desk.lockout_account_failures", "1-100"),
        ({"lockout_address_failures": "20"}, "desk.lockout_address_failures", "a number"),
        (
            {"password_memory_kib": 16, "password_parallelism": 4},
            "desk.password_memory_kib",
            "8 KiB per lane",
        ),
        (
            {"sesion_idle_timeout": 60},
            "desk.sesion_idle_timeout",
            "did you mean 'session_idle_timeout'",
        ),
    ],
)
def test_bad_desk_settings_name_the_key(
    tmp_path: Path, desk: dict[str, Any], key: str, said: str
) -> None:
    with pytest.raises(ConfigError) as info:
        _desk(tmp_path, **desk)
    assert key in str(info.value) and said in str(info.value)


def test_desk_is_a_reserved_section(tmp_path: Path) -> None:
    """/desk/ is the editors' desk: a section of that name would never be reached."""
    with pytest.raises(ConfigError, match="reserved"):
        parse_settings({"site": {}, "sections": {"desk": "Desk"}}, tmp_path / "wiredesk.toml")
